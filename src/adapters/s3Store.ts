/**
 * SegmentStore on S3 or any S3-compatible store (@aws-sdk/client-s3).
 *
 * Writes need only s3:PutObject (plus s3:AbortMultipartUpload for large files): no Get, Head or
 * List while recording. Up to `multipartThresholdBytes` a file is sent as one PutObject from a
 * Buffer with a precomputed `ChecksumSHA256` (S3 verifies it) and `Content-MD5` (verified by
 * stores that ignore x-amz-checksum-*). Above it, lib-storage's multipart Upload sends a SHA-256
 * per part, and the whole-file SHA-256 is recomputed while streaming and compared before `put`
 * resolves. Credentials come only from the SDK's default provider chain and are never logged.
 */
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { readFile, stat } from 'node:fs/promises';
import { Readable, Transform } from 'node:stream';
import {
  GetObjectCommand,
  type ObjectLockMode,
  PutObjectCommand,
  type PutObjectCommandInput,
  S3Client,
  paginateListObjectsV2,
} from '@aws-sdk/client-s3';
import { Upload } from '@aws-sdk/lib-storage';
import { ConfigError, UploadError } from '../domain/errors';
import type { PutBody, PutOptions, SegmentStore, StoredObject } from '../domain/segmentStore';
import { describeS3Error } from './s3Errors';

export type ChecksumMode = 'WHEN_SUPPORTED' | 'WHEN_REQUIRED';

export type ServerSideEncryptionOption = { readonly type: 'AES256' } | { readonly type: 'aws:kms'; readonly kmsKeyId?: string };

export interface ObjectLockOption {
  readonly mode: ObjectLockMode;
  /** Each object is retained until its upload time plus this many days. */
  readonly retainDays: number;
}

export interface S3StoreOptions {
  readonly bucket: string;
  /** Destination prefix: '' or ending in '/'. Keys given to put/get are relative to it. */
  readonly prefix: string;
  /** Region; when undefined, the SDK's own resolution (AWS_REGION, profile). */
  readonly region?: string;
  /** An S3-compatible endpoint such as http://127.0.0.1:9000. Forces path-style addressing. */
  readonly endpoint?: string;
  /**
   * The SDK's requestChecksumCalculation and responseChecksumValidation.
   * Default: 'WHEN_REQUIRED' with an endpoint (many S3-compatible stores mishandle the SDK's
   * default aws-chunked trailers), 'WHEN_SUPPORTED' against AWS. Our own SHA-256 and MD5 are sent either way.
   */
  readonly checksumMode?: ChecksumMode;
  readonly serverSideEncryption?: ServerSideEncryptionOption;
  readonly objectLock?: ObjectLockOption;
  /** Files up to this size go as one PutObject from memory. Default 64 MiB. */
  readonly multipartThresholdBytes?: number;
  /** Multipart part size (S3 minimum 5 MiB). Default 8 MiB. */
  readonly partSizeBytes?: number;
  /** Parts in flight at once (each buffered in memory). Default 2. */
  readonly multipartQueueSize?: number;
  /** TCP connect timeout. Default 5 s. */
  readonly connectionTimeoutMs?: number;
  /** A socket idle this long is dropped, so a dead endpoint cannot hang a request. Default 30 s. */
  readonly idleTimeoutMs?: number;
  /** Whole-request limit. Default 5 min (one 64 MiB PUT at ~220 KB/s). */
  readonly requestTimeoutMs?: number;
  /** SDK attempts per request (the uploader retries on top). Default 3. */
  readonly maxAttempts?: number;
  /** Clock for Object Lock retain-until dates. */
  readonly now?: () => number;
}

export interface S3Store extends SegmentStore {
  readonly bucket: string;
  readonly prefix: string;
  /** Closes the client's sockets. */
  destroy(): void;
}

const MiB = 1024 * 1024;
const DAY_MS = 24 * 60 * 60 * 1000;

/** `s3://bucket/prefix/`, plus the endpoint without any user:password part. */
export function describeS3(options: Pick<S3StoreOptions, 'bucket' | 'prefix' | 'endpoint'>): string {
  const base = `s3://${options.bucket}/${options.prefix}`;
  if (options.endpoint === undefined) return base;
  const url = new URL(options.endpoint);
  url.username = '';
  url.password = '';
  return `${base} (endpoint ${url.origin})`;
}

export function createS3Store(options: S3StoreOptions): S3Store {
  if (options.endpoint !== undefined) {
    let url: URL | undefined;
    try {
      url = new URL(options.endpoint);
    } catch {
      url = undefined;
    }
    if (url === undefined || (url.protocol !== 'http:' && url.protocol !== 'https:')) {
      throw new ConfigError(`Expected the endpoint to be an http:// or https:// URL, got ${JSON.stringify(options.endpoint)}`);
    }
  }
  if (options.prefix !== '' && !options.prefix.endsWith('/')) {
    throw new ConfigError(`Expected the S3 prefix to be empty or end with "/", got ${JSON.stringify(options.prefix)}`);
  }
  const { bucket, prefix } = options;
  const description = describeS3(options);
  const checksumMode = options.checksumMode ?? (options.endpoint !== undefined ? 'WHEN_REQUIRED' : 'WHEN_SUPPORTED');
  const threshold = options.multipartThresholdBytes ?? 64 * MiB;
  const partSize = Math.max(5 * MiB, options.partSizeBytes ?? 8 * MiB);
  const now = options.now ?? Date.now;

  const client = new S3Client({
    ...(options.region !== undefined ? { region: options.region } : {}),
    ...(options.endpoint !== undefined ? { endpoint: options.endpoint, forcePathStyle: true } : {}),
    requestChecksumCalculation: checksumMode,
    responseChecksumValidation: checksumMode,
    maxAttempts: options.maxAttempts ?? 3,
    requestHandler: {
      connectionTimeout: options.connectionTimeoutMs ?? 5_000,
      socketTimeout: options.idleTimeoutMs ?? 30_000,
      requestTimeout: options.requestTimeoutMs ?? 300_000,
      throwOnRequestTimeout: true,
    },
  });

  function writeParams(key: string, contentType: string): PutObjectCommandInput {
    const sse = options.serverSideEncryption;
    const lock = options.objectLock;
    return {
      Bucket: bucket,
      Key: `${prefix}${key}`,
      ContentType: contentType,
      ...(sse?.type === 'AES256' ? { ServerSideEncryption: 'AES256' as const } : {}),
      ...(sse?.type === 'aws:kms'
        ? { ServerSideEncryption: 'aws:kms' as const, ...(sse.kmsKeyId !== undefined ? { SSEKMSKeyId: sse.kmsKeyId } : {}) }
        : {}),
      ...(lock !== undefined
        ? { ObjectLockMode: lock.mode, ObjectLockRetainUntilDate: new Date(now() + lock.retainDays * DAY_MS) }
        : {}),
    };
  }

  async function putSingle(key: string, data: Buffer, put: PutOptions): Promise<void> {
    const result = await client.send(
      new PutObjectCommand({
        ...writeParams(key, put.contentType),
        Body: data,
        ContentLength: data.length,
        ChecksumSHA256: put.sha256Base64,
        ContentMD5: put.md5Base64,
      }),
      put.signal ? { abortSignal: put.signal } : {},
    );
    if (result.ChecksumSHA256 !== undefined && result.ChecksumSHA256 !== put.sha256Base64) {
      throw new UploadError(
        `PutObject ${JSON.stringify(key)} to ${description}: the store confirmed SHA-256 ${result.ChecksumSHA256}, expected ${put.sha256Base64}; it will be sent again`,
      );
    }
  }

  async function putMultipart(key: string, body: PutBody, put: PutOptions): Promise<void> {
    const sha = createHash('sha256');
    const source: Readable = 'data' in body ? Readable.from([body.data]) : createReadStream(body.path);
    const hashing = new Transform({
      transform(chunk: Buffer, _encoding, callback) {
        sha.update(chunk);
        callback(null, chunk);
      },
    });
    source.on('error', (e) => hashing.destroy(e));
    source.pipe(hashing);
    const controller = new AbortController();
    const upload = new Upload({
      client,
      params: { ...writeParams(key, put.contentType), Body: hashing, ChecksumAlgorithm: 'SHA256' },
      partSize,
      queueSize: options.multipartQueueSize ?? 2,
      leavePartsOnError: false,
      abortController: controller,
    });
    const onAbort = (): void => void upload.abort();
    put.signal?.addEventListener('abort', onAbort, { once: true });
    try {
      await upload.done();
    } finally {
      put.signal?.removeEventListener('abort', onAbort);
      source.destroy();
      hashing.destroy();
    }
    const streamed = sha.digest('base64');
    if (streamed !== put.sha256Base64) {
      throw new UploadError(
        `Multipart upload of ${JSON.stringify(key)} to ${description} sent bytes with SHA-256 ${streamed}, expected ${put.sha256Base64}: ` +
          'the file changed after it was hashed; it will be hashed and sent again',
      );
    }
  }

  async function putObject(key: string, body: PutBody, put: PutOptions): Promise<void> {
    try {
      put.signal?.throwIfAborted();
      const size = 'data' in body ? body.data.length : (await stat(body.path)).size;
      if (size <= threshold) {
        const data = 'data' in body ? body.data : await readFile(body.path, put.signal ? { signal: put.signal } : {});
        await putSingle(key, data, put);
      } else {
        await putMultipart(key, body, put);
      }
    } catch (e) {
      if (e instanceof UploadError) throw e;
      throw describeS3Error(e, `Upload of ${JSON.stringify(key)}`, description, put.signal?.aborted === true);
    }
  }

  async function* list(listPrefix: string): AsyncIterable<StoredObject> {
    try {
      for await (const page of paginateListObjectsV2({ client }, { Bucket: bucket, Prefix: `${prefix}${listPrefix}` })) {
        for (const item of page.Contents ?? []) {
          if (item.Key === undefined) continue;
          yield { key: item.Key.slice(prefix.length), bytes: item.Size ?? 0 };
        }
      }
    } catch (e) {
      throw describeS3Error(e, `Listing ${JSON.stringify(listPrefix)}`, description);
    }
  }

  async function get(key: string): Promise<Readable> {
    try {
      const result = await client.send(new GetObjectCommand({ Bucket: bucket, Key: `${prefix}${key}` }));
      if (!(result.Body instanceof Readable)) throw new Error('GetObject returned no readable body');
      return result.Body;
    } catch (e) {
      throw describeS3Error(e, `Reading ${JSON.stringify(key)}`, description);
    }
  }

  return {
    description,
    bucket,
    prefix,
    put: putObject,
    list,
    get,
    destroy: () => client.destroy(),
  };
}

/**
 * PutObject for the S3 store. Up to `multipartThresholdBytes` a file is sent as one PutObject
 * from a Buffer with a precomputed `ChecksumSHA256` (S3 verifies it) and `Content-MD5` (verified
 * by stores that ignore x-amz-checksum-*). Above it, lib-storage's multipart Upload sends a
 * SHA-256 per part, and the whole-file SHA-256 is recomputed while streaming and compared before
 * `put` resolves. Needs only s3:PutObject (plus s3:AbortMultipartUpload for large files).
 */
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { readFile, stat } from 'node:fs/promises';
import { Readable, Transform } from 'node:stream';
import { type ObjectLockMode, PutObjectCommand, type PutObjectCommandInput, type S3Client } from '@aws-sdk/client-s3';
import { Upload } from '@aws-sdk/lib-storage';
import { UploadError } from '../domain/errors';
import type { PutBody, PutOptions } from '../domain/objectStore';
import { describeS3Error } from './s3Errors';

export type ServerSideEncryptionOption = { readonly type: 'AES256' } | { readonly type: 'aws:kms'; readonly kmsKeyId?: string };

export interface ObjectLockOption {
  readonly mode: ObjectLockMode;
  /** Each object is retained until its upload time plus this many days. */
  readonly retainDays: number;
}

export interface S3WriteOptions {
  readonly serverSideEncryption?: ServerSideEncryptionOption;
  readonly objectLock?: ObjectLockOption;
  /** Files up to this size go as one PutObject from memory. Default 64 MiB. */
  readonly multipartThresholdBytes?: number;
  /** Multipart part size (S3 minimum 5 MiB). Default 8 MiB. */
  readonly partSizeBytes?: number;
  /** Parts in flight at once (each buffered in memory). Default 2. */
  readonly multipartQueueSize?: number;
  /** Clock for Object Lock retain-until dates. */
  readonly now?: () => number;
}

const MiB = 1024 * 1024;
const DAY_MS = 24 * 60 * 60 * 1000;

export function s3Put(client: S3Client, at: { readonly bucket: string; readonly prefix: string; readonly description: string }, options: S3WriteOptions) {
  const { bucket, prefix, description } = at;
  const threshold = options.multipartThresholdBytes ?? 64 * MiB;
  const partSize = Math.max(5 * MiB, options.partSizeBytes ?? 8 * MiB);
  const now = options.now ?? Date.now;

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

  return async function put(key: string, body: PutBody, put: PutOptions): Promise<void> {
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
  };
}

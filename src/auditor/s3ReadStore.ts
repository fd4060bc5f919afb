/**
 * ReadStore on S3 or an S3-compatible store, with the auditor's credentials (the SDK's default
 * chain: never in a flag, never logged). Needs s3:ListBucket and s3:GetObject on the prefix.
 */
import { Readable } from 'node:stream';
import { GetObjectCommand, S3Client, paginateListObjectsV2 } from '@aws-sdk/client-s3';
import { describeS3, type ChecksumMode } from '../adapters/s3Store';
import { describeS3Error } from '../adapters/s3Errors';
import { ConfigError, UploadError } from '../domain/errors';
import type { StoredObject } from '../domain/segmentStore';
import { levelProblem, type ByteRange, type ListLevel, type OpenedObject, type ReadStore } from './readStore';

export interface S3ReadStoreOptions {
  readonly bucket: string;
  /** '' or ending in '/'. */
  readonly prefix: string;
  readonly endpoint?: string;
  /** Default: the SDK's chain; us-east-1 with an endpoint (S3-compatible stores rarely care, the signer does). */
  readonly region?: string;
  /** Default WHEN_REQUIRED with an endpoint, WHEN_SUPPORTED against AWS (see facts: s3rver and others). */
  readonly checksumMode?: ChecksumMode;
}

/** What the SDK error means for an auditor (reads need other permissions than the recorder's writes). */
export function describeReadError(e: unknown, operation: string, description: string): UploadError {
  const err = e as { name?: string; $metadata?: { httpStatusCode?: number }; message?: string };
  if (err?.name === 'AccessDenied' || err?.$metadata?.httpStatusCode === 403) {
    return new UploadError(
      `${operation} at ${description} was denied: the auditor's credentials need s3:ListBucket and s3:GetObject on the prefix ` +
        `(and kms:Decrypt with SSE-KMS) (${err.name ?? 'Error'}: ${err.message ?? ''})`,
      { cause: e },
    );
  }
  return describeS3Error(e, operation, description);
}

function isNotFound(e: unknown): boolean {
  const err = e as { name?: string; $metadata?: { httpStatusCode?: number } };
  return err?.name === 'NoSuchKey' || err?.name === 'NotFound' || err?.$metadata?.httpStatusCode === 404;
}

export function createS3ReadStore(options: S3ReadStoreOptions): ReadStore {
  const { bucket, prefix } = options;
  if (prefix !== '' && !prefix.endsWith('/')) {
    throw new ConfigError(`Expected the S3 prefix to be empty or end with "/", got ${JSON.stringify(prefix)}`);
  }
  const description = describeS3(options);
  const checksumMode = options.checksumMode ?? (options.endpoint !== undefined ? 'WHEN_REQUIRED' : 'WHEN_SUPPORTED');
  const region = options.region ?? (options.endpoint !== undefined ? 'us-east-1' : undefined);
  const client = new S3Client({
    ...(region !== undefined ? { region } : {}),
    ...(options.endpoint !== undefined ? { endpoint: options.endpoint, forcePathStyle: true } : {}),
    requestChecksumCalculation: checksumMode,
    responseChecksumValidation: checksumMode,
    maxAttempts: 3,
    requestHandler: { connectionTimeout: 5_000, socketTimeout: 30_000 },
  });

  async function listLevel(level: string): Promise<ListLevel> {
    const problem = levelProblem(level);
    if (problem !== undefined) throw new RangeError(`Cannot list ${JSON.stringify(level)}: it ${problem}`);
    const prefixes: string[] = [];
    const objects: StoredObject[] = [];
    try {
      for await (const page of paginateListObjectsV2({ client }, { Bucket: bucket, Prefix: `${prefix}${level}`, Delimiter: '/' })) {
        for (const p of page.CommonPrefixes ?? []) if (p.Prefix !== undefined) prefixes.push(p.Prefix.slice(prefix.length));
        for (const o of page.Contents ?? []) if (o.Key !== undefined) objects.push({ key: o.Key.slice(prefix.length), bytes: o.Size ?? 0 });
      }
      // Some S3-compatible stores (s3rver 3.7) return no common prefix for a "directory" whose
      // objects are two or more levels down. An empty level is cheap to double-check on real S3
      // (one more empty listing), so check it without the delimiter and derive the children.
      if (prefixes.length === 0 && objects.length === 0) {
        const children = new Set<string>();
        for await (const page of paginateListObjectsV2({ client }, { Bucket: bucket, Prefix: `${prefix}${level}` })) {
          for (const o of page.Contents ?? []) {
            if (o.Key === undefined) continue;
            const key = o.Key.slice(prefix.length);
            const slash = key.indexOf('/', level.length);
            if (slash < 0) objects.push({ key, bytes: o.Size ?? 0 });
            else children.add(key.slice(0, slash + 1));
          }
        }
        prefixes.push(...children);
      }
    } catch (e) {
      throw describeReadError(e, `Listing ${JSON.stringify(level || '(top)')}`, description);
    }
    return { prefixes, objects };
  }

  async function get(key: string, range?: ByteRange) {
    const rangeHeader = range === undefined ? undefined : `bytes=${range.start}-${range.end ?? ''}`;
    return client.send(new GetObjectCommand({ Bucket: bucket, Key: `${prefix}${key}`, ...(rangeHeader ? { Range: rangeHeader } : {}) }));
  }

  async function readSmall(key: string, maxBytes: number): Promise<Buffer | undefined> {
    let result;
    try {
      result = await get(key);
    } catch (e) {
      if (isNotFound(e)) return undefined;
      throw describeReadError(e, `Reading ${JSON.stringify(key)}`, description);
    }
    const body = result.Body;
    if (!(body instanceof Readable)) throw new UploadError(`Reading ${JSON.stringify(key)} at ${description}: GetObject returned no body`);
    if ((result.ContentLength ?? 0) > maxBytes) {
      body.destroy();
      throw new UploadError(`${JSON.stringify(key)} at ${description} is ${result.ContentLength} bytes; expected at most ${maxBytes} for this kind of object`);
    }
    const chunks: Buffer[] = [];
    let total = 0;
    for await (const chunk of body as AsyncIterable<Buffer>) {
      total += chunk.length;
      if (total > maxBytes) {
        body.destroy();
        throw new UploadError(`${JSON.stringify(key)} at ${description} is larger than ${maxBytes} bytes`);
      }
      chunks.push(chunk);
    }
    return Buffer.concat(chunks);
  }

  async function open(key: string, range?: ByteRange): Promise<OpenedObject> {
    let result;
    try {
      result = await get(key, range);
    } catch (e) {
      throw describeReadError(e, `Reading ${JSON.stringify(key)}`, description);
    }
    const body = result.Body;
    if (!(body instanceof Readable)) throw new UploadError(`Reading ${JSON.stringify(key)} at ${description}: GetObject returned no body`);
    const length = result.ContentLength ?? 0;
    // "bytes 0-99/1000" when a range was served; the whole object otherwise.
    const m = /^bytes (\d+)-(\d+)\/(\d+)$/.exec(result.ContentRange ?? '');
    if (m) return { body, length, start: Number(m[1]), end: Number(m[2]), totalBytes: Number(m[3]) };
    return { body, length, start: 0, end: Math.max(0, length - 1), totalBytes: length };
  }

  return { description, listLevel, readSmall, open, close: () => client.destroy() };
}

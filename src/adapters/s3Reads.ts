/** Listing and reading for the S3 store (s3:ListBucket, s3:GetObject): what the auditor's commands need. */
import { Readable } from 'node:stream';
import { GetObjectCommand, type S3Client, paginateListObjectsV2 } from '@aws-sdk/client-s3';
import { UploadError } from '../domain/errors';
import { levelProblem, type ByteRange, type ListLevel, type OpenedObject, type ReadOnlyStore, type StoredObject } from '../domain/objectStore';
import { readAtMost } from './boundedRead';
import { describeS3ReadError, isS3NotFound } from './s3Errors';

export function s3Reads(client: S3Client, at: { readonly bucket: string; readonly prefix: string; readonly description: string }): Omit<ReadOnlyStore, 'description' | 'close'> {
  const { bucket, prefix, description } = at;

  async function* list(listPrefix: string): AsyncIterable<StoredObject> {
    try {
      for await (const page of paginateListObjectsV2({ client }, { Bucket: bucket, Prefix: `${prefix}${listPrefix}` })) {
        for (const item of page.Contents ?? []) {
          if (item.Key === undefined) continue;
          yield { key: item.Key.slice(prefix.length), bytes: item.Size ?? 0 };
        }
      }
    } catch (e) {
      throw describeS3ReadError(e, `Listing ${JSON.stringify(listPrefix)}`, description);
    }
  }

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
        for await (const o of list(level)) {
          const slash = o.key.indexOf('/', level.length);
          if (slash < 0) objects.push(o);
          else children.add(o.key.slice(0, slash + 1));
        }
        prefixes.push(...children);
      }
    } catch (e) {
      if (e instanceof UploadError) throw e;
      throw describeS3ReadError(e, `Listing ${JSON.stringify(level || '(top)')}`, description);
    }
    return { prefixes, objects };
  }

  async function get(key: string, range?: ByteRange) {
    const rangeHeader = range === undefined ? undefined : `bytes=${range.start}-${range.end ?? ''}`;
    const result = await client.send(new GetObjectCommand({ Bucket: bucket, Key: `${prefix}${key}`, ...(rangeHeader ? { Range: rangeHeader } : {}) }));
    if (!(result.Body instanceof Readable)) throw new UploadError(`Reading ${JSON.stringify(key)} at ${description}: GetObject returned no body`);
    return { ...result, Body: result.Body };
  }

  async function readSmall(key: string, maxBytes: number): Promise<Buffer | undefined> {
    let result;
    try {
      result = await get(key);
    } catch (e) {
      if (isS3NotFound(e)) return undefined;
      if (e instanceof UploadError) throw e;
      throw describeS3ReadError(e, `Reading ${JSON.stringify(key)}`, description);
    }
    if ((result.ContentLength ?? 0) > maxBytes) {
      result.Body.destroy();
      throw new UploadError(`${JSON.stringify(key)} at ${description} is ${result.ContentLength} bytes; expected at most ${maxBytes} for this kind of object`);
    }
    return readAtMost(result.Body, maxBytes, `${JSON.stringify(key)} at ${description}`);
  }

  async function open(key: string, range?: ByteRange): Promise<OpenedObject> {
    let result;
    try {
      result = await get(key, range);
    } catch (e) {
      if (e instanceof UploadError) throw e;
      throw describeS3ReadError(e, `Reading ${JSON.stringify(key)}`, description);
    }
    const body = result.Body;
    const length = result.ContentLength ?? 0;
    // "bytes 0-99/1000" when a range was served; the whole object otherwise.
    const m = /^bytes (\d+)-(\d+)\/(\d+)$/.exec(result.ContentRange ?? '');
    if (m) return { body, length, start: Number(m[1]), end: Number(m[2]), totalBytes: Number(m[3]) };
    return { body, length, start: 0, end: Math.max(0, length - 1), totalBytes: length };
  }

  return { list, listLevel, readSmall, open };
}

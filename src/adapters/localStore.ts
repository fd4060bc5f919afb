/**
 * SegmentStore on a local directory laid out exactly like the bucket (`<dir>/<key>`).
 * `put` writes a temp file, fsyncs it, checks its SHA-256 and MD5 against the expected ones,
 * then renames it into place: the key holds the old object or the verified new one, never a mix.
 */
import { createReadStream } from 'node:fs';
import { mkdir, open, readdir, rm, stat } from 'node:fs/promises';
import { dirname, join, relative, sep } from 'node:path';
import type { Readable } from 'node:stream';
import { UploadError } from '../domain/errors';
import type { PutBody, PutOptions, SegmentStore, StoredObject } from '../domain/segmentStore';
import { commitTemp, isTempName, tempPathFor } from './atomicWrite';
import { hashFile } from './checksums';

function keyProblem(key: string): string | undefined {
  if (key === '') return 'is empty';
  if (key.startsWith('/')) return 'starts with "/"';
  if (key.includes('\\') || key.includes('\0')) return 'contains "\\" or NUL';
  if (key.split('/').some((p) => p === '' || p === '.' || p === '..')) return 'has an empty, "." or ".." component';
  return undefined;
}

function errorCode(e: unknown): string | undefined {
  return typeof e === 'object' && e !== null && 'code' in e ? String((e as { code: unknown }).code) : undefined;
}

export function createLocalStore(dir: string): SegmentStore {
  const description = `file://${dir}`;

  function pathOf(key: string): string {
    const problem = keyProblem(key);
    if (problem !== undefined) {
      throw new UploadError(`Key ${JSON.stringify(key)} ${problem}; expected a relative key like "stack/fleet/session/name"`);
    }
    return join(dir, ...key.split('/'));
  }

  function hint(e: unknown): string {
    switch (errorCode(e)) {
      case 'ENOSPC':
        return ': the disk is full; free space or choose another destination';
      case 'EACCES':
      case 'EPERM':
        return `: permission denied; make ${dir} writable for the recorder`;
      case 'EROFS':
        return ': the filesystem is read-only; choose another destination';
      default:
        return '';
    }
  }

  async function put(key: string, body: PutBody, options: PutOptions): Promise<void> {
    const target = pathOf(key);
    const signal = options.signal;
    let temp: string | undefined;
    try {
      signal?.throwIfAborted();
      await mkdir(dirname(target), { recursive: true });
      temp = tempPathFor(target);
      const handle = await open(temp, 'wx');
      try {
        if ('data' in body) {
          await handle.writeFile(body.data);
        } else {
          for await (const chunk of createReadStream(body.path, signal ? { signal } : {}) as AsyncIterable<Buffer>) {
            await handle.write(chunk);
          }
        }
        await handle.sync();
      } finally {
        await handle.close();
      }
      signal?.throwIfAborted();
      const landed = await hashFile(temp, signal);
      if (landed.sha256Base64 !== options.sha256Base64 || landed.md5Base64 !== options.md5Base64) {
        throw new UploadError(
          `Checksum mismatch writing ${JSON.stringify(key)} to ${description}: expected SHA-256 ${options.sha256Base64}, ` +
            `got ${landed.sha256Base64}; the source changed after it was hashed. It will be hashed and written again`,
        );
      }
      signal?.throwIfAborted();
      await commitTemp(temp, target);
      temp = undefined;
    } catch (e) {
      if (e instanceof UploadError) throw e;
      if (signal?.aborted) throw new UploadError(`Writing ${JSON.stringify(key)} to ${description} was aborted`, { cause: e });
      throw new UploadError(`Could not write ${JSON.stringify(key)} to ${description}${hint(e)} (${(e as Error).message})`, {
        cause: e,
      });
    } finally {
      if (temp !== undefined) await rm(temp, { force: true }).catch(() => undefined);
    }
  }

  async function* walk(current: string): AsyncGenerator<string> {
    let entries;
    try {
      entries = await readdir(current, { withFileTypes: true });
    } catch (e) {
      if (errorCode(e) === 'ENOENT' || errorCode(e) === 'ENOTDIR') return;
      throw e;
    }
    for (const entry of entries) {
      if (isTempName(entry.name)) continue;
      const full = join(current, entry.name);
      if (entry.isDirectory()) yield* walk(full);
      else if (entry.isFile()) yield full;
    }
  }

  async function* list(prefix: string): AsyncIterable<StoredObject> {
    // Start at the deepest directory the prefix names, then filter by the full prefix.
    const slash = prefix.lastIndexOf('/');
    const start = slash < 0 ? dir : join(dir, ...prefix.slice(0, slash).split('/').filter((p) => p !== ''));
    const found: StoredObject[] = [];
    for await (const file of walk(start)) {
      const key = relative(dir, file).split(sep).join('/');
      if (!key.startsWith(prefix)) continue;
      found.push({ key, bytes: (await stat(file)).size });
    }
    // S3 lists in UTF-8 byte order of keys.
    found.sort((a, b) => Buffer.compare(Buffer.from(a.key), Buffer.from(b.key)));
    yield* found;
  }

  async function get(key: string): Promise<Readable> {
    const path = pathOf(key);
    try {
      const info = await stat(path);
      if (!info.isFile()) throw Object.assign(new Error('not a file'), { code: 'ENOENT' });
    } catch (e) {
      const what = errorCode(e) === 'ENOENT' ? 'no such object' : (e as Error).message;
      throw new UploadError(`Cannot read ${JSON.stringify(key)} from ${description}: ${what}`, { cause: e });
    }
    return createReadStream(path);
  }

  return { description, put, list, get };
}

/**
 * The ObjectStore on a local directory laid out exactly like the bucket (`<dir>/<key>`): the
 * embedded default destination. Reads in localReads.ts.
 * `put` writes a temp file, fsyncs it, checks its SHA-256 and MD5 against the expected ones,
 * then renames it into place: the key holds the old object or the verified new one, never a mix.
 */
import { createReadStream } from 'node:fs';
import { mkdir, open, rm } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { errorCode, UploadError } from '../domain/errors';
import { keyProblem, type ObjectStore, type PutBody, type PutOptions } from '../domain/objectStore';
import { commitTemp, tempPathFor } from './atomicWrite';
import { hashFile } from './checksums';
import { localReads } from './localReads';

export function createLocalStore(dir: string): ObjectStore {
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

  return { description, put, ...localReads(dir, description, pathOf), close: () => undefined };
}

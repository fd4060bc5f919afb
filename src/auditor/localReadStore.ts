/** ReadStore on a local directory laid out like the bucket (`file://` destinations). */
import { createReadStream } from 'node:fs';
import { readdir, readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { isTempName } from '../adapters/atomicWrite';
import { UploadError } from '../domain/errors';
import type { StoredObject } from '../domain/segmentStore';
import { levelProblem, type ByteRange, type ListLevel, type OpenedObject, type ReadStore } from './readStore';

function code(e: unknown): string | undefined {
  return typeof e === 'object' && e !== null && 'code' in e ? String((e as { code: unknown }).code) : undefined;
}

/** S3 lists in UTF-8 byte order; so do we. */
function byteOrder(a: string, b: string): number {
  return Buffer.compare(Buffer.from(a), Buffer.from(b));
}

export function createLocalReadStore(dir: string): ReadStore {
  const description = `file://${dir}`;

  function pathOf(key: string): string {
    if (key === '' || key.startsWith('/') || key.includes('\\') || key.includes('\0') || key.split('/').some((p) => p === '' || p === '.' || p === '..')) {
      throw new UploadError(`Key ${JSON.stringify(key)} is not a relative key like "stack/fleet/session/name"`);
    }
    return join(dir, ...key.split('/'));
  }

  async function listLevel(level: string): Promise<ListLevel> {
    const problem = levelProblem(level);
    if (problem !== undefined) throw new RangeError(`Cannot list ${JSON.stringify(level)}: it ${problem}`);
    const levelDir = join(dir, ...level.split('/').filter((p) => p !== ''));
    let entries;
    try {
      entries = await readdir(levelDir, { withFileTypes: true });
    } catch (e) {
      if (code(e) === 'ENOENT' || code(e) === 'ENOTDIR') return { prefixes: [], objects: [] };
      throw new UploadError(`Listing ${JSON.stringify(level || '(top)')} at ${description} failed: ${(e as Error).message}`, { cause: e });
    }
    const prefixes: string[] = [];
    const objects: StoredObject[] = [];
    await Promise.all(
      entries.map(async (entry) => {
        if (isTempName(entry.name)) return;
        if (entry.isDirectory()) prefixes.push(`${level}${entry.name}/`);
        else if (entry.isFile()) {
          const info = await stat(join(levelDir, entry.name)).catch(() => undefined);
          if (info !== undefined) objects.push({ key: `${level}${entry.name}`, bytes: info.size });
        }
      }),
    );
    prefixes.sort(byteOrder);
    objects.sort((a, b) => byteOrder(a.key, b.key));
    return { prefixes, objects };
  }

  async function readSmall(key: string, maxBytes: number): Promise<Buffer | undefined> {
    const path = pathOf(key);
    try {
      const info = await stat(path);
      if (!info.isFile()) return undefined;
      if (info.size > maxBytes) throw new UploadError(`${JSON.stringify(key)} at ${description} is ${info.size} bytes; expected at most ${maxBytes}`);
      return await readFile(path);
    } catch (e) {
      if (code(e) === 'ENOENT' || code(e) === 'ENOTDIR') return undefined;
      if (e instanceof UploadError) throw e;
      throw new UploadError(`Reading ${JSON.stringify(key)} at ${description} failed: ${(e as Error).message}`, { cause: e });
    }
  }

  async function open(key: string, range?: ByteRange): Promise<OpenedObject> {
    const path = pathOf(key);
    let size: number;
    try {
      const info = await stat(path);
      if (!info.isFile()) throw Object.assign(new Error('not a file'), { code: 'ENOENT' });
      size = info.size;
    } catch (e) {
      throw new UploadError(`Cannot read ${JSON.stringify(key)} from ${description}: ${code(e) === 'ENOENT' ? 'no such object' : (e as Error).message}`, { cause: e });
    }
    const start = Math.min(range?.start ?? 0, size);
    const end = Math.min(range?.end ?? size - 1, size - 1);
    const body = createReadStream(path, { start, end: Math.max(start, end) });
    return { body, length: Math.max(0, end - start + 1), start, end, totalBytes: size };
  }

  return { description, listLevel, readSmall, open, close: () => undefined };
}

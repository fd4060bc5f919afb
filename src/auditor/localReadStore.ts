/**
 * ReadStore on a local directory laid out like the bucket (`file://` destinations). Nothing below
 * the directory is read through a symbolic link: a link planted there would make the auditor's
 * `list`, `export` or viewer read (and serve) a file outside the destination.
 */
import { constants } from 'node:fs';
import { lstat, open as openFile, readdir, stat, type FileHandle } from 'node:fs/promises';
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

  const linkError = (key: string): UploadError =>
    new UploadError(`${JSON.stringify(key)} at ${description} is a symbolic link: file:// destinations are read without following links`);

  /** Throws linkError when a directory on the way to `parts` (below `dir`) is a symbolic link. */
  async function checkNoLinkedDirs(key: string, parts: readonly string[]): Promise<void> {
    let path = dir;
    for (const part of parts) {
      path = join(path, part);
      if ((await lstat(path)).isSymbolicLink()) throw linkError(key);
    }
  }

  /** The key's file, opened without following a link anywhere below `dir` (O_NOFOLLOW for the last step). */
  async function openNoFollow(key: string): Promise<FileHandle> {
    const path = pathOf(key);
    const parts = key.split('/');
    await checkNoLinkedDirs(key, parts.slice(0, -1));
    try {
      return await openFile(path, constants.O_RDONLY | constants.O_NOFOLLOW);
    } catch (e) {
      if (code(e) === 'ELOOP') throw linkError(key);
      throw e;
    }
  }

  async function listLevel(level: string): Promise<ListLevel> {
    const problem = levelProblem(level);
    if (problem !== undefined) throw new RangeError(`Cannot list ${JSON.stringify(level)}: it ${problem}`);
    const parts = level.split('/').filter((p) => p !== '');
    const levelDir = join(dir, ...parts);
    let entries;
    try {
      await checkNoLinkedDirs(level, parts);
      entries = await readdir(levelDir, { withFileTypes: true });
    } catch (e) {
      if (code(e) === 'ENOENT' || code(e) === 'ENOTDIR' || e instanceof UploadError) return { prefixes: [], objects: [] };
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
    let handle: FileHandle | undefined;
    try {
      handle = await openNoFollow(key);
      const info = await handle.stat();
      if (!info.isFile()) return undefined;
      if (info.size > maxBytes) throw new UploadError(`${JSON.stringify(key)} at ${description} is ${info.size} bytes; expected at most ${maxBytes}`);
      return await handle.readFile();
    } catch (e) {
      if (code(e) === 'ENOENT' || code(e) === 'ENOTDIR') return undefined;
      if (e instanceof UploadError) throw e;
      throw new UploadError(`Reading ${JSON.stringify(key)} at ${description} failed: ${(e as Error).message}`, { cause: e });
    } finally {
      await handle?.close();
    }
  }

  async function open(key: string, range?: ByteRange): Promise<OpenedObject> {
    let size: number;
    let handle: FileHandle | undefined;
    try {
      handle = await openNoFollow(key);
      const info = await handle.stat();
      if (!info.isFile()) throw Object.assign(new Error('not a file'), { code: 'ENOENT' });
      size = info.size;
    } catch (e) {
      await handle?.close();
      if (e instanceof UploadError) throw e;
      throw new UploadError(`Cannot read ${JSON.stringify(key)} from ${description}: ${code(e) === 'ENOENT' ? 'no such object' : (e as Error).message}`, { cause: e });
    }
    const start = Math.min(range?.start ?? 0, size);
    const end = Math.min(range?.end ?? size - 1, size - 1);
    const body = handle.createReadStream({ start, end: Math.max(start, end) });
    return { body, length: Math.max(0, end - start + 1), start, end, totalBytes: size };
  }

  return { description, listLevel, readSmall, open, close: () => undefined };
}

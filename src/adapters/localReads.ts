/**
 * Listing and reading for the local-directory store, in S3's terms (UTF-8 byte order, no temp
 * files). Nothing below the directory is read through a symbolic link: a link planted there would
 * make the auditor's `list`, `export`, `verify` or viewer read (and serve) a file outside the
 * destination.
 */
import { constants } from 'node:fs';
import { lstat, open as openFile, readdir, stat, type FileHandle } from 'node:fs/promises';
import { join, relative, sep } from 'node:path';
import { errorCode, UploadError } from '../domain/errors';
import { levelProblem, type ByteRange, type ListLevel, type OpenedObject, type ReadOnlyStore, type StoredObject } from '../domain/objectStore';
import { isTempName } from './atomicWrite';

/** S3 lists in UTF-8 byte order; so do we. */
function byteOrder(a: string, b: string): number {
  return Buffer.compare(Buffer.from(a), Buffer.from(b));
}

function missing(e: unknown): boolean {
  return errorCode(e) === 'ENOENT' || errorCode(e) === 'ENOTDIR';
}

/** `pathOf` turns a key into its file, refusing keys that are not relative (UploadError). */
export function localReads(dir: string, description: string, pathOf: (key: string) => string): Omit<ReadOnlyStore, 'description' | 'close'> {
  async function* walk(current: string): AsyncGenerator<string> {
    let entries;
    try {
      entries = await readdir(current, { withFileTypes: true });
    } catch (e) {
      if (missing(e)) return;
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
    found.sort((a, b) => byteOrder(a.key, b.key));
    yield* found;
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
      if (errorCode(e) === 'ELOOP') throw linkError(key);
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
      if (missing(e) || e instanceof UploadError) return { prefixes: [], objects: [] };
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
      if (missing(e)) return undefined;
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
      throw new UploadError(`Cannot read ${JSON.stringify(key)} from ${description}: ${errorCode(e) === 'ENOENT' ? 'no such object' : (e as Error).message}`, { cause: e });
    }
    const start = Math.min(range?.start ?? 0, size);
    const end = Math.min(range?.end ?? size - 1, size - 1);
    const body = handle.createReadStream({ start, end: Math.max(start, end) });
    return { body, length: Math.max(0, end - start + 1), start, end, totalBytes: size };
  }

  return { list, listLevel, readSmall, open };
}

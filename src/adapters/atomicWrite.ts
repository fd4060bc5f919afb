/** Crash-safe file replacement: write a temp file beside the target, fsync, rename, fsync the directory. */
import { randomBytes } from 'node:crypto';
import { open, rename, rm } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';

const TEMP_MARK = '.tmp-';

/** A hidden temp name in the target's directory (same filesystem, so rename is atomic). */
export function tempPathFor(target: string): string {
  return join(dirname(target), `.${basename(target)}${TEMP_MARK}${process.pid}-${randomBytes(4).toString('hex')}`);
}

export function isTempName(name: string): boolean {
  return name.startsWith('.') && name.includes(TEMP_MARK);
}

/** fsync a directory so a rename inside it survives a power loss; a no-op where unsupported (Windows). */
export async function fsyncDir(dir: string): Promise<void> {
  let handle;
  try {
    handle = await open(dir, 'r');
    await handle.sync();
  } catch {
    // Directories cannot be opened or synced on some platforms; the rename is still atomic.
  } finally {
    await handle?.close().catch(() => undefined);
  }
}

/** Renames `temp` over `target` and syncs the directory; removes `temp` if the rename fails. */
export async function commitTemp(temp: string, target: string): Promise<void> {
  try {
    await rename(temp, target);
  } catch (e) {
    await rm(temp, { force: true });
    throw e;
  }
  await fsyncDir(dirname(target));
}

/** Replaces `target` with `data` atomically: readers see the old or the new content, never a mix. */
export async function writeFileAtomic(target: string, data: string | Buffer): Promise<void> {
  const temp = tempPathFor(target);
  const handle = await open(temp, 'wx');
  try {
    await handle.writeFile(data);
    await handle.sync();
  } catch (e) {
    await handle.close().catch(() => undefined);
    await rm(temp, { force: true });
    throw e;
  }
  await handle.close();
  await commitTemp(temp, target);
}

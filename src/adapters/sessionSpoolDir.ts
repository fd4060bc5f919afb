import { readdir, rm, rmdir } from 'node:fs/promises';
import { basename, join } from 'node:path';

/**
 * Removes a session dir once everything in it is durable. Everything but the lock goes first,
 * then the lock is released, then the (now empty) dir is removed: a recorder that takes the
 * session in between keeps its files, because rmdir refuses a non-empty directory.
 */
export async function removeSessionDir(dir: string, lockPath: string, release: () => Promise<void>): Promise<void> {
  const names = await readdir(dir).catch(() => [] as string[]);
  for (const name of names) {
    if (name === basename(lockPath)) continue;
    await rm(join(dir, name), { recursive: true, force: true });
  }
  await release();
  await rmdir(dir).catch(() => undefined);
}

/** Video files anywhere under `dir`. */
export async function countVideo(dir: string): Promise<number> {
  const names = await readdir(dir, { recursive: true }).catch(() => [] as string[]);
  return names.map(String).filter((n) => /\.(mp4|ts|mkv)$/.test(n)).length;
}

/**
 * Free space of the file system holding a directory (`fs.statfs`, Node 18.15+). The number that
 * counts is what an unprivileged writer may use (`bavail`): root may dip into the reserved blocks,
 * but the floor is meant to keep a margin, not to eat the last of it.
 */
import { statfs } from 'node:fs/promises';

export interface FreeSpace {
  readonly freeBytes: number;
  readonly totalBytes: number;
}

export type StatFs = (path: string) => Promise<FreeSpace>;

export const systemStatFs: StatFs = async (path) => {
  const s = await statfs(path);
  return { freeBytes: s.bavail * s.bsize, totalBytes: s.blocks * s.bsize };
};

export const MB = 1024 * 1024;

/** Whole megabytes, one decimal: for log lines. */
export function megabytes(bytes: number): number {
  return Math.round((bytes / MB) * 10) / 10;
}

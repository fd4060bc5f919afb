/**
 * Watches the free space of the spool's file system while recording. Below the floor
 * (--min-free-space-mb) it logs an error at once and then at most once a minute, naming what is
 * kept; when space is back it says so once.
 *
 * What the recorder does below the floor (documented in docs/fault-tests.md): it keeps recording
 * and keeps every segment that is not yet durable in the store. Nothing unuploaded is ever deleted
 * to make room; segments leave the spool only once the store confirmed them, which is also what
 * frees space. If the disk fills completely, FFmpeg fails to write and exits; the statechart
 * restarts it with its crash-loop backoff (at most 30 s apart), so capture resumes by itself as
 * soon as uploads have made room. Stopping capture instead would lose evidence for certain.
 *
 * A completely full disk would also stop the uploads: each durable segment is first noted in the
 * spool's manifest (an atomic rewrite needs a few KB) before its local copy is deleted. So the
 * session keeps a small space reserve file (RESERVE_BYTES) while space is plentiful and deletes it
 * when the file system is full: the uploader's next retry can write its manifest, delete the
 * segment it just made durable, and from there on every upload frees space.
 */
import { open, readdir, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import type { Logger } from 'pino';
import { MB, megabytes, systemStatFs, type StatFs } from '../adapters/freeSpace';

export interface SpoolSpaceWatchOptions {
  /** Any directory on the spool's file system (the session spool dir). */
  readonly dir: string;
  readonly minFreeMb: number;
  readonly logger: Logger;
  /** Default 5 s. */
  readonly intervalMs?: number;
  /** While below the floor, one error line per this long. Default 60 s. */
  readonly repeatMs?: number;
  readonly statfs?: StatFs;
  readonly now?: () => number;
}

/** Kept in the session spool dir while space is plentiful; deleted when the file system is full. */
export const RESERVE_FILE = '.space-reserve';
export const RESERVE_BYTES = 2 * MB;

export interface SpoolSpaceWatch {
  /** Checks once now (also done at start and every interval). */
  check(): Promise<void>;
  /** Stops checking and removes the reserve file; settles once it is gone. */
  stop(): Promise<void>;
}

export function watchSpoolSpace(options: SpoolSpaceWatchOptions): SpoolSpaceWatch {
  const { dir, logger } = options;
  const statfs = options.statfs ?? systemStatFs;
  const now = options.now ?? Date.now;
  const floorBytes = options.minFreeMb * MB;
  const repeatMs = options.repeatMs ?? 60_000;
  let below = false;
  let lastErrorAt = Number.NEGATIVE_INFINITY;
  let suppressed = 0;
  let running: Promise<void> | undefined;
  let stopped = false;
  const reservePath = join(dir, RESERVE_FILE);
  let reserved = false;

  const checkNow = async (): Promise<void> => {
    let free: number;
    try {
      free = (await statfs(dir)).freeBytes;
    } catch (e) {
      logger.debug({ dir, err: (e as Error).message }, 'cannot read the spool file system free space');
      return;
    }
    if (stopped) return;
    if (reserved && free < RESERVE_BYTES) {
      reserved = false;
      await rm(reservePath, { force: true }).catch(() => undefined);
      logger.error({ spool: dir, freeMb: megabytes(free) }, `spool file system full: released the ${megabytes(RESERVE_BYTES)} MB space reserve so uploads can go on freeing space`);
    } else if (!reserved && free >= floorBytes + RESERVE_BYTES) {
      reserved = await makeReserve(reservePath);
    }
    if (free < floorBytes) {
      if (!below || now() - lastErrorAt >= repeatMs) {
        const kept = await unuploadedVideo(dir);
        logger.error(
          { spool: dir, freeMb: megabytes(free), floorMb: options.minFreeMb, keptSegments: kept.count, keptMb: megabytes(kept.bytes), suppressedChecks: suppressed },
          `spool file system below the free-space floor (${megabytes(free)} MB free < ${options.minFreeMb} MB): ` +
            'still recording; every segment not yet in the store is kept (never deleted to make room); ' +
            'make the store reachable or free space on this file system',
        );
        lastErrorAt = now();
        suppressed = 0;
      } else {
        suppressed += 1;
      }
      below = true;
    } else if (below) {
      below = false;
      logger.info({ spool: dir, freeMb: megabytes(free), floorMb: options.minFreeMb }, 'spool file system back above the free-space floor');
    }
  };

  const check = (): Promise<void> => {
    running ??= checkNow().finally(() => {
      running = undefined;
    });
    return running;
  };

  void check();
  const timer = setInterval(() => void check(), options.intervalMs ?? 5_000);
  timer.unref();
  return {
    check,
    stop: () => {
      stopped = true;
      clearInterval(timer);
      // The reserve is only bookkeeping: a spool left for `recover` does not keep it.
      return (running ?? Promise.resolve()).then(() => rm(reservePath, { force: true })).catch(() => undefined);
    },
  };
}

/** Writes the reserve file (real blocks: zeros, synced); false if there was no room for it. */
async function makeReserve(path: string): Promise<boolean> {
  let handle;
  try {
    handle = await open(path, 'w', 0o600);
    await handle.write(Buffer.alloc(RESERVE_BYTES));
    await handle.sync();
    return true;
  } catch {
    await rm(path, { force: true }).catch(() => undefined);
    return false;
  } finally {
    await handle?.close().catch(() => undefined);
  }
}

/** Video files still in the session spool (segments not yet durable). */
async function unuploadedVideo(dir: string): Promise<{ count: number; bytes: number }> {
  const names = (await readdir(dir, { recursive: true }).catch(() => [])).map(String).filter((n) => /\.(mp4|ts|mkv)$/.test(n));
  let bytes = 0;
  for (const name of names) bytes += (await stat(join(dir, name)).catch(() => ({ size: 0 }))).size;
  return { count: names.length, bytes };
}

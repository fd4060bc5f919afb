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
 */
import { readdir, stat } from 'node:fs/promises';
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

export interface SpoolSpaceWatch {
  /** Checks once now (also done at start and every interval). */
  check(): Promise<void>;
  stop(): void;
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

  const checkNow = async (): Promise<void> => {
    let free: number;
    try {
      free = (await statfs(dir)).freeBytes;
    } catch (e) {
      logger.debug({ dir, err: (e as Error).message }, 'cannot read the spool file system free space');
      return;
    }
    if (stopped) return;
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

  if (options.minFreeMb > 0) void check();
  const timer = options.minFreeMb > 0 ? setInterval(() => void check(), options.intervalMs ?? 5_000) : undefined;
  timer?.unref();
  return {
    check,
    stop: () => {
      stopped = true;
      if (timer !== undefined) clearInterval(timer);
    },
  };
}

/** Video files still in the session spool (segments not yet durable). */
async function unuploadedVideo(dir: string): Promise<{ count: number; bytes: number }> {
  const names = (await readdir(dir, { recursive: true }).catch(() => [])).map(String).filter((n) => /\.(mp4|ts|mkv)$/.test(n));
  let bytes = 0;
  for (const name of names) bytes += (await stat(join(dir, name)).catch(() => ({ size: 0 }))).size;
  return { count: names.length, bytes };
}

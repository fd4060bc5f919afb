/**
 * A single progress line on a terminal (`\r` + erase line), at most ~10 times a second, erased
 * when done. On anything that is not a TTY it writes nothing at all: scripts and logs stay clean.
 */
import type { VerifyProgress } from './verifySession';

export interface ProgressTarget {
  readonly isTTY?: boolean;
  write(text: string): unknown;
}

export interface ProgressLine {
  update(progress: VerifyProgress): void;
  /** Erases the line (if one was drawn). */
  done(): void;
}

export function progressLine(target: ProgressTarget, options: { now?: () => number; intervalMs?: number } = {}): ProgressLine {
  if (target.isTTY !== true) return { update: () => undefined, done: () => undefined };
  const now = options.now ?? Date.now;
  const intervalMs = options.intervalMs ?? 100;
  let drawnAt = Number.NEGATIVE_INFINITY;
  let drawn = false;
  return {
    update(p) {
      const finished = p.segmentsDone === p.segments;
      if (!finished && now() - drawnAt < intervalMs) return;
      drawnAt = now();
      drawn = true;
      const percent = p.bytes > 0 ? Math.floor((100 * p.bytesDone) / p.bytes) : 100;
      target.write(`\r\x1b[Kverifying: ${p.segmentsDone}/${p.segments} segments, ${(p.bytesDone / 1e6).toFixed(1)}/${(p.bytes / 1e6).toFixed(1)} MB (${percent} %)`);
    },
    done() {
      if (drawn) target.write('\r\x1b[K');
      drawn = false;
    },
  };
}

/**
 * `search`'s progress on stderr: one line redrawn in place at most ~10 times a second, erased at
 * the end, and nothing at all when stderr is not a terminal (like verify's progressLine.ts).
 */
import type { ProgressTarget } from '../verify/progressLine';
import { progressText } from './searchFormat';
import type { SearchProgress } from './searchTypes';

export function searchProgressLine(target: ProgressTarget, now: () => number = Date.now): { update(p: SearchProgress): void; done(): void } {
  if (target.isTTY !== true) return { update: () => undefined, done: () => undefined };
  let drawnAt = Number.NEGATIVE_INFINITY;
  let drawn = false;
  return {
    update(p) {
      if (p.segmentsDone !== p.segmentsTotal && now() - drawnAt < 100) return;
      drawnAt = now();
      drawn = true;
      target.write(`\r\x1b[K${progressText(p)}`);
    },
    done() {
      if (drawn) target.write('\r\x1b[K');
      drawn = false;
    },
  };
}

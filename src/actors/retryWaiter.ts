/**
 * The uploader's one pending wait: for work (`idle`) or for a retry delay (`backoff`). `wake(kind)`
 * ends it early when it is of that kind (a segment queued, drain asked, finalize).
 */
import type { Clock } from './retryTiming';

export type WaitKind = 'idle' | 'backoff';

interface Waiting {
  readonly kind: WaitKind;
  readonly resolve: () => void;
}

export class RetryWaiter {
  private waiting: Waiting | undefined;

  constructor(private readonly clock: Clock) {}

  wait(kind: WaitKind, ms?: number): Promise<void> {
    return new Promise((resolve) => {
      let timer: unknown;
      const waiting: Waiting = {
        kind,
        resolve: () => {
          if (timer !== undefined) this.clock.clearTimeout(timer);
          if (this.waiting === waiting) this.waiting = undefined;
          resolve();
        },
      };
      this.waiting = waiting;
      if (ms !== undefined) timer = this.clock.setTimeout(waiting.resolve, ms);
    });
  }

  wake(kind: WaitKind): void {
    if (this.waiting?.kind === kind) this.waiting.resolve();
  }
}

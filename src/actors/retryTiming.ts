/** Backoff and the small timing helpers the uploader needs, all on an injectable clock. */

export interface RetryPolicy {
  /** Ceiling of the first retry's delay. Default 1 s. */
  readonly baseDelayMs: number;
  /** The ceiling doubles per attempt up to this while recording. Default 30 s. */
  readonly maxDelayMs: number;
  /** ...and up to this after `uploader.drain` and during finalize (the machine bounds the drain's total time). Default 2 s. */
  readonly drainMaxDelayMs: number;
  /** 'full': the delay is uniform in [0, ceiling) (AWS "full jitter"); 'none': the ceiling. Default 'full'. */
  readonly jitter: 'full' | 'none';
}

export const DEFAULT_RETRY: RetryPolicy = { baseDelayMs: 1_000, maxDelayMs: 30_000, drainMaxDelayMs: 2_000, jitter: 'full' };

export interface Clock {
  now(): number;
  setTimeout(callback: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

export const realClock: Clock = {
  now: () => Date.now(),
  setTimeout: (callback, ms) => setTimeout(callback, ms),
  clearTimeout: (handle) => clearTimeout(handle as NodeJS.Timeout),
};

/** Capped exponential backoff: ceiling = min(cap, base * 2^(attempt-1)), then jitter. */
export function backoffDelay(attempt: number, capMs: number, policy: RetryPolicy, random: () => number): number {
  const ceiling = Math.min(capMs, policy.baseDelayMs * 2 ** Math.min(Math.max(attempt - 1, 0), 30));
  return Math.round(policy.jitter === 'full' ? random() * ceiling : ceiling);
}

/** Resolves after `ms`, or at once when `signal` aborts. */
export function sleep(clock: Clock, ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const done = (): void => {
      clock.clearTimeout(timer);
      signal.removeEventListener('abort', done);
      resolve();
    };
    const timer = clock.setTimeout(done, ms);
    signal.addEventListener('abort', done, { once: true });
  });
}

/** `work`, or a rejection as soon as `signal` aborts, whichever comes first. */
export function untilAborted<T>(work: Promise<T>, signal: AbortSignal): Promise<T> {
  if (signal.aborted) return Promise.reject(new Error('aborted'));
  return new Promise<T>((resolve, reject) => {
    const onAbort = (): void => reject(new Error('aborted'));
    signal.addEventListener('abort', onAbort, { once: true });
    work.then(
      (value) => {
        signal.removeEventListener('abort', onAbort);
        resolve(value);
      },
      (e: unknown) => {
        signal.removeEventListener('abort', onAbort);
        reject(e);
      },
    );
  });
}

/** true if `work` settles (either way) within `ms`, false otherwise. */
export function settlesWithin(clock: Clock, work: Promise<unknown>, ms: number): Promise<boolean> {
  return new Promise((resolve) => {
    const timer = clock.setTimeout(() => resolve(false), ms);
    const settled = (): void => {
      clock.clearTimeout(timer);
      resolve(true);
    };
    work.then(settled, settled);
  });
}

/**
 * One finalize step (pending metadata, manifest.json, end.json): retried with short delays until
 * it succeeds or its time is up; a failure is added to `problems`.
 */
import { type Clock, type RetryPolicy, backoffDelay, sleep, untilAborted } from './retryTiming';
import { messageOf } from './uploadErrors';

export interface FinalizeStepContext {
  readonly clock: Clock;
  readonly retry: RetryPolicy;
  readonly random: () => number;
  readonly timeoutMs: number;
  /** True once the actor stopped: no further attempts. */
  readonly stopped: () => boolean;
  /** Told the step's controller while it runs (so a stop aborts it), then undefined. */
  readonly track: (controller: AbortController | undefined) => void;
}

export async function finalizeStep(
  ctx: FinalizeStepContext,
  name: string,
  op: (signal: AbortSignal) => Promise<void>,
  problems: string[],
): Promise<boolean> {
  const { clock, retry, random, timeoutMs } = ctx;
  const controller = new AbortController();
  ctx.track(controller);
  const deadline = clock.now() + timeoutMs;
  const timer = clock.setTimeout(() => controller.abort(), timeoutMs);
  let last = `timed out after ${timeoutMs} ms`;
  try {
    for (let attempt = 1; !controller.signal.aborted && !ctx.stopped(); attempt += 1) {
      try {
        await untilAborted(op(controller.signal), controller.signal);
        return true;
      } catch (e) {
        if (!controller.signal.aborted) last = messageOf(e);
        const delay = Math.min(backoffDelay(attempt, retry.drainMaxDelayMs, retry, random), deadline - clock.now());
        if (delay <= 0 || controller.signal.aborted) break;
        await sleep(clock, delay, controller.signal);
      }
    }
    problems.push(`${name} not uploaded within ${timeoutMs} ms (${last})`);
    return false;
  } finally {
    clock.clearTimeout(timer);
    ctx.track(undefined);
  }
}

import type { RecorderContext } from './recorderContext';

/**
 * How long `restarting.waiting` waits before capturing again. At once after a layout change, and
 * at once after losing a run that had captured (consecutiveFailures is reset then: the user may be
 * cutting the capture on purpose, and every second of waiting is a second without evidence).
 * Runs that never captured a frame (FFmpeg fails to start) back off exponentially up to a cap.
 */
export function restartDelayMs(context: RecorderContext): number {
  if (context.restartReason === 'display' || context.consecutiveFailures <= 1) return 0;
  const exponent = Math.min(context.consecutiveFailures - 2, 16);
  return Math.min(context.config.restartBackoffBaseMs * 2 ** exponent, context.config.restartBackoffMaxMs);
}

import { DEFAULT_DISPLAY_RESTART_COOLDOWN_MS, type RecorderContext } from './recorderContext';
import { restartDelayMs } from './restartPolicy';

/**
 * The recorder machine's named delays (`after: { stopTimeout: ... }`), all from the config in the
 * context, so tests run them on a simulated clock and the inspector prints their names.
 */
interface DelayArgs {
  readonly context: RecorderContext;
}

export const recorderDelays = {
  stopTimeout: ({ context }: DelayArgs) => context.config.stopTimeoutMs,
  killTimeout: ({ context }: DelayArgs) => context.config.killTimeoutMs,
  restartDelay: ({ context }: DelayArgs) => restartDelayMs(context),
  stableRun: ({ context }: DelayArgs) => context.config.stableRunMs,
  displayRestartCooldown: ({ context }: DelayArgs) => context.config.displayRestartCooldownMs ?? DEFAULT_DISPLAY_RESTART_COOLDOWN_MS,
  // The drain's upload phase: the whole drain minus the reserve for manifest.json and end.json.
  drainFlushBudget: ({ context }: DelayArgs) => Math.max(0, context.config.drainTimeoutMs - context.config.finalizeReserveMs),
  finalizeReserve: ({ context }: DelayArgs) => context.config.finalizeReserveMs,
  settleTimeout: ({ context }: DelayArgs) => context.config.settleTimeoutMs,
};

import type { DisplayLayout } from '../../domain/displayLayout';

/**
 * A platform's way to read the display layout, and optionally a long-running command whose
 * output lines announce changes (so the poller reacts in milliseconds instead of polling).
 */
export interface DisplayProbe {
  readonly description: string;
  probe(): Promise<DisplayLayout>;
  readonly notifications?: {
    readonly command: string;
    readonly args: readonly string[];
    readonly env?: NodeJS.ProcessEnv;
    /** Which output lines announce a change; default: every non-empty line. */
    readonly isNotification?: (line: string) => boolean;
  };
  /**
   * How often the safety-net poll is worth its cost, when the poller's options do not say.
   * Defaults (poller): 5 s while notifications run, 1 s without. A probe that starts a slow
   * process (PowerShell, system_profiler: ~0.3–1 s of CPU each) asks for much slower polls.
   */
  /**
   * One cheap round trip to the display that answers only when the display serves its clients
   * (the display watchdog's stall detection); absent where the platform has none.
   */
  ping?(signal: AbortSignal): Promise<void>;
  /** Releases what the probe keeps open between probes (a persistent X connection); the poller calls it when it stops. */
  close?(): void;
  readonly pollIntervals?: { readonly withNotificationsMs?: number; readonly withoutNotificationsMs?: number };
}

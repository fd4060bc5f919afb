import type { DisplayLayout } from '../../domain/displayLayout';

/**
 * A platform's way to read the display layout, and optionally a long-running command whose
 * output lines announce changes (so the poller reacts in milliseconds instead of polling).
 */
export interface DisplayProbe {
  readonly description: string;
  probe(): Promise<DisplayLayout>;
  readonly notifications?: { readonly command: string; readonly args: readonly string[]; readonly env?: NodeJS.ProcessEnv };
}

import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import type { DisplayLayout } from '../../domain/displayLayout';
import { isRandrNotification, parseX11Layout } from './parseXrandr';
import type { Logger } from 'pino';
import type { DisplayProbe } from './displayProbe';
import { openX11RoundTrips } from './x11Connection';
import { createX11Ping } from './x11Ping';
import { createX11LayoutReader, LayoutReadTimeout } from './x11LayoutReader';

const run = promisify(execFile);

/** As long as an `xrandr` probe was given before (its 5 s timeout). */
const READ_TIMEOUT_MS = 5_000;

/**
 * Reads the layout of an X11 display: as two requests over one persistent X connection
 * (x11LayoutReader.ts), or, while that connection cannot be opened or was just lost, with
 * `xrandr` (two short process starts, ~10 ms each). Both read the same thing (tested side by side).
 */
export function createX11Probe(options: { display: string; xrandrPath?: string; env?: NodeJS.ProcessEnv; logger?: Logger }): DisplayProbe {
  const xrandr = options.xrandrPath ?? 'xrandr';
  const env = { ...options.env, DISPLAY: options.display };
  // A new connection and one RandR request: it blocks while another client holds the server
  // grabbed (measured: xrandr returned only when XUngrabServer came, 3 s later). No timeout
  // here: the watchdog measures how long it takes; the signal ends it. Only the fallback now.
  const xrandrPing = async (signal: AbortSignal): Promise<void> => {
    await run(xrandr, ['--current'], { env, signal });
  };
  const reader = createX11LayoutReader(options.display);
  // One log line per switch between the two ways, not one per poll (none while the display is
  // not up yet: the poller says it waits).
  let onXrandr = false;
  let everRead = false;
  const viaXrandr = async (): Promise<DisplayLayout> => {
    try {
      const [query, monitors] = await Promise.all([
        // --current: the server's current state without re-probing outputs (a --query re-probe
        // can take long on real GPUs and announce changes of its own).
        run(xrandr, ['--current'], { env, timeout: 5_000 }),
        run(xrandr, ['--listmonitors'], { env, timeout: 5_000 }),
      ]);
      return parseX11Layout(query.stdout, monitors.stdout);
    } catch (error) {
      const detail = error instanceof Error ? (error as Error & { stderr?: string }).stderr?.trim() || error.message : String(error);
      throw new Error(`cannot read X11 display ${options.display} with xrandr: ${detail}`, { cause: error });
    }
  };
  const ping = createX11Ping({ display: options.display, open: openX11RoundTrips, fallback: xrandrPing, ...(options.logger ? { logger: options.logger } : {}) });
  return {
    description: `X11 display ${options.display}`,
    async probe(): Promise<DisplayLayout> {
      try {
        const layout = await reader.read(READ_TIMEOUT_MS);
        if (onXrandr) options.logger?.info({ display: options.display }, 'display probe: X connection open; layout read over it again');
        onXrandr = false;
        everRead = true;
        return layout;
      } catch (error) {
        // A server that does not answer (grabbed by another client) would not answer xrandr either.
        if (error instanceof LayoutReadTimeout) throw error;
        if (!onXrandr && everRead) options.logger?.warn({ display: options.display, err: error instanceof Error ? error.message : String(error) }, 'display probe: layout not readable over an X connection; using xrandr until it is');
        onXrandr = true;
        return viaXrandr();
      }
    },
    close: () => reader.close(),
    // One round trip over a persistent X connection (x11Ping.ts): no process per second.
    ping,
    // RandR notifications arrive for every root-size or output change (measured ~2 ms after it);
    // `xrandr --setmonitor` sends none (measured): the safety-net poll sees those, and on X11 they
    // need no new capture anyway (the root window is grabbed whole).
    notifications: { command: 'xev', args: ['-display', options.display, '-root', '-event', 'randr'], env, isNotification: isRandrNotification },
  };
}

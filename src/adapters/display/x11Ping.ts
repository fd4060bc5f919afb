/**
 * The display watchdog's ping on X11: a round trip over one persistent X connection
 * (x11Connection.ts) instead of an `xrandr --current` process per second (~1 % of a core).
 *
 * - The connection opens at the first ping and lives until the watchdog stops (its signal aborts).
 * - A lost connection rejects the round trip in flight (a rejection is an answer to the watchdog,
 *   as a failed xrandr was: the display poller reports a lost display) and is reopened at the
 *   next ping.
 * - When it cannot be opened, that ping and every ping until the next attempt use `fallback`
 *   (xrandr), with attempts backing off from `retryBaseMs` to `retryMaxMs`: a stall is still
 *   seen while the connection is away. Both transitions are one log line each.
 * Opening blocks while another client holds the server grabbed, like any request: the watchdog
 * sees that as a stall, as it should.
 */
import type { Logger } from 'pino';
import type { X11RoundTrips } from './x11Connection';

export interface X11PingOptions {
  readonly display: string;
  readonly open: (display: string) => Promise<X11RoundTrips>;
  /** The round trip used while no connection can be opened (xrandr --current). */
  readonly fallback: (signal: AbortSignal) => Promise<void>;
  readonly logger?: Logger;
  /** Default 1 s, doubling per failed attempt up to `retryMaxMs` (default 30 s). */
  readonly retryBaseMs?: number;
  readonly retryMaxMs?: number;
  /** Epoch ms; default Date.now. */
  readonly clock?: () => number;
}

/** Wait before the next attempt to open after `failures` failed attempts in a row (≥ 1). */
export function retryDelayMs(failures: number, baseMs: number, maxMs: number): number {
  return Math.min(maxMs, baseMs * 2 ** Math.min(30, Math.max(0, failures - 1)));
}

export function createX11Ping(options: X11PingOptions): (signal: AbortSignal) => Promise<void> {
  const clock = options.clock ?? Date.now;
  const retryBaseMs = options.retryBaseMs ?? 1_000;
  const retryMaxMs = options.retryMaxMs ?? 30_000;
  const log = options.logger?.child({ adapter: 'x11Ping', display: options.display });
  let connection: Promise<X11RoundTrips> | null = null;
  let failures = 0;
  let nextAttemptMs = 0;
  let onFallback = false;
  let everOpen = false;
  let reopening = false;
  const watched = new WeakSet<AbortSignal>();

  const close = (): void => {
    const current = connection;
    connection = null;
    failures = 0;
    nextAttemptMs = 0;
    void current?.then((c) => c.close(), () => undefined);
  };

  const opened = async (signal: AbortSignal): Promise<X11RoundTrips | null> => {
    if (connection !== null) return connection.catch(() => null);
    if (clock() < nextAttemptMs) return null;
    const attempt = options.open(options.display);
    connection = attempt;
    try {
      const c = await attempt;
      if (signal.aborted) {
        c.close();
        return null;
      }
      if (onFallback) log?.info('display watchdog: X connection open; round trips over it, xrandr no longer used');
      else if (reopening) log?.info('display watchdog: X connection reopened');
      else if (!everOpen) log?.info('display watchdog: round trips over one persistent X connection');
      everOpen = true;
      onFallback = false;
      reopening = false;
      failures = 0;
      return c;
    } catch (error) {
      if (connection === attempt) connection = null;
      failures += 1;
      const waitMs = retryDelayMs(failures, retryBaseMs, retryMaxMs);
      nextAttemptMs = clock() + waitMs;
      if (!onFallback) {
        onFallback = true;
        log?.warn(
          { err: error instanceof Error ? error.message : String(error), retryInMs: waitMs },
          'display watchdog: cannot open an X connection; falling back to one `xrandr --current` per round trip until it can',
        );
      }
      return null;
    }
  };

  return async (signal: AbortSignal): Promise<void> => {
    if (!watched.has(signal)) {
      watched.add(signal);
      signal.addEventListener('abort', close, { once: true });
    }
    if (signal.aborted) return;
    const c = await opened(signal);
    if (c === null) return options.fallback(signal);
    try {
      await c.roundTrip();
    } catch (error) {
      // Lost: the next ping opens a new one (at once: one failure is not yet a reason to wait).
      if (signal.aborted) throw error; // closed because the watchdog stopped
      if (connection !== null) {
        const current = connection;
        connection = null;
        void current.then((x) => x.close(), () => undefined);
      }
      reopening = true;
      log?.warn({ err: error instanceof Error ? error.message : String(error) }, 'display watchdog: X connection lost; reopening it at the next round trip');
      throw error;
    }
  };
}

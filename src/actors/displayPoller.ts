import { spawn, type ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';
import type { Logger } from 'pino';
import { fromCallback, type EventObject } from 'xstate';
import { describeLayout, sameLayout, type DisplayLayout } from '../domain/displayLayout';
import type { DisplayProbe } from '../adapters/display/displayProbe';
import type { RecorderEvent } from '../machines/recorderEvents';

export interface DisplayPollerOptions {
  readonly probe: DisplayProbe;
  readonly logger: Logger;
  /** Until the display answers once (the user's session may not be up yet). */
  readonly waitIntervalMs?: number;
  /** Safety-net poll; slow when change notifications work, faster when they do not. */
  readonly pollIntervalMs?: number;
  readonly pollIntervalWithoutNotificationsMs?: number;
  /** A burst of notifications (one resize gives several) becomes one probe this long after the last. */
  readonly debounceMs?: number;
  /** A stream of notifications that never pauses still gets a probe this long after its first. */
  readonly maxDebounceMs?: number;
}

/**
 * Reports the first layout (`display.detected`) and then every real change (`display.changed`).
 * Event-driven where the platform allows (X11: RandR notifications read from `xev`), with a slow
 * poll as a safety net; a probe failure after the display was seen is reported as `display.lost`.
 */
export function createDisplayPoller(options: DisplayPollerOptions) {
  const waitIntervalMs = options.waitIntervalMs ?? 1_000;
  // 20 ms: one `xrandr -s` gives 7 RandR notifications within ~2 ms (captured in
  // test/fixtures/xrandr/xev-randr-burst.txt); detection stays under the 100 ms target.
  const debounceMs = options.debounceMs ?? 20;
  const maxDebounceMs = options.maxDebounceMs ?? 250;
  const { probe, logger } = options;

  return fromCallback<EventObject, undefined>(({ sendBack }) => {
    let stopped = false;
    let last: DisplayLayout | null = null;
    let watcher: ChildProcess | null = null;
    let pollTimer: NodeJS.Timeout | undefined;
    let debounceTimer: NodeJS.Timeout | undefined;
    /** When the first notification of the burst being debounced arrived (0: none pending). */
    let burstStartedAt = 0;
    let probing = false;
    let probeAgain = false;
    let failuresLogged = 0;

    const send = (event: RecorderEvent) => {
      if (!stopped) sendBack(event);
    };
    // A probe that costs a process start of ~0.5 s (PowerShell, system_profiler) asks for slower polls.
    const pollInterval = () =>
      watcher
        ? (options.pollIntervalMs ?? probe.pollIntervals?.withNotificationsMs ?? 5_000)
        : (options.pollIntervalWithoutNotificationsMs ?? probe.pollIntervals?.withoutNotificationsMs ?? 1_000);

    const schedulePoll = (delay: number) => {
      clearTimeout(pollTimer);
      if (!stopped) pollTimer = setTimeout(() => void check(), delay);
    };

    const check = async (): Promise<void> => {
      if (stopped) return;
      if (probing) {
        probeAgain = true; // a change arrived mid-probe: look once more afterwards
        return;
      }
      probing = true;
      const notifiedAt = burstStartedAt;
      burstStartedAt = 0;
      try {
        const layout = await probe.probe();
        failuresLogged = 0;
        if (last === null) {
          logger.info({ layout: describeLayout(layout) }, 'display detected');
          send({ type: 'display.detected', layout });
          startNotifications();
        } else if (!sameLayout(last, layout)) {
          const sinceNotificationMs = notifiedAt === 0 ? undefined : Date.now() - notifiedAt;
          logger.info({ from: describeLayout(last), to: describeLayout(layout), sinceNotificationMs }, 'display changed');
          send({ type: 'display.changed', layout });
        }
        last = layout;
      } catch (error) {
        const message = error instanceof Error ? error.message : String(error);
        if (failuresLogged++ % 30 === 0) logger.warn({ err: message }, last ? 'display probe failed' : 'waiting for the display');
        if (last !== null) send({ type: 'display.lost', message });
      } finally {
        probing = false;
      }
      if (probeAgain) {
        probeAgain = false;
        return check();
      }
      schedulePoll(last === null ? waitIntervalMs : pollInterval());
    };

    // Trailing debounce: probe once the burst has been quiet for debounceMs, but never later than
    // maxDebounceMs after its first notification. The probe reads the current layout, so whatever
    // happened in between, the newest layout is what gets reported.
    const onNotification = () => {
      const now = Date.now();
      if (burstStartedAt === 0) burstStartedAt = now;
      clearTimeout(debounceTimer);
      const wait = Math.max(0, Math.min(debounceMs, burstStartedAt + maxDebounceMs - now));
      debounceTimer = setTimeout(() => void check(), wait);
    };

    function startNotifications() {
      const spec = probe.notifications;
      if (!spec || watcher || stopped) return;
      const child = spawn(spec.command, [...spec.args], { env: spec.env, stdio: ['ignore', 'pipe', 'ignore'] });
      watcher = child;
      child.on('error', (error) => {
        logger.warn({ err: error.message }, `display notifications unavailable (${spec.command}); polling instead`);
      });
      child.on('exit', () => {
        if (watcher === child) watcher = null;
        if (!stopped) {
          logger.debug('display notification watcher ended; polling, and restarting it');
          schedulePoll(0);
          setTimeout(startNotifications, 2_000).unref();
        }
      });
      // xev flushes after every event (measured: the first line arrives ~7 ms after xrandr -s).
      // A line the probe counts as a notification (any non-empty line by default) triggers a
      // (debounced) probe.
      const isNotification = spec.isNotification ?? ((line: string) => line.trim() !== '');
      createInterface({ input: child.stdout! }).on('line', (line) => {
        if (isNotification(line)) onNotification();
      });
    }

    void check();
    return () => {
      stopped = true;
      clearTimeout(pollTimer);
      clearTimeout(debounceTimer);
      watcher?.kill('SIGKILL');
      probe.close?.();
    };
  });
}

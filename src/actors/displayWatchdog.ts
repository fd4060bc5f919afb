/**
 * Watches that the display keeps answering. While another X client holds the server grabbed
 * (XGrabServer), every other client's requests block: x11grab then gets no new image and FFmpeg
 * keeps writing the last one, so the segments look complete while they show nothing of what
 * happens. A cheap round trip once a second (`ping`) that has not answered within `stallAfterMs`
 * means the display is stalled: reported as `display.stalled` from the last answer on (the
 * stretch in which it may have stopped), and `display.answering` once the same round trip
 * answers. A frozen-frame detector would also fire on a user who is just reading: the round trip
 * does not. On X11 the round trip is GetInputFocus over one persistent X connection
 * (src/adapters/display/x11Ping.ts), not a process per second.
 */
import type { Logger } from 'pino';
import { fromCallback, type EventObject } from 'xstate';
import type { RecorderEvent } from '../machines/recorderEvents';

export interface DisplayWatchdogOptions {
  /** One round trip to the display; resolves when it answered (a rejection is an answer too: the display poller reports a lost display). */
  readonly ping: (signal: AbortSignal) => Promise<void>;
  readonly logger: Logger;
  /** Default 1 s. */
  readonly intervalMs?: number;
  /** A round trip unanswered this long is a stall. Default 2 s (an answer takes ~10–40 ms on a busy machine). */
  readonly stallAfterMs?: number;
  /** Epoch ms; default Date.now. */
  readonly clock?: () => number;
}

export function createDisplayWatchdog(options: DisplayWatchdogOptions) {
  const intervalMs = options.intervalMs ?? 1_000;
  const stallAfterMs = options.stallAfterMs ?? 2_000;
  const clock = options.clock ?? Date.now;
  return fromCallback<EventObject, undefined>(({ sendBack }) => {
    const log = options.logger.child({ actor: 'displayWatchdog' });
    const controller = new AbortController();
    let lastAnswerMs = clock();
    let stalledSinceMs: number | null = null;
    let timer: NodeJS.Timeout | undefined;
    let stallTimer: NodeJS.Timeout | undefined;
    const send = (event: RecorderEvent): void => {
      if (!controller.signal.aborted) sendBack(event);
    };

    const roundTrip = (): void => {
      if (controller.signal.aborted) return;
      stallTimer = setTimeout(() => {
        if (stalledSinceMs !== null) return;
        stalledSinceMs = lastAnswerMs;
        log.warn({ since: new Date(lastAnswerMs).toISOString(), afterMs: stallAfterMs }, 'display stalled: it does not answer (server grabbed by another client?)');
        send({ type: 'display.stalled', sinceMs: lastAnswerMs });
      }, stallAfterMs);
      const answered = (): void => {
        clearTimeout(stallTimer);
        if (controller.signal.aborted) return;
        const now = clock();
        if (stalledSinceMs !== null) {
          log.warn({ since: new Date(stalledSinceMs).toISOString(), seconds: (now - stalledSinceMs) / 1000 }, 'display answers again after a stall');
          send({ type: 'display.answering', sinceMs: stalledSinceMs, atMs: now });
          stalledSinceMs = null;
        }
        lastAnswerMs = now;
        timer = setTimeout(roundTrip, intervalMs);
      };
      options.ping(controller.signal).then(answered, (err: unknown) => {
        log.debug({ err: err instanceof Error ? err.message : String(err) }, 'display round trip failed');
        answered();
      });
    };
    timer = setTimeout(roundTrip, intervalMs);
    return () => {
      controller.abort();
      clearTimeout(timer);
      clearTimeout(stallTimer);
    };
  });
}

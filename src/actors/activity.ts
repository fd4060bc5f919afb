/**
 * The activity actor: keeps the activity track of the session (window titles, applications,
 * idle stretches) in the spool journal while the session runs. The platform source reports the
 * view (event-driven); the actor diffs it against what it journaled, samples the idle time, and
 * reconnects when the source is lost, journaling the lost stretch with its cause (the user may
 * kill our X connection on purpose). It never stops the recording. The uploader cuts the
 * journal into one activity object per segment (activityCutter.ts).
 *
 * Idle is sampled every `idleSampleMs` (5 s by default): the server reports the idle time in ms,
 * so the idle stretch's start and end are exact whatever the rate; the rate only delays when the
 * change is noticed, and one round trip per 5 s costs nothing measurable.
 */
import { fromCallback, type CallbackActorLogic, type EventObject } from 'xstate';
import type { Logger } from 'pino';
import type { ActivitySource, ActivityState } from '../domain/activity';
import { EMPTY_ACTIVITY_STATE, diffActivity } from '../domain/activityState';
import type { ActivitySourceHandle, ConnectActivitySource, WindowView } from '../adapters/activity/activitySource';
import { forLog } from '../adapters/activity/activitySource';
import { ActivityJournalFile } from './activityJournalFile';

export interface ActivityActorDeps {
  readonly connect: ConnectActivitySource;
  readonly journalPath: string;
  /** No input for this long is an idle stretch. */
  readonly idleThresholdMs: number;
  readonly idleSampleMs?: number;
  /** An `alive` record after this long without any other (a successor knows how far the track went). */
  readonly aliveEveryMs?: number;
  readonly reconnectBaseMs?: number;
  readonly reconnectMaxMs?: number;
  readonly logger: Logger;
  readonly now?: () => number;
}

const iso = (ms: number): string => new Date(ms).toISOString();

export class ActivityTracker {
  private readonly now: () => number;
  private journal: ActivityJournalFile | undefined;
  private handle: ActivitySourceHandle | undefined;
  private state: ActivityState = EMPTY_ACTIVITY_STATE;
  /** Whether the next view is the first of a connection (journaled whole, as `observed`). */
  private fresh = true;
  private source: ActivitySource | undefined;
  /** A `lost` record is written for the current outage. */
  private downRecorded = false;
  private lastWriteMs = 0;
  private lastEventMs = 0;
  private failures = 0;
  private stopped = false;
  private reconnectTimer: NodeJS.Timeout | undefined;
  private idleTimer: NodeJS.Timeout | undefined;

  constructor(private readonly deps: ActivityActorDeps) {
    this.now = deps.now ?? Date.now;
  }

  start(): void {
    try {
      this.journal = new ActivityJournalFile(this.deps.journalPath, this.deps.logger);
    } catch (e) {
      this.deps.logger.error({ path: this.deps.journalPath, err: (e as Error).message }, 'cannot open the activity journal: no activity track for this session');
      return;
    }
    this.write({ k: 'begin', at: iso(this.now()), pid: process.pid });
    this.idleTimer = setInterval(() => void this.sampleIdle(), this.deps.idleSampleMs ?? 5_000);
    void this.connect();
  }

  stop(): void {
    this.stopped = true;
    if (this.reconnectTimer !== undefined) clearTimeout(this.reconnectTimer);
    if (this.idleTimer !== undefined) clearInterval(this.idleTimer);
    this.handle?.close();
    this.handle = undefined;
    this.journal?.close({ k: 'end', at: iso(this.now()) });
  }

  private write(record: Parameters<ActivityJournalFile['append']>[0]): void {
    this.journal?.append(record);
    this.lastWriteMs = this.now();
  }

  private async connect(): Promise<void> {
    if (this.stopped) return;
    try {
      const handle = await this.deps.connect({ changed: (view, source, atMs) => this.changed(view, source, atMs), lost: (cause) => this.lost(cause) });
      if (this.stopped) {
        handle.close();
        return;
      }
      this.handle = handle;
      this.fresh = true;
      this.deps.logger.info(this.failures > 0 ? { afterFailures: this.failures } : {}, 'activity source connected');
      this.failures = 0;
    } catch (e) {
      this.lost((e as Error).message);
    }
  }

  private changed(view: WindowView, source: ActivitySource, atMs: number): void {
    if (this.stopped) return;
    const at = Math.max(atMs, this.lastEventMs);
    const next: ActivityState = { focus: view.focus, windows: view.windows, idleSince: this.state.idleSince };
    // A new connection, or the source changed (a window manager started: _NET_ACTIVE_WINDOW
    // appeared): the whole view is journaled with the source's name.
    if (this.fresh || source !== this.source) {
      this.fresh = false;
      this.source = source;
      this.downRecorded = false;
      this.write({ k: 'observed', at: iso(at), source, state: next });
      // Titles can be sensitive: counts at info, titles (escaped: the user types them) only at debug.
      this.deps.logger.info({ source, windows: next.windows.length }, 'activity observed');
      this.deps.logger.debug({ focus: next.focus === null ? null : forLog(next.focus.title) }, 'activity focus');
    } else {
      for (const event of diffActivity(this.state, next, iso(at))) {
        this.write({ k: 'event', event });
        if (event.kind === 'focus') this.deps.logger.debug({ focus: event.window === null ? null : forLog(event.window.title) }, 'activity focus');
      }
    }
    this.state = next;
    this.lastEventMs = at;
  }

  private lost(cause: string): void {
    this.handle = undefined;
    if (this.stopped) return;
    if (!this.downRecorded) {
      this.downRecorded = true;
      this.write({ k: 'lost', at: iso(this.now()), cause });
      this.deps.logger.warn({ cause }, 'activity source lost: the stretch is marked unobserved; reconnecting');
    }
    this.failures += 1;
    const base = this.deps.reconnectBaseMs ?? 500;
    const delay = Math.min(this.deps.reconnectMaxMs ?? 10_000, base * 2 ** Math.min(this.failures - 1, 10));
    this.reconnectTimer = setTimeout(() => void this.connect(), delay);
  }

  private async sampleIdle(): Promise<void> {
    const handle = this.handle;
    const now = this.now();
    if (handle !== undefined && !this.fresh) {
      const idleMs = await handle.idleMs();
      if (idleMs !== null && !this.stopped && this.handle === handle) {
        const idle = idleMs >= this.deps.idleThresholdMs;
        // The server knows when the last input was: the stretch's edges are exact, not the sample's.
        const lastInputMs = Math.max(now - idleMs, 0);
        if (idle && this.state.idleSince === null) {
          const event = { at: iso(Math.max(now, this.lastEventMs)), kind: 'idle' as const, since: iso(lastInputMs) };
          this.state = { ...this.state, idleSince: event.since };
          this.write({ k: 'event', event });
          this.lastEventMs = Date.parse(event.at);
        } else if (!idle && this.state.idleSince !== null) {
          const atMs = Math.max(lastInputMs, this.lastEventMs);
          this.state = { ...this.state, idleSince: null };
          this.write({ k: 'event', event: { at: iso(atMs), kind: 'active' } });
          this.lastEventMs = atMs;
        }
      }
    }
    if (!this.stopped && this.now() - this.lastWriteMs >= (this.deps.aliveEveryMs ?? 60_000)) this.write({ k: 'alive', at: iso(this.now()) });
  }
}

export function createActivityActor(deps: ActivityActorDeps): CallbackActorLogic<EventObject, undefined> {
  return fromCallback<EventObject, undefined>(() => {
    const tracker = new ActivityTracker(deps);
    tracker.start();
    return () => tracker.stop();
  });
}

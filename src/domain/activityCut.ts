/**
 * Cutting activity objects from the journal (activityJournal.ts): the object of a segment covers
 * [the previous object's end, the segment's end] (the first one from the session's start), so
 * the objects of a session follow each other without a hole. Records are fed as they are read;
 * each cut consumes the records up to its end. A cut asked again for the same stretch (a retried
 * upload) gives the same object. Pure.
 */
import { ACTIVITY_FORMAT, ACTIVITY_LIMITS, type ActivityEvent, type ActivityObject, type ActivitySource, type ActivityState, type Unobserved, serializeActivity } from './activity';
import { EMPTY_ACTIVITY_STATE, applyActivityEvent, diffActivity } from './activityState';
import { type JournalRecord, recordTimeMs } from './activityJournal';

export const NOT_YET_OBSERVED = 'no activity record yet: the recorder was not running or its activity source had not reported';
export const RECORDER_GONE = 'the recorder keeping the track stopped without closing it (killed?); unobserved since its last record';
export const TRACK_CLOSED = 'the recorder closed the track (stopped)';
export const TOO_MANY_EVENTS = `more changes in one segment than an activity object holds (${ACTIVITY_LIMITS.maxEvents} events, ${ACTIVITY_LIMITS.maxBytes} bytes): the rest of its stretch is not kept`;

interface Down {
  readonly sinceMs: number;
  readonly cause: string;
}

export interface CutRequest {
  readonly sessionPrefix: string;
  readonly startMs: number;
  readonly endMs: number;
}

const iso = (ms: number): string => new Date(ms).toISOString();

export class ActivityTrack {
  private state: ActivityState = EMPTY_ACTIVITY_STATE;
  private source: ActivitySource;
  /** Not observing since (the start of the session counts as "not yet"), or null while observing. */
  private down: Down | null = { sinceMs: Number.NEGATIVE_INFINITY, cause: NOT_YET_OBSERVED };
  private lastRecordMs = Number.NEGATIVE_INFINITY;
  private pending: JournalRecord[] = [];
  private last: { request: CutRequest; object: ActivityObject } | undefined;

  /**
   * `writerGone`: the journal's writer is dead and the journal is read whole (recovery): past its
   * last record nothing was observed, unless it closed the track itself.
   */
  constructor(
    defaultSource: ActivitySource,
    private readonly writerGone = false,
  ) {
    this.source = defaultSource;
  }

  add(records: readonly JournalRecord[]): void {
    this.pending.push(...records);
  }

  /** The object covering [startMs, endMs]; records after endMs wait for the next cut. */
  cut(request: CutRequest): ActivityObject {
    const previous = this.last;
    if (previous !== undefined && previous.request.startMs === request.startMs && previous.request.endMs === request.endMs && previous.request.sessionPrefix === request.sessionPrefix) {
      return previous.object;
    }
    const { startMs } = request;
    const endMs = Math.max(request.endMs, startMs);
    // Before the stretch: only the state moves.
    let i = 0;
    for (; i < this.pending.length; i += 1) {
      const record = this.pending[i] as JournalRecord;
      if (recordTimeMs(record) > startMs) break;
      this.apply(record, undefined);
    }
    const initial = this.state;
    const events: ActivityEvent[] = [];
    const unobserved: Unobserved[] = [];
    const stretch = { startMs, endMs, events, unobserved };
    for (; i < this.pending.length; i += 1) {
      const record = this.pending[i] as JournalRecord;
      if (recordTimeMs(record) > endMs) break;
      this.apply(record, stretch);
    }
    this.pending = this.pending.slice(i);
    if (this.writerGone && this.pending.length === 0 && this.down === null && Number.isFinite(this.lastRecordMs)) {
      this.down = { sinceMs: this.lastRecordMs, cause: RECORDER_GONE };
    }
    if (this.down !== null) pushUnobserved(unobserved, Math.max(this.down.sinceMs, startMs), endMs, this.down.cause);
    const build = (kept: readonly ActivityEvent[], cut: boolean): ActivityObject => {
      const stretches = [...unobserved];
      if (cut) pushUnobserved(stretches, kept.length === 0 ? startMs : Date.parse((kept[kept.length - 1] as ActivityEvent).at), endMs, TOO_MANY_EVENTS);
      return { format: ACTIVITY_FORMAT, sessionPrefix: request.sessionPrefix, source: this.source, start: iso(startMs), end: iso(endMs), initial, events: kept, unobserved: mergeUnobserved(stretches) };
    };
    // Within the format's limits whatever the user does (hundreds of windows retitled in a loop):
    // a reader refuses more, and the evidence must stay readable. The rest is said, not dropped silently.
    let kept = events.slice(0, ACTIVITY_LIMITS.maxEvents);
    let object = build(kept, kept.length < events.length);
    while (Buffer.byteLength(serializeActivity(object)) > ACTIVITY_LIMITS.maxBytes && kept.length > 0) {
      kept = kept.slice(0, Math.floor(kept.length / 2));
      object = build(kept, true);
    }
    this.last = { request, object };
    return object;
  }

  private apply(record: JournalRecord, stretch: { startMs: number; endMs: number; events: ActivityEvent[]; unobserved: Unobserved[] } | undefined): void {
    const atMs = Math.max(recordTimeMs(record), this.lastRecordMs);
    const reopen = (cause: string, sinceMs: number): void => {
      if (this.down === null) this.down = { sinceMs, cause };
    };
    const close = (): void => {
      if (this.down !== null && stretch !== undefined) pushUnobserved(stretch.unobserved, Math.max(this.down.sinceMs, stretch.startMs), atMs, this.down.cause);
      this.down = null;
    };
    switch (record.k) {
      case 'begin':
        // A recorder that died left the track open: unobserved from its last record.
        reopen(RECORDER_GONE, Number.isFinite(this.lastRecordMs) ? this.lastRecordMs : atMs);
        break;
      case 'observed': {
        close();
        this.source = record.source;
        const changes = diffActivity(this.state, record.state, iso(atMs));
        for (const event of changes) this.event(event, stretch);
        break;
      }
      case 'event':
        if (this.down === null) this.event({ ...record.event, at: iso(atMs) } as ActivityEvent, stretch);
        break;
      case 'lost':
        reopen(record.cause, atMs);
        break;
      case 'alive':
        break;
      case 'end':
        reopen(TRACK_CLOSED, atMs);
        break;
      default:
        record satisfies never;
    }
    this.lastRecordMs = atMs;
  }

  private event(event: ActivityEvent, stretch: { events: ActivityEvent[] } | undefined): void {
    this.state = applyActivityEvent(this.state, event);
    stretch?.events.push(event);
  }
}

function pushUnobserved(into: Unobserved[], startMs: number, endMs: number, cause: string): void {
  if (!(endMs > startMs)) return;
  into.push({ start: iso(startMs), end: iso(endMs), cause: cause.slice(0, 512) });
}

/** Neighbouring stretches with the same cause become one. */
function mergeUnobserved(stretches: readonly Unobserved[]): Unobserved[] {
  const merged: Unobserved[] = [];
  for (const s of stretches) {
    const prev = merged[merged.length - 1];
    if (prev !== undefined && prev.cause === s.cause && Date.parse(prev.end) >= Date.parse(s.start)) {
      merged[merged.length - 1] = { ...prev, end: Date.parse(s.end) > Date.parse(prev.end) ? s.end : prev.end };
    } else merged.push(s);
  }
  return merged;
}

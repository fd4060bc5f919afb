/**
 * The uploader's side of the activity track: before a segment's manifest entry is written, the
 * activity object covering [the previous object's end, the segment's end] is cut from the spool
 * journal (domain/activityCut.ts), uploaded with its checksums, and named in the entry
 * (`activity`: key, bytes, SHA-256), so it is in the hash chain. The journal is read
 * incrementally: each cut reads only what was appended since the last one.
 *
 * At the end of a session there is no object after the last segment's: the stretch from the
 * last segment's end to the stop is normally empty (FFmpeg is asked to quit after the stop, so
 * its last segment ends after it), and a final object would need a manifest field of its own.
 * When the capture was down at the stop, the video's coverage already names that stretch.
 *
 * Where the previous object ended is read from the manifest (the latest `end` of an entry that
 * has an activity object; the session's start for the first), so a successor recorder or
 * `recover` continues the track exactly where the last durable object stopped.
 */
import { open } from 'node:fs/promises';
import type { Logger } from 'pino';
import { checksumsOf } from '../adapters/checksums';
import { type ActivityRef, type ActivitySource, serializeActivity } from '../domain/activity';
import { ActivityTrack } from '../domain/activityCut';
import { parseJournal } from '../domain/activityJournal';
import { errorCode } from '../domain/errors';
import type { Manifest } from '../domain/manifest';
import type { WriteOnlyStore } from '../domain/objectStore';

export interface ActivityCutterDeps {
  readonly journalPath: string;
  /** The source named in an object cut before any record said which one (Linux x11-focus, Windows windows-foreground). */
  readonly defaultSource: ActivitySource;
  /** True when no live recorder in this process writes the journal (recover): see ActivityTrack. */
  readonly writerGone?: boolean;
}

/** `<t>-video.mp4` → `<t>-activity.json`: the object is named after its segment's key (same time, same prefix). */
export function activityKeyFor(segmentKey: string): string {
  const m = /^(.*)-video\.[A-Za-z0-9]+$/.exec(segmentKey);
  if (!m) throw new RangeError(`Expected a segment key ending in -video.<ext>, got ${JSON.stringify(segmentKey)}`);
  return `${m[1]}-activity.json`;
}

/** Where the next activity object starts: the latest end among entries with one, else the session's start. */
export function nextActivityStartMs(manifest: Manifest, sessionStartMs: number): number {
  let start = Number.NEGATIVE_INFINITY;
  for (const e of manifest.entries) if (e.activity !== undefined) start = Math.max(start, Date.parse(e.end));
  if (Number.isFinite(start)) return start;
  const recorded = manifest.startedAt === undefined ? Number.NaN : Date.parse(manifest.startedAt);
  return Number.isFinite(recorded) ? recorded : sessionStartMs;
}

export class ActivityCutter {
  private readonly track: ActivityTrack;
  private offset = 0;
  private badLines = 0;

  constructor(
    private readonly deps: ActivityCutterDeps,
    private readonly store: WriteOnlyStore,
    private readonly sessionPrefix: string,
    private readonly logger: Logger,
  ) {
    this.track = new ActivityTrack(deps.defaultSource, deps.writerGone ?? false);
  }

  /** Cuts, uploads and returns the ref of the activity object ending with the segment at `endMs`. */
  async upload(segmentKey: string, manifest: Manifest, sessionStartMs: number, endMs: number, signal: AbortSignal): Promise<ActivityRef> {
    await this.readNew();
    const startMs = nextActivityStartMs(manifest, sessionStartMs);
    const object = this.track.cut({ sessionPrefix: this.sessionPrefix, startMs, endMs: Math.max(endMs, startMs) });
    const body = Buffer.from(serializeActivity(object));
    const sums = checksumsOf(body);
    const key = activityKeyFor(segmentKey);
    await this.store.put(key, { data: body }, { ...sums, contentType: 'application/json', signal });
    this.logger.info({ key, bytes: body.length, events: object.events.length, unobserved: object.unobserved.length }, 'activity durable');
    return { key, bytes: body.length, sha256: sums.sha256Hex };
  }

  private async readNew(): Promise<void> {
    let handle;
    try {
      handle = await open(this.deps.journalPath, 'r');
    } catch (e) {
      if (errorCode(e) === 'ENOENT') return; // nothing journaled (yet): the object says so
      throw e;
    }
    try {
      const { size } = await handle.stat();
      if (size <= this.offset) return;
      const buffer = Buffer.alloc(size - this.offset);
      const { bytesRead } = await handle.read(buffer, 0, buffer.length, this.offset);
      const parsed = parseJournal(buffer.subarray(0, bytesRead).toString('utf8'));
      this.track.add(parsed.records);
      this.offset += parsed.consumedBytes;
      if (parsed.badLines > 0) {
        this.badLines += parsed.badLines;
        this.logger.error({ path: this.deps.journalPath, badLines: this.badLines }, 'activity journal lines that do not parse were skipped');
      }
    } finally {
      await handle.close();
    }
  }
}

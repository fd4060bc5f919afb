/**
 * One row of `list` (and of the viewer's session list): who, where, when, how much, and whether
 * the session is complete and verified. Costs one listing of the session's level plus up to three
 * small reads (metadata, manifest.json, end.json), in parallel; no video is downloaded.
 */
import { manifestCoverage } from '../domain/manifestCoverage';
import { MANIFEST_NAME, END_NAME, parseStartUtc } from '../domain/objectNames';
import { coverageShortfalls } from '../verify/coverageChecks';
import type { StoredObject } from '../domain/objectStore';
import type { ReadOnlyStore } from '../domain/objectStore';
import { checkSession, type SessionCheck } from './sessionCheck';
import { overlaps, type TimeWindow } from './timeWindow';

export interface SessionSummary {
  /** `stack/fleet/session/` relative to the destination: what `export` and `view` take after it. */
  readonly prefix: string;
  /** Raw values from the metadata (the key components when there is no metadata). */
  readonly stack: string;
  readonly fleet: string;
  readonly user: string;
  readonly sessionId: string;
  /** ISO 8601 UTC; the metadata's startedAt, else the first segment's start. */
  readonly start: string | undefined;
  /** ISO 8601 UTC: the last segment's end. */
  readonly end: string | undefined;
  /** From start to the last segment's end. */
  readonly durationSeconds: number;
  /** Video actually recorded (sum of the segments' durations). */
  readonly recordedSeconds: number;
  readonly segments: number;
  readonly bytes: number;
  readonly layouts: readonly string[];
  readonly complete: boolean;
  /** Integrity and completeness check out (what `verify` with its defaults would say, but for hashing the video). */
  readonly verified: boolean;
  readonly problems: readonly string[];
  readonly endReason?: string;
  /**
   * Seconds of video ÷ (wall time − explained gaps), 0..1, computed as `verify` does; null when
   * unknown (a manifest without coverage records, or none).
   */
  readonly coverage: number | null;
  /** The reasons the coverage fails verify's default limits (each also in `problems`); empty when it passes. */
  readonly coverageProblems: readonly string[];
}

export interface SummaryFilter extends TimeWindow {
  /** Compared with the metadata's raw user, ignoring case. */
  readonly user?: string;
}

/** Manifests of 10-hour sessions with 1-second segments stay well below this. */
const MAX_JSON_BYTES = 64 * 1024 * 1024;
const MAX_METADATA_BYTES = 1024 * 1024;
/** The longest segment the recorder makes (--segment-seconds is at most 3600). */
const MAX_SEGMENT_MS = 3_600_000;

function nameOf(object: StoredObject): string {
  return object.key.slice(object.key.lastIndexOf('/') + 1);
}

function timeOfName(name: string): number | undefined {
  const dash = name.indexOf('-');
  return dash < 0 ? undefined : parseStartUtc(name.slice(0, dash));
}

function text(value: unknown, fallback: string): string {
  return typeof value === 'string' && value !== '' ? value : fallback;
}

/** A session read and checked: its row, and what the row was made from. */
export interface InspectedSession {
  readonly summary: SessionSummary;
  readonly check: SessionCheck;
  /** The metadata object as stored (untrusted values). */
  readonly metadata: Readonly<Record<string, unknown>>;
}

/** Reads and checks one session; undefined when the level holds no session or the filter leaves it out. */
export async function summarizeSession(store: ReadOnlyStore, sessionPrefix: string, filter: SummaryFilter = {}): Promise<SessionSummary | undefined> {
  return (await inspectSession(store, sessionPrefix, filter))?.summary;
}

export async function inspectSession(store: ReadOnlyStore, sessionPrefix: string, filter: SummaryFilter = {}): Promise<InspectedSession | undefined> {
  const level = await store.listLevel(sessionPrefix);
  const listing = level.objects;
  const metadataObjects = listing.filter((o) => nameOf(o).endsWith('-metadata.json'));
  const videos = listing.filter((o) => /-video\.[a-z0-9]+$/.test(nameOf(o)));
  const hasManifest = listing.some((o) => nameOf(o) === MANIFEST_NAME);
  const hasEnd = listing.some((o) => nameOf(o) === END_NAME);
  if (metadataObjects.length === 0 && videos.length === 0 && !hasManifest) return undefined;

  // Names carry times: leave out what is surely outside the window before reading anything.
  const nameTimes = [...metadataObjects, ...videos].map((o) => timeOfName(nameOf(o))).filter((t): t is number => t !== undefined);
  if (nameTimes.length > 0) {
    const first = Math.min(...nameTimes);
    const last = Math.max(...nameTimes);
    if (!overlaps(filter, first, last + MAX_SEGMENT_MS)) return undefined;
  }

  const metadataObject = metadataObjects[0]; // the earliest: names sort by time
  const [metadataBytes, manifestBytes, endBytes] = await Promise.all([
    metadataObject === undefined ? undefined : store.readSmall(metadataObject.key, MAX_METADATA_BYTES),
    hasManifest ? store.readSmall(`${sessionPrefix}${MANIFEST_NAME}`, MAX_JSON_BYTES) : undefined,
    hasEnd ? store.readSmall(`${sessionPrefix}${END_NAME}`, MAX_JSON_BYTES) : undefined,
  ]);
  let metadata: Record<string, unknown> = {};
  try {
    const parsed: unknown = metadataBytes === undefined ? {} : JSON.parse(metadataBytes.toString('utf8'));
    if (typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed)) metadata = parsed as Record<string, unknown>;
  } catch {
    metadata = {};
  }
  if (filter.user !== undefined && text(metadata.user, '').toLowerCase() !== filter.user.toLowerCase()) return undefined;

  const check: SessionCheck = checkSession({
    sessionPrefix,
    listing,
    ...(manifestBytes ? { manifestBytes } : {}),
    ...(endBytes ? { endBytes } : {}),
    ...(metadataObject && metadataBytes ? { metadata: { key: metadataObject.key, bytes: metadataBytes } } : {}),
  });
  const entries = check.manifest?.entries ?? [];
  const [stackKey = '', fleetKey = '', sessionKey = ''] = sessionPrefix.split('/');
  const startMs =
    Date.parse(text(metadata.startedAt, '')) || (entries[0] ? Date.parse(entries[0].start) : undefined) || (nameTimes.length ? Math.min(...nameTimes) : undefined);
  const lastEntry = entries[entries.length - 1];
  const endMs = lastEntry ? Date.parse(lastEntry.end) : startMs;
  if (startMs !== undefined && endMs !== undefined && !overlaps(filter, startMs, endMs)) return undefined;

  const coverage = check.manifest === undefined ? null : manifestCoverage(check.manifest);
  const coverageProblems = coverage === null ? [] : coverageShortfalls(coverage);
  const fromManifest = entries.length > 0;
  const layouts = [...new Set(entries.map((e) => `${e.width}x${e.height}`))];
  const summary: SessionSummary = {
    prefix: sessionPrefix,
    stack: text(metadata.stack, stackKey),
    fleet: text(metadata.fleet, fleetKey),
    user: text(metadata.user, ''),
    sessionId: text(metadata.sessionId, sessionKey),
    start: startMs === undefined ? undefined : new Date(startMs).toISOString(),
    end: endMs === undefined ? undefined : new Date(endMs).toISOString(),
    durationSeconds: startMs !== undefined && endMs !== undefined ? Math.max(0, (endMs - startMs) / 1000) : 0,
    recordedSeconds: entries.reduce((s, e) => s + e.durationSeconds, 0),
    segments: fromManifest ? entries.length : videos.length,
    bytes: fromManifest ? entries.reduce((s, e) => s + e.bytes, 0) : videos.reduce((s, o) => s + o.bytes, 0),
    layouts,
    complete: check.complete,
    verified: check.verified && coverageProblems.length === 0,
    problems: [...check.problems, ...coverageProblems],
    ...(check.end ? { endReason: check.end.reason } : {}),
    coverage: coverage === null ? null : coverage.ratio,
    coverageProblems,
  };
  return { summary, check, metadata };
}

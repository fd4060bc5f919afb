/**
 * One row of `list` (and of the viewer's session list): who, where, when, how much, and whether
 * the session is complete and verified. Costs one listing of the session's level plus up to three
 * small reads (metadata, manifest.json, end.json), in parallel; no video is downloaded.
 */
import { manifestCoverage } from '../domain/manifestCoverage';
import { MANIFEST_NAME, END_NAME, manifestChunkIndex, parseStartUtc } from '../domain/objectNames';
import { readChunkTexts } from '../domain/manifestChunks';
import { coverageShortfalls } from '../verify/coverageChecks';
import type { ReadOnlyStore, StoredObject } from '../domain/objectStore';
import { nfc } from '../domain/unicodeText';
import { createByteBudget, type ByteBudget } from './byteBudget';
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

/**
 * A manifest entry takes ~530 bytes: 10 hours of 1-second segments (36,000 entries) make 19 MB,
 * a 5-day session of the default 60-second segments 4 MB. Parsing costs ~5x the size in memory.
 */
export const MAX_JSON_BYTES = 24 * 1024 * 1024;
export const MAX_METADATA_BYTES = 1024 * 1024;
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

/** `list --user`: the metadata's raw user against the filter, in NFC, ignoring case. */
export function matchesUser(user: string, wanted: string): boolean {
  return nfc(user).toLowerCase() === nfc(wanted).toLowerCase();
}

/** A session read and checked: its row, and what the row was made from. */
export interface InspectedSession {
  readonly summary: SessionSummary;
  readonly check: SessionCheck;
  /** The metadata object as stored (untrusted values). */
  readonly metadata: Readonly<Record<string, unknown>>;
}

export interface InspectOptions {
  /** Shared by the sessions read at once (findSessions); default: one for this session alone. */
  readonly budget?: ByteBudget;
}

/** Reads and checks one session; undefined when the level holds no session or the filter leaves it out. */
export async function summarizeSession(store: ReadOnlyStore, sessionPrefix: string, filter: SummaryFilter = {}, options: InspectOptions = {}): Promise<SessionSummary | undefined> {
  return (await inspectSession(store, sessionPrefix, filter, options))?.summary;
}

/** The row of a session that could not be read at all: its key components and why. */
export function unreadableSession(sessionPrefix: string, problem: string): SessionSummary {
  const [stack = '', fleet = '', sessionId = ''] = sessionPrefix.split('/');
  return {
    prefix: sessionPrefix, stack, fleet, user: '', sessionId, start: undefined, end: undefined, durationSeconds: 0, recordedSeconds: 0,
    segments: 0, bytes: 0, layouts: [], complete: false, verified: false, problems: [`the session could not be read: ${problem}`],
    coverage: null, coverageProblems: [],
  };
}

interface Bounded {
  readonly bytes?: Buffer;
  /** Why it was not read. */
  readonly unread?: string;
}

/** An object of the listing read whole, unless the listing's size is over `max`: then not read at all. */
async function readBounded(store: ReadOnlyStore, object: StoredObject | undefined, max: number, label: string): Promise<Bounded> {
  if (object === undefined) return {};
  if (object.bytes > max) return { unread: `${label} is ${object.bytes} bytes; at most ${max} are read: not read` };
  const bytes = await store.readSmall(object.key, max);
  return bytes === undefined ? {} : { bytes };
}

/**
 * The sealed manifest chunks manifest.json names, read only when listed (a hostile chunk index
 * costs no request) and each bounded like manifest.json itself; undefined where missing or too big.
 */
export async function readListedChunks(store: Pick<ReadOnlyStore, 'readSmall'>, manifestBytes: Buffer, listing: readonly StoredObject[]): Promise<(string | undefined)[]> {
  const byName = new Map(listing.map((o) => [nameOf(o), o]));
  return readChunkTexts(manifestBytes.toString('utf8'), async (name) => {
    const object = byName.get(name);
    if (object === undefined || object.bytes > MAX_JSON_BYTES) return undefined;
    return store.readSmall(object.key, MAX_JSON_BYTES);
  });
}

export async function inspectSession(store: ReadOnlyStore, sessionPrefix: string, filter: SummaryFilter = {}, options: InspectOptions = {}): Promise<InspectedSession | undefined> {
  const level = await store.listLevel(sessionPrefix);
  const listing = level.objects;
  const metadataObjects = listing.filter((o) => nameOf(o).endsWith('-metadata.json'));
  const videos = listing.filter((o) => /-video\.[a-z0-9]+$/.test(nameOf(o)));
  const manifestObject = listing.find((o) => nameOf(o) === MANIFEST_NAME);
  const endObject = listing.find((o) => nameOf(o) === END_NAME);
  if (metadataObjects.length === 0 && videos.length === 0 && manifestObject === undefined) return undefined;

  // Names carry times: leave out what is surely outside the window before reading anything.
  const nameTimes = [...metadataObjects, ...videos].map((o) => timeOfName(nameOf(o))).filter((t): t is number => t !== undefined);
  if (nameTimes.length > 0) {
    const first = Math.min(...nameTimes);
    const last = Math.max(...nameTimes);
    if (!overlaps(filter, first, last + MAX_SEGMENT_MS)) return undefined;
  }

  const metadataObject = metadataObjects[0]; // the earliest: names sort by time
  // Held until the objects are parsed: the memory of parsing is what the budget bounds.
  const budget = options.budget ?? createByteBudget(MAX_JSON_BYTES);
  // The manifest's sealed chunks count too (manifest.json names them; only listed ones are read).
  const chunkObjects = listing.filter((o) => manifestChunkIndex(nameOf(o)) !== undefined);
  const wanted = [metadataObject, manifestObject, endObject, ...chunkObjects].reduce((sum, o) => sum + (o?.bytes ?? 0), 0);
  const release = await budget.take(Math.min(wanted, budget.limit));
  try {
    return await readAndCheck(store, sessionPrefix, filter, { listing, videos, nameTimes, metadataObject, manifestObject, endObject });
  } finally {
    release();
  }
}

interface SessionListing {
  readonly listing: readonly StoredObject[];
  readonly videos: readonly StoredObject[];
  readonly nameTimes: readonly number[];
  readonly metadataObject: StoredObject | undefined;
  readonly manifestObject: StoredObject | undefined;
  readonly endObject: StoredObject | undefined;
}

async function readAndCheck(store: ReadOnlyStore, sessionPrefix: string, filter: SummaryFilter, found: SessionListing): Promise<InspectedSession | undefined> {
  const { listing, videos, nameTimes, metadataObject } = found;
  const [metadataRead, manifestRead, endRead] = await Promise.all([
    readBounded(store, metadataObject, MAX_METADATA_BYTES, `metadata ${metadataObject?.key ?? ''}`),
    readBounded(store, found.manifestObject, MAX_JSON_BYTES, MANIFEST_NAME),
    readBounded(store, found.endObject, MAX_JSON_BYTES, END_NAME),
  ]);
  const [metadataBytes, manifestBytes, endBytes] = [metadataRead.bytes, manifestRead.bytes, endRead.bytes];
  let metadata: Record<string, unknown> = {};
  try {
    const parsed: unknown = metadataBytes === undefined ? {} : JSON.parse(metadataBytes.toString('utf8'));
    if (typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed)) metadata = parsed as Record<string, unknown>;
  } catch {
    metadata = {};
  }
  if (filter.user !== undefined && !matchesUser(text(metadata.user, ''), filter.user)) return undefined;

  const manifestChunks = manifestBytes === undefined ? [] : await readListedChunks(store, manifestBytes, listing);
  const check: SessionCheck = checkSession({
    sessionPrefix,
    listing,
    ...(manifestBytes ? { manifestBytes, manifestChunks } : {}),
    ...(endBytes ? { endBytes } : {}),
    ...(metadataObject && metadataBytes ? { metadata: { key: metadataObject.key, bytes: metadataBytes } } : {}),
    unread: {
      ...(metadataRead.unread !== undefined ? { metadata: metadataRead.unread } : {}),
      ...(manifestRead.unread !== undefined ? { manifest: manifestRead.unread } : {}),
      ...(endRead.unread !== undefined ? { end: endRead.unread } : {}),
    },
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

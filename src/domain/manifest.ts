/**
 * The session manifest: every durable segment, in upload order, each entry carrying the SHA-256
 * of the previous entry's canonical JSON. Cutting, reordering or editing an entry breaks the
 * chain; end.json pins the last link, so a cut at the tail shows too. Pure except for hashing.
 */
import { createHash } from 'node:crypto';
import { z } from 'zod';
import { parseJsonFile } from './jsonFile';
import type { DurableSegment } from './segment';
import { RUN_END_CAUSES, type RunEndCause } from './captureRuns';
import type { Coverage } from './coverage';
import { activityRefSchema, type ActivityRef } from './activity';

/** Written since manifests are stored in chunks (see manifestChunks.ts); /1 (one whole object) is still read. */
export const MANIFEST_FORMAT = 'session-recorder.manifest/2';
export const MANIFEST_FORMAT_V1 = 'session-recorder.manifest/1';
export const END_FORMAT = 'session-recorder.end/1';
/** prevEntrySha256 of the first entry. */
export const GENESIS_SHA256 = '0'.repeat(64);

export interface ManifestEntry {
  readonly key: string;
  readonly runId: string;
  readonly index: number;
  /** ISO 8601 UTC. */
  readonly start: string;
  readonly end: string;
  readonly durationSeconds: number;
  readonly bytes: number;
  /** Hex SHA-256 of the object's bytes. */
  readonly sha256: string;
  readonly width: number;
  readonly height: number;
  readonly complete: boolean;
  /** true when the segment holds no decodable frame (a header only: the disk filled up); absent otherwise. */
  readonly noFrames?: boolean;
  /**
   * true when the segment's first frame is not a keyframe (read from the file by the recorder:
   * domain/fmp4FirstSample.ts): it decodes only after the entry of the same run with index - 1, and
   * so on back to one without this flag. On a still screen segments share a keyframe (issue 16).
   * Absent: the segment decodes alone (every segment before this field existed).
   */
  readonly continuesPrevious?: boolean;
  /** The segment's activity object (domain/activity.ts); absent when the track is off or from before it existed. */
  readonly activity?: ActivityRef;
  /** Hex SHA-256 of the previous entry's canonical JSON; GENESIS_SHA256 for the first. */
  readonly prevEntrySha256: string;
}

export type NewManifestEntry = Omit<ManifestEntry, 'prevEntrySha256'>;

/** A metadata object uploaded for this session (a successor recorder adds its own). */
export interface MetadataRef {
  readonly key: string;
  readonly sha256: string;
}

/** One capture run as stored in the manifest (ISO 8601 UTC times); see CaptureRunRecord. */
export interface ManifestRun {
  readonly runId: string;
  readonly startedAt: string;
  readonly firstFrameAt: string | null;
  readonly endedAt: string;
  readonly end: { readonly cause: RunEndCause; readonly code?: number | null; readonly signal?: string | null };
}

/** A stretch in which the display did not answer; `end` null while it lasted at the last write. */
export interface ManifestStall {
  readonly start: string;
  readonly end: string | null;
}

/**
 * Where a stored manifest object sits among the session's manifest chunks: `index` 0 is the
 * first; `prevChunkSha256` is the SHA-256 of the exact bytes of chunk index-1 (GENESIS_SHA256 for
 * chunk 0). Absent in /1 manifests (one whole object) and in an assembled manifest.
 */
export interface ManifestChunkLink {
  readonly index: number;
  readonly prevChunkSha256: string;
}

export interface Manifest {
  readonly format: typeof MANIFEST_FORMAT | typeof MANIFEST_FORMAT_V1;
  readonly sessionPrefix: string;
  /** Set on a stored chunk only: see ManifestChunkLink and manifestChunks.ts. */
  readonly chunk?: ManifestChunkLink;
  /**
   * Coverage records (absent in manifests of recorders before them: coverage is then unknown).
   * The session's start (the metadata's startedAt), when the recorder was asked to stop, every
   * capture run with how it ended, every display stall. Not in the entry chain: end.json's
   * manifestSha256 pins them, and its coverage is recomputed from them by verify.
   */
  readonly startedAt?: string;
  readonly stopRequestedAt?: string;
  readonly runs?: readonly ManifestRun[];
  readonly stalls?: readonly ManifestStall[];
  readonly metadata: readonly MetadataRef[];
  readonly entries: readonly ManifestEntry[];
}

export interface ManifestTotals {
  readonly segments: number;
  readonly bytes: number;
  readonly seconds: number;
}

export interface EndMarker extends ManifestTotals {
  readonly format: typeof END_FORMAT;
  readonly sessionPrefix: string;
  readonly endedAt: string;
  readonly reason: string;
  /** true when every segment and the manifest are durable: nothing was left in the spool. */
  readonly complete: boolean;
  readonly leftInSpool: number;
  /** Hash of the last manifest entry (the chain's head): a cut at the tail shows. */
  readonly lastEntrySha256: string;
  /** Hex SHA-256 of the manifest.json bytes uploaded with this marker. */
  readonly manifestSha256: string;
  /** How much of the session the video shows (absent before coverage was recorded). */
  readonly coverage?: Coverage;
}

export interface ChainProblem {
  readonly index: number;
  readonly key: string;
  readonly expectedPrev: string;
  readonly actualPrev: string;
}

export interface ChainReport {
  readonly ok: boolean;
  /** Hash of the last entry (GENESIS_SHA256 when empty). */
  readonly head: string;
  readonly problems: readonly ChainProblem[];
}

export function emptyManifest(sessionPrefix: string): Manifest {
  return { format: MANIFEST_FORMAT, sessionPrefix, metadata: [], entries: [] };
}

export function sha256Hex(data: string | Buffer): string {
  return createHash('sha256').update(data).digest('hex');
}

/** JSON with object keys sorted at every level: the bytes an entry's hash is taken over. */
export function canonicalJson(value: unknown): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value);
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  const obj = value as Record<string, unknown>;
  const fields = Object.keys(obj)
    .filter((k) => obj[k] !== undefined)
    .sort()
    .map((k) => `${JSON.stringify(k)}:${canonicalJson(obj[k])}`);
  return `{${fields.join(',')}}`;
}

export function entrySha256(entry: ManifestEntry): string {
  return sha256Hex(canonicalJson(entry));
}

/** The chain's head: the hash the next entry must carry as prevEntrySha256. */
export function chainHead(manifest: Manifest): string {
  const last = manifest.entries[manifest.entries.length - 1];
  return last === undefined ? GENESIS_SHA256 : entrySha256(last);
}

export function entryFromSegment(segment: DurableSegment, complete: boolean, noFrames = false): NewManifestEntry {
  return {
    ...(noFrames ? { noFrames: true } : {}),
    ...(segment.continuesPrevious === true ? { continuesPrevious: true } : {}),
    key: segment.key,
    runId: segment.runId,
    index: segment.index,
    start: new Date(segment.startMs).toISOString(),
    end: new Date(segment.endMs).toISOString(),
    durationSeconds: Math.round(segment.endMs - segment.startMs) / 1000,
    bytes: segment.bytes,
    sha256: segment.sha256,
    width: segment.width,
    height: segment.height,
    complete,
  };
}

export function appendEntry(manifest: Manifest, entry: NewManifestEntry): Manifest {
  const linked: ManifestEntry = { ...entry, prevEntrySha256: chainHead(manifest) };
  return { ...manifest, entries: [...manifest.entries, linked] };
}

export function addMetadata(manifest: Manifest, ref: MetadataRef): Manifest {
  if (manifest.metadata.some((m) => m.key === ref.key && m.sha256 === ref.sha256)) return manifest;
  return { ...manifest, metadata: [...manifest.metadata, ref] };
}

export function findEntry(manifest: Manifest, runId: string, index: number): ManifestEntry | undefined {
  return manifest.entries.find((e) => e.runId === runId && e.index === index);
}

export function verifyChain(manifest: Manifest): ChainReport {
  const problems: ChainProblem[] = [];
  let expectedPrev = GENESIS_SHA256;
  manifest.entries.forEach((entry, index) => {
    if (entry.prevEntrySha256 !== expectedPrev) {
      problems.push({ index, key: entry.key, expectedPrev, actualPrev: entry.prevEntrySha256 });
    }
    expectedPrev = entrySha256(entry);
  });
  return { ok: problems.length === 0, head: expectedPrev, problems };
}

export function manifestTotals(manifest: Manifest): ManifestTotals {
  let bytes = 0;
  let ms = 0;
  for (const e of manifest.entries) {
    bytes += e.bytes;
    ms += Math.round(e.durationSeconds * 1000);
  }
  return { segments: manifest.entries.length, bytes, seconds: ms / 1000 };
}

export function buildEndMarker(
  manifest: Manifest,
  closing: { endedAtMs: number; reason: string; leftInSpool: number; manifestSha256: string; coverage?: Coverage },
): EndMarker {
  return {
    format: END_FORMAT,
    sessionPrefix: manifest.sessionPrefix,
    endedAt: new Date(closing.endedAtMs).toISOString(),
    reason: closing.reason,
    complete: closing.leftInSpool === 0,
    leftInSpool: closing.leftInSpool,
    ...manifestTotals(manifest),
    lastEntrySha256: chainHead(manifest),
    manifestSha256: closing.manifestSha256,
    ...(closing.coverage === undefined ? {} : { coverage: closing.coverage }),
  };
}

/** The bytes stored as manifest.json (locally and in the destination). */
export function serializeManifest(manifest: Manifest): string {
  return `${JSON.stringify(manifest, null, 2)}\n`;
}

const hex64 = z.string().regex(/^[0-9a-f]{64}$/, 'a 64-character lowercase hex SHA-256');
const entrySchema = z.object({
  key: z.string().min(1),
  runId: z.string(),
  index: z.number().int().nonnegative(),
  start: z.string(),
  end: z.string(),
  durationSeconds: z.number().nonnegative(),
  bytes: z.number().int().nonnegative(),
  sha256: hex64,
  width: z.number().int().nonnegative(),
  height: z.number().int().nonnegative(),
  complete: z.boolean(),
  noFrames: z.boolean().optional(),
  continuesPrevious: z.boolean().optional(),
  activity: activityRefSchema.optional(),
  prevEntrySha256: hex64,
});
const runSchema = z.object({
  runId: z.string(),
  startedAt: z.string(),
  firstFrameAt: z.string().nullable(),
  endedAt: z.string(),
  end: z.object({ cause: z.enum(RUN_END_CAUSES as [RunEndCause, ...RunEndCause[]]), code: z.number().int().nullable().optional(), signal: z.string().nullable().optional() }),
});
const manifestSchema = z.object({
  format: z.union([z.literal(MANIFEST_FORMAT), z.literal(MANIFEST_FORMAT_V1)]),
  sessionPrefix: z.string(),
  chunk: z.object({ index: z.number().int().nonnegative(), prevChunkSha256: hex64 }).optional(),
  startedAt: z.string().optional(),
  stopRequestedAt: z.string().optional(),
  runs: z.array(runSchema).optional(),
  stalls: z.array(z.object({ start: z.string(), end: z.string().nullable() })).optional(),
  metadata: z.array(z.object({ key: z.string().min(1), sha256: hex64 })),
  entries: z.array(entrySchema),
});

const endSchema = z.object({
  format: z.literal(END_FORMAT),
  sessionPrefix: z.string(),
  endedAt: z.string(),
  reason: z.string(),
  complete: z.boolean(),
  leftInSpool: z.number().int().nonnegative(),
  segments: z.number().int().nonnegative(),
  bytes: z.number().int().nonnegative(),
  seconds: z.number().nonnegative(),
  lastEntrySha256: hex64,
  manifestSha256: hex64,
  // Checked field by field against verify's own computation; kept as recorded here.
  coverage: z.record(z.string(), z.unknown()).optional(),
});

/** Parses manifest.json text; throws an Error saying what is wrong. Does not check the chain. */
export function parseManifest(text: string): Manifest {
  return parseJsonFile(text, manifestSchema, 'manifest.json', `${MANIFEST_FORMAT} manifest`) as Manifest;
}

/** Parses end.json text; throws an Error saying what is wrong. Does not compare it with the manifest. */
export function parseEndMarker(text: string): EndMarker {
  return parseJsonFile(text, endSchema, 'end.json', `${END_FORMAT} end marker`) as EndMarker;
}

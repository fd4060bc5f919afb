/**
 * The manifest stored in chunks, so that what is uploaded after each segment does not grow with
 * the session (one whole manifest.json re-uploaded per segment is O(n²) bytes over a session).
 *
 *   manifest-000000.json  sealed chunk 0  ┐ never rewritten once sealed; each names the SHA-256
 *   manifest-000001.json  sealed chunk 1  ┘ of the previous chunk's bytes (prevChunkSha256)
 *   manifest.json         the open chunk: rewritten after each segment, at most one chunk's size
 *
 * A chunk holds the entries appended while it was open (the entry chain, prevEntrySha256, runs on
 * across chunks unchanged) and the coverage records and metadata refs that are new or changed
 * since the chunk before it (a run by runId, a stall by its start: the later chunk's record wins).
 * The open chunk is sealed, at the next change, once it holds CHUNK_LIMITS.maxEntries entries or
 * CHUNK_LIMITS.maxBytes bytes; so each upload is at most about one chunk, whatever the session's
 * length. manifest.json's bytes pin every chunk before it through the chunk links, so end.json's
 * manifestSha256 still pins the whole manifest. Pure except for hashing.
 */
import {
  GENESIS_SHA256,
  MANIFEST_FORMAT,
  canonicalJson,
  emptyManifest,
  parseManifest,
  serializeManifest,
  sha256Hex,
  type Manifest,
  type ManifestChunkLink,
  type ManifestRun,
  type ManifestStall,
} from './manifest';
import { manifestChunkName } from './objectNames';

export interface ChunkLimits {
  /** Entries in one chunk (at 60 s segments: 32 minutes of session per chunk). */
  readonly maxEntries: number;
  /** Bytes of one chunk's JSON; bounds a chunk that grows by coverage records (many restarts) rather than entries. */
  readonly maxBytes: number;
}

/** ~0.5 KB per entry: the open chunk stays under ~16 KB (the whole manifest at segment ~32). */
export const CHUNK_LIMITS: ChunkLimits = { maxEntries: 32, maxBytes: 16 * 1024 };

export interface SealedChunk {
  readonly index: number;
  /** The chunk's exact stored bytes (UTF-8 text). */
  readonly text: string;
  readonly sha256: string;
}

export interface ChunkedManifest {
  readonly sealed: readonly SealedChunk[];
  /** The manifest the sealed chunks alone give. */
  readonly sealedView: Manifest;
  /** The open chunk, stored as manifest.json. */
  readonly head: Manifest;
  readonly headText: string;
  /** Every chunk assembled: the manifest readers see. */
  readonly whole: Manifest;
}

function linkAfter(sealed: readonly SealedChunk[]): ManifestChunkLink {
  const last = sealed[sealed.length - 1];
  return { index: sealed.length, prevChunkSha256: last === undefined ? GENESIS_SHA256 : last.sha256 };
}

function chunkOf(fields: Partial<Manifest> & { readonly sessionPrefix: string }, link: ManifestChunkLink): Manifest {
  // Fixed key order: the stored bytes of equal chunks are equal.
  return {
    format: MANIFEST_FORMAT,
    sessionPrefix: fields.sessionPrefix,
    chunk: link,
    ...(fields.startedAt === undefined ? {} : { startedAt: fields.startedAt }),
    ...(fields.stopRequestedAt === undefined ? {} : { stopRequestedAt: fields.stopRequestedAt }),
    ...(fields.runs === undefined ? {} : { runs: fields.runs }),
    ...(fields.stalls === undefined ? {} : { stalls: fields.stalls }),
    metadata: fields.metadata ?? [],
    entries: fields.entries ?? [],
  };
}

export function emptyChunked(sessionPrefix: string): ChunkedManifest {
  const empty = emptyManifest(sessionPrefix);
  const head = chunkOf({ sessionPrefix }, linkAfter([]));
  return { sealed: [], sealedView: empty, head, headText: serializeManifest(head), whole: empty };
}

const same = (a: unknown, b: unknown): boolean => canonicalJson(a) === canonicalJson(b);

/** What `whole` holds beyond `base`, as the chunk `link`. `whole` must extend `base` (entries appended, records added or changed). */
export function deltaChunk(whole: Manifest, base: Manifest, link: ManifestChunkLink): Manifest {
  const baseRuns = new Map((base.runs ?? []).map((r) => [r.runId, r]));
  const baseStalls = new Map((base.stalls ?? []).map((s) => [s.start, s]));
  const changed = <T>(prev: T | undefined, next: T): boolean => prev === undefined || !same(prev, next);
  return chunkOf(
    {
      sessionPrefix: whole.sessionPrefix,
      ...(whole.startedAt !== undefined && whole.startedAt !== base.startedAt ? { startedAt: whole.startedAt } : {}),
      ...(whole.stopRequestedAt !== undefined && whole.stopRequestedAt !== base.stopRequestedAt ? { stopRequestedAt: whole.stopRequestedAt } : {}),
      // Present (maybe empty) whenever the whole has them: "records kept" differs from "no records" (an older recorder).
      ...(whole.runs === undefined ? {} : { runs: whole.runs.filter((r) => changed(baseRuns.get(r.runId), r)) }),
      ...(whole.stalls === undefined ? {} : { stalls: whole.stalls.filter((s) => changed(baseStalls.get(s.start), s)) }),
      metadata: whole.metadata.filter((m) => !base.metadata.some((b) => b.key === m.key && b.sha256 === m.sha256)),
      entries: whole.entries.slice(base.entries.length),
    },
    link,
  );
}

/** `base` with the chunk `chunk` applied: entries appended, records added or replaced. */
export function applyChunk(base: Manifest, chunk: Manifest): Manifest {
  let runs: ManifestRun[] | undefined = base.runs === undefined ? undefined : [...base.runs];
  for (const run of chunk.runs ?? []) runs = [...(runs ?? []).filter((r) => r.runId !== run.runId), run];
  if (runs === undefined && chunk.runs !== undefined) runs = [];
  let stalls: ManifestStall[] | undefined = base.stalls === undefined ? undefined : [...base.stalls];
  for (const stall of chunk.stalls ?? []) stalls = [...(stalls ?? []).filter((s) => s.start !== stall.start), stall];
  if (stalls === undefined && chunk.stalls !== undefined) stalls = [];
  stalls?.sort((a, b) => a.start.localeCompare(b.start));
  const metadata = [...base.metadata, ...chunk.metadata.filter((m) => !base.metadata.some((b) => b.key === m.key && b.sha256 === m.sha256))];
  const startedAt = chunk.startedAt ?? base.startedAt;
  const stopRequestedAt = chunk.stopRequestedAt ?? base.stopRequestedAt;
  return {
    format: chunk.format,
    sessionPrefix: base.sessionPrefix,
    ...(startedAt === undefined ? {} : { startedAt }),
    ...(stopRequestedAt === undefined ? {} : { stopRequestedAt }),
    ...(runs === undefined ? {} : { runs }),
    ...(stalls === undefined ? {} : { stalls }),
    metadata,
    entries: [...base.entries, ...chunk.entries],
  };
}

function isFull(state: ChunkedManifest, limits: ChunkLimits): boolean {
  return state.head.entries.length >= limits.maxEntries || Buffer.byteLength(state.headText) >= limits.maxBytes;
}

/** Seals the open chunk as it is stored and opens an empty one after it. */
function seal(state: ChunkedManifest): ChunkedManifest {
  const sealedChunk: SealedChunk = { index: state.sealed.length, text: state.headText, sha256: sha256Hex(state.headText) };
  const sealed = [...state.sealed, sealedChunk];
  const head = chunkOf({ sessionPrefix: state.whole.sessionPrefix }, linkAfter(sealed));
  return { sealed, sealedView: state.whole, head, headText: serializeManifest(head), whole: state.whole };
}

/**
 * The state after the manifest became `changed` (the current whole manifest with entries appended
 * or records added): the open chunk is sealed first when full, then rewritten as the delta.
 */
export function commitChange(state: ChunkedManifest, changed: Manifest, limits: ChunkLimits = CHUNK_LIMITS): ChunkedManifest {
  const base = isFull(state, limits) ? seal(state) : state;
  const head = deltaChunk(changed, base.sealedView, linkAfter(base.sealed));
  return { ...base, head, headText: serializeManifest(head), whole: applyChunk(base.sealedView, head) };
}

/** The chunk index manifest.json names (0 for a /1 manifest or unreadable text): how many sealed chunks precede it. */
export function headChunkIndex(headText: string): number {
  try {
    const index = (JSON.parse(headText) as { chunk?: { index?: unknown } }).chunk?.index;
    return typeof index === 'number' && Number.isInteger(index) && index >= 0 && index <= 999_999 ? index : 0;
  } catch {
    return 0;
  }
}

export interface ChunkProblem {
  readonly code: 'manifest-missing' | 'manifest-invalid' | 'chain-broken';
  /** The object's name in the session. */
  readonly name: string;
  readonly message: string;
}

export interface StoredManifest {
  /** Every chunk that could be read, assembled (undefined when manifest.json itself is not valid). */
  readonly manifest?: Manifest;
  /** What is wrong with the chunk chain (empty: every chunk present, valid, linked to the one before, of the same session). */
  readonly problems: readonly ChunkProblem[];
  /** Chunk state to continue from (a successor recorder), when manifest.json is valid. */
  readonly state?: ChunkedManifest;
}

/**
 * Assembles manifest.json's text and the texts of the sealed chunks before it (index order,
 * undefined where missing), checking the chunk chain. A /1 manifest (no `chunk`) is one whole chunk.
 * Throws when manifest.json is not a valid manifest (the caller reports it as it did before).
 */
export function assembleStored(headText: string, chunkTexts: readonly (string | undefined)[]): StoredManifest {
  const head = parseManifest(headText);
  const link = head.chunk ?? { index: 0, prevChunkSha256: GENESIS_SHA256 };
  const problems: ChunkProblem[] = [];
  const problem = (code: ChunkProblem['code'], name: string, message: string): void => void problems.push({ code, name, message });
  const sealed: SealedChunk[] = [];
  let whole = emptyManifest(head.sessionPrefix);
  let prevSha = GENESIS_SHA256;
  for (let index = 0; index < link.index; index += 1) {
    const name = manifestChunkName(index);
    const text = chunkTexts[index];
    if (text === undefined) {
      // A run of missing chunks is one problem: a hostile chunk index cannot flood the report.
      let last = index;
      while (last + 1 < link.index && chunkTexts[last + 1] === undefined) last += 1;
      const what = last === index ? `${name} is missing` : `${name} … ${manifestChunkName(last)} are missing (${last - index + 1} chunks)`;
      problem('manifest-missing', name, `${what}: the manifest entries in it are lost (manifest.json names ${link.index} chunk(s) before it)`);
      prevSha = '';
      index = last;
      continue;
    }
    let chunk: Manifest;
    try {
      chunk = parseManifest(text);
    } catch (e) {
      problem('manifest-invalid', name, `${name} is not a valid manifest chunk: ${(e as Error).message}`);
      prevSha = '';
      continue;
    }
    if (chunk.chunk?.index !== index) problem('chain-broken', name, `${name} says it is chunk ${String(chunk.chunk?.index)}`);
    if (prevSha !== '' && chunk.chunk?.prevChunkSha256 !== prevSha) problem('chain-broken', name, `${name} does not follow the chunk before it (prevChunkSha256): the chunk chain is broken`);
    if (chunk.sessionPrefix !== head.sessionPrefix) problem('chain-broken', name, `${name} names session ${JSON.stringify(chunk.sessionPrefix)}, manifest.json ${JSON.stringify(head.sessionPrefix)}`);
    const sha256 = sha256Hex(text);
    sealed.push({ index, text, sha256 });
    whole = applyChunk(whole, chunk);
    prevSha = sha256;
  }
  if (prevSha !== '' && link.prevChunkSha256 !== prevSha) problem('chain-broken', 'manifest.json', 'manifest.json does not follow the chunk before it (prevChunkSha256): the chunk chain is broken');
  const sealedView = whole;
  whole = applyChunk(whole, head);
  const state: ChunkedManifest = { sealed, sealedView, head, headText, whole };
  return { manifest: whole, problems, state };
}

/** Reads the sealed chunks manifest.json names (`read` gives undefined for a missing object), `concurrency` at a time. */
export async function readChunkTexts(headText: string, read: (name: string) => Promise<Buffer | undefined>, concurrency = 4): Promise<(string | undefined)[]> {
  const count = headChunkIndex(headText);
  const texts: (string | undefined)[] = new Array<string | undefined>(count).fill(undefined);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < count) {
      const index = next++;
      texts[index] = (await read(manifestChunkName(index)))?.toString('utf8');
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, count) }, worker));
  return texts;
}

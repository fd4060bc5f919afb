// The chunked manifest (pure): sealing, deltas of coverage records, assembly back to the whole
// manifest, the chunk chain and its problems.
import {
  GENESIS_SHA256,
  type Manifest,
  addMetadata,
  appendEntry,
  emptyManifest,
  entryFromSegment,
  parseManifest,
  serializeManifest,
  sha256Hex,
  verifyChain,
} from '../../src/domain/manifest';
import {
  type ChunkLimits,
  type ChunkedManifest,
  CHUNK_LIMITS,
  assembleStored,
  commitChange,
  emptyChunked,
  headChunkIndex,
  readChunkTexts,
} from '../../src/domain/manifestChunks';
import { withRun, withSessionStart, withStall, withStopRequest } from '../../src/domain/manifestCoverage';
import { manifestChunkIndex, manifestChunkName } from '../../src/domain/objectNames';

const PREFIX = 'st/fl/se/';
const T = Date.parse('2026-12-01T10:00:00.000Z');
const SMALL: ChunkLimits = { maxEntries: 3, maxBytes: 1 << 20 };

function segment(i: number, runId = 'run-1') {
  const startMs = T + i * 60_000;
  return entryFromSegment(
    { key: `${PREFIX}${i}-video.mp4`, runId, index: i, startMs, endMs: startMs + 60_000, bytes: 1000 + i, width: 1920, height: 1080, sha256: sha256Hex(String(i)) },
    true,
  );
}

/** Applies each change through commitChange, as the recorder's ManifestBook does. */
function commitAll(changes: readonly ((m: Manifest) => Manifest)[], limits = SMALL, start = emptyChunked(PREFIX)): ChunkedManifest {
  let state = start;
  for (const change of changes) state = commitChange(state, change(state.whole), limits);
  return state;
}

const appendSegments = (from: number, to: number) => Array.from({ length: to - from }, (_, k) => (m: Manifest) => appendEntry(m, segment(from + k)));

/** What a reader gets back from the stored bytes. */
function reread(state: ChunkedManifest) {
  return assembleStored(state.headText, state.sealed.map((c) => c.text));
}

test('chunk names sort in index order and parse back', () => {
  expect(manifestChunkName(0)).toBe('manifest-000000.json');
  expect(manifestChunkName(12)).toBe('manifest-000012.json');
  expect(manifestChunkIndex('manifest-000012.json')).toBe(12);
  expect(manifestChunkIndex('manifest.json')).toBeUndefined();
  expect(() => manifestChunkName(-1)).toThrow(/chunk index/);
});

test('the open chunk is sealed at the next change once full; each chunk links to the bytes of the one before', () => {
  const state = commitAll(appendSegments(0, 10));
  // 10 entries with 3 per chunk: sealed 0..2 (9 entries), manifest.json holds the 10th.
  expect(state.sealed.map((c) => c.index)).toEqual([0, 1, 2]);
  expect(state.head.entries).toHaveLength(1);
  expect(state.head.chunk).toEqual({ index: 3, prevChunkSha256: state.sealed[2]?.sha256 });
  const first = parseManifest(state.sealed[0]!.text);
  expect(first.chunk).toEqual({ index: 0, prevChunkSha256: GENESIS_SHA256 });
  expect(parseManifest(state.sealed[1]!.text).chunk?.prevChunkSha256).toBe(sha256Hex(state.sealed[0]!.text));
  // The entry chain runs on across chunks unchanged.
  expect(state.head.entries[0]?.prevEntrySha256).not.toBe(GENESIS_SHA256);
  expect(verifyChain(state.whole).ok).toBe(true);
  expect(state.whole.entries.map((e) => e.index)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
  expect(headChunkIndex(state.headText)).toBe(3);
});

test('the stored chunks assemble back to exactly the manifest the changes built, coverage records included', () => {
  const changes: ((m: Manifest) => Manifest)[] = [
    (m) => addMetadata(m, { key: `${PREFIX}a-metadata.json`, sha256: sha256Hex('a') }),
    (m) => withSessionStart(m, new Date(T).toISOString()),
    ...appendSegments(0, 4),
    (m) => withStall(m, { startMs: T + 200_000, endMs: null }),
    (m) => withRun(m, { runId: 'run-1', startedAtMs: T, firstFrameAtMs: T + 400, endedAtMs: T + 250_000, end: { cause: 'x-connection-lost', code: 0, signal: null } }),
    ...appendSegments(4, 7),
    // A stall that opened in an earlier chunk closes in a later one: the later record wins.
    (m) => withStall(m, { startMs: T + 200_000, endMs: T + 205_000 }),
    (m) => addMetadata(m, { key: `${PREFIX}b-metadata.json`, sha256: sha256Hex('b') }),
    (m) => withRun(m, { runId: 'run-2', startedAtMs: T + 250_500, firstFrameAtMs: T + 251_000, endedAtMs: T + 420_000, end: { cause: 'stop-requested', code: 0, signal: null } }),
    (m) => withStopRequest(m, T + 420_000),
  ];
  let expected = emptyManifest(PREFIX);
  for (const change of changes) expected = change(expected);
  const state = commitAll(changes);
  expect(state.sealed.length).toBeGreaterThanOrEqual(2);

  const stored = reread(state);
  expect(stored.problems).toEqual([]);
  // Same content as the manifest built whole (key order aside).
  expect(JSON.parse(JSON.stringify(stored.manifest))).toEqual(JSON.parse(JSON.stringify(expected)));
  expect(stored.manifest?.stalls).toEqual([{ start: new Date(T + 200_000).toISOString(), end: new Date(T + 205_000).toISOString() }]);
  expect(stored.manifest?.runs?.map((r) => r.runId)).toEqual(['run-1', 'run-2']);
  expect(stored.manifest?.metadata).toHaveLength(2);

  // Records already in a sealed chunk are not repeated: the open chunk holds only what changed since.
  expect(state.head.metadata.every((m) => m.key.endsWith('b-metadata.json'))).toBe(true);
  expect(state.head.runs?.map((r) => r.runId) ?? []).not.toContain('run-1');
});

test('a continued state (a successor recorder) keeps sealing where its predecessor stopped', () => {
  const before = commitAll(appendSegments(0, 5));
  const loaded = reread(before).state!;
  const after = commitAll(appendSegments(5, 12), SMALL, loaded);
  const straight = commitAll(appendSegments(0, 12));
  expect(after.headText).toBe(straight.headText);
  expect(after.sealed.map((c) => c.sha256)).toEqual(straight.sealed.map((c) => c.sha256));
});

test('what is written per change stays bounded by one chunk, whatever the number of segments', () => {
  let state = emptyChunked(PREFIX);
  let wholeBytes = 0;
  let maxWritten = 0;
  for (let i = 0; i < 400; i += 1) {
    const previous = state;
    state = commitChange(state, appendEntry(state.whole, segment(i)), CHUNK_LIMITS);
    const written = Buffer.byteLength(state.headText) + state.sealed.slice(previous.sealed.length).reduce((s, c) => s + Buffer.byteLength(c.text), 0);
    maxWritten = Math.max(maxWritten, written);
    wholeBytes = Buffer.byteLength(serializeManifest(state.whole));
  }
  expect(maxWritten).toBeLessThanOrEqual(2 * (CHUNK_LIMITS.maxBytes + 1024));
  expect(wholeBytes).toBeGreaterThan(10 * maxWritten); // what one whole manifest.json would be by now
  expect(reread(state).manifest?.entries).toHaveLength(400);
});

test('a chunk grown by records rather than entries is sealed at maxBytes', () => {
  const limits: ChunkLimits = { maxEntries: 1000, maxBytes: 2_000 };
  const runs = Array.from({ length: 30 }, (_, i) => (m: Manifest) =>
    withRun(m, { runId: `run-${i}`, startedAtMs: T + i * 5_000, firstFrameAtMs: T + i * 5_000 + 300, endedAtMs: T + i * 5_000 + 4_000, end: { cause: 'x-connection-lost', code: 0, signal: null } }),
  );
  const state = commitAll([(m) => withSessionStart(m, new Date(T).toISOString()), ...runs], limits);
  expect(state.sealed.length).toBeGreaterThan(3);
  for (const c of state.sealed) expect(Buffer.byteLength(c.text)).toBeLessThan(limits.maxBytes + 500);
  expect(reread(state).manifest?.runs).toHaveLength(30);
});

test('a missing, altered, reordered or foreign chunk is named', () => {
  const state = commitAll(appendSegments(0, 10));
  const texts = state.sealed.map((c) => c.text);

  const missing = assembleStored(state.headText, [texts[0], undefined, texts[2]]);
  expect(missing.problems.map((p) => [p.code, p.name])).toEqual([['manifest-missing', 'manifest-000001.json']]);
  expect(verifyChain(missing.manifest!).ok).toBe(false); // the entries in it are gone: the entry chain shows it too

  const altered = texts[1]!.replace('"bytes": 1004', '"bytes": 9');
  const edited = assembleStored(state.headText, [texts[0], altered, texts[2]]);
  expect(edited.problems).toEqual([expect.objectContaining({ code: 'chain-broken', name: 'manifest-000002.json' })]);

  const swapped = assembleStored(state.headText, [texts[1], texts[0], texts[2]]);
  expect(swapped.problems.map((p) => p.code)).toContain('chain-broken');

  const foreign = texts[2]!.replace(`"sessionPrefix": "${PREFIX}"`, '"sessionPrefix": "x/y/z/"');
  expect(assembleStored(state.headText, [texts[0], texts[1], foreign]).problems.map((p) => p.name)).toEqual(['manifest-000002.json', 'manifest.json']);

  expect(() => assembleStored('{', [])).toThrow(/JSON/);

  // A hostile index names a million chunks: one problem, not a million.
  const hostile = state.headText.replace(/"index": 3/, '"index": 999999');
  const flood = assembleStored(hostile, texts);
  expect(flood.problems.filter((p) => p.code === 'manifest-missing')).toHaveLength(1);
  expect(flood.problems[0]?.message).toMatch(/manifest-000003\.json … manifest-999998\.json are missing \(999996 chunks\)/);
});

test('a /1 manifest (one whole object, no chunk link) reads as one chunk', () => {
  let whole = emptyManifest(PREFIX);
  for (let i = 0; i < 5; i += 1) whole = appendEntry(whole, segment(i));
  const v1 = serializeManifest({ ...whole, format: 'session-recorder.manifest/1' });
  expect(headChunkIndex(v1)).toBe(0);
  const stored = assembleStored(v1, []);
  expect(stored.problems).toEqual([]);
  expect(stored.manifest?.entries).toHaveLength(5);
});

test('readChunkTexts reads exactly the chunks manifest.json names, a bounded number at a time', async () => {
  const state = commitAll(appendSegments(0, 20));
  const byName = new Map(state.sealed.map((c) => [manifestChunkName(c.index), Buffer.from(c.text)]));
  let inFlight = 0;
  let maxInFlight = 0;
  const asked: string[] = [];
  const texts = await readChunkTexts(state.headText, async (name) => {
    asked.push(name);
    inFlight += 1;
    maxInFlight = Math.max(maxInFlight, inFlight);
    await new Promise((r) => setImmediate(r));
    inFlight -= 1;
    return byName.get(name);
  }, 2);
  expect(asked.sort()).toEqual([...byName.keys()].sort());
  expect(maxInFlight).toBeLessThanOrEqual(2);
  expect(texts).toEqual(state.sealed.map((c) => c.text));
});

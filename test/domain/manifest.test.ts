import {
  GENESIS_SHA256,
  type Manifest,
  addMetadata,
  appendEntry,
  buildEndMarker,
  canonicalJson,
  chainHead,
  emptyManifest,
  entryFromSegment,
  entrySha256,
  findEntry,
  parseEndMarker,
  manifestTotals,
  parseManifest,
  serializeManifest,
  sha256Hex,
  verifyChain,
} from '../../src/domain/manifest';
import type { DurableSegment } from '../../src/domain/segment';

const T = Date.parse('2026-11-27T06:24:09.123Z');

function durable(index: number, runId = 'run-1'): DurableSegment {
  const startMs = T + index * 5_000;
  return {
    key: `s/f/x/${index}-video.mp4`,
    runId,
    index,
    startMs,
    endMs: startMs + 4_999,
    bytes: 1_000 + index,
    width: 1920,
    height: 1080,
    sha256: sha256Hex(`segment ${index}`),
  };
}

function manifestOf(n: number): Manifest {
  let m = emptyManifest('s/f/x/');
  for (let i = 0; i < n; i += 1) m = appendEntry(m, entryFromSegment(durable(i), i < n - 1));
  return m;
}

test('canonical JSON sorts keys at every level and drops undefined fields', () => {
  expect(canonicalJson({ b: 1, a: { d: [2, { z: 1, y: 'é' }], c: null }, u: undefined })).toBe(
    '{"a":{"c":null,"d":[2,{"y":"é","z":1}]},"b":1}',
  );
});

test('entries carry ISO times, durations and the previous entry hash', () => {
  const m = manifestOf(3);
  expect(m.entries[0]).toMatchObject({
    start: '2026-11-27T06:24:09.123Z',
    end: '2026-11-27T06:24:14.122Z',
    durationSeconds: 4.999,
    complete: true,
    prevEntrySha256: GENESIS_SHA256,
  });
  expect(m.entries[1]?.prevEntrySha256).toBe(entrySha256(m.entries[0]!));
  expect(m.entries[2]?.prevEntrySha256).toBe(entrySha256(m.entries[1]!));
  expect(m.entries[2]?.complete).toBe(false);
  expect(verifyChain(m)).toEqual({ ok: true, head: chainHead(m), problems: [] });
  expect(findEntry(m, 'run-1', 1)?.index).toBe(1);
  expect(findEntry(m, 'run-2', 1)).toBeUndefined();
});

test('a cut, a reorder or an edit breaks the chain at the entry after it', () => {
  const m = manifestOf(4);
  const cut: Manifest = { ...m, entries: [m.entries[0]!, m.entries[2]!, m.entries[3]!] };
  expect(verifyChain(cut).problems.map((p) => p.index)).toEqual([1]);

  const edited: Manifest = { ...m, entries: m.entries.map((e, i) => (i === 1 ? { ...e, bytes: e.bytes + 1 } : e)) };
  expect(verifyChain(edited).problems.map((p) => p.key)).toEqual(['s/f/x/2-video.mp4']);

  const swapped: Manifest = { ...m, entries: [m.entries[1]!, m.entries[0]!, m.entries[2]!, m.entries[3]!] };
  expect(verifyChain(swapped).ok).toBe(false);

  // A cut at the tail keeps the chain valid; end.json's lastEntrySha256 is what shows it.
  const tail: Manifest = { ...m, entries: m.entries.slice(0, 3) };
  expect(verifyChain(tail).ok).toBe(true);
  expect(verifyChain(tail).head).not.toBe(chainHead(m));
});

test('totals and the end marker', () => {
  const m = manifestOf(3);
  expect(manifestTotals(m)).toEqual({ segments: 3, bytes: 3_003, seconds: 14.997 });
  const text = serializeManifest(m);
  const end = buildEndMarker(m, { endedAtMs: T + 20_000, reason: 'sentinel', leftInSpool: 0, manifestSha256: sha256Hex(text) });
  expect(end).toEqual({
    format: 'session-recorder.end/1',
    sessionPrefix: 's/f/x/',
    endedAt: '2026-11-27T06:24:29.123Z',
    reason: 'sentinel',
    complete: true,
    leftInSpool: 0,
    segments: 3,
    bytes: 3_003,
    seconds: 14.997,
    lastEntrySha256: chainHead(m),
    manifestSha256: sha256Hex(text),
  });
  expect(buildEndMarker(emptyManifest('p/'), { endedAtMs: T, reason: 'x', leftInSpool: 2, manifestSha256: GENESIS_SHA256 })).toMatchObject({
    complete: false,
    segments: 0,
    lastEntrySha256: GENESIS_SHA256,
  });
  expect(parseEndMarker(`${JSON.stringify(end)}\n`)).toEqual(end);
  expect(() => parseEndMarker('{')).toThrow('Expected end.json to be JSON, got a parse error');
  expect(() => parseEndMarker(JSON.stringify({ ...end, bytes: 1.5 }))).toThrow('Expected a session-recorder.end/1 end marker, but "bytes" is invalid');
});

test('serialize and parse round-trip; metadata refs are added once', () => {
  let m = manifestOf(2);
  m = addMetadata(m, { key: 's/f/x/a-metadata.json', sha256: sha256Hex('a') });
  expect(addMetadata(m, { key: 's/f/x/a-metadata.json', sha256: sha256Hex('a') })).toBe(m);
  expect(parseManifest(serializeManifest(m))).toEqual(m);
});

test('parse says what is wrong', () => {
  expect(() => parseManifest('{')).toThrow(/Expected manifest.json to be JSON/);
  expect(() => parseManifest('{"format":"other"}')).toThrow(/"format" is invalid/);
  const m = JSON.parse(serializeManifest(manifestOf(1))) as { entries: { sha256: string }[] };
  m.entries[0]!.sha256 = 'XYZ';
  expect(() => parseManifest(JSON.stringify(m))).toThrow(/"entries.0.sha256" is invalid/);
});

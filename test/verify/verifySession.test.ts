// verify against sessions laid out by the real local store in real temp dirs, then tampered with.
import { randomBytes } from 'node:crypto';
import { appendFile, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { checksumsOf } from '../../src/adapters/checksums';
import { createLocalStore } from '../../src/adapters/localStore';
import {
  type Manifest,
  addMetadata,
  appendEntry,
  buildEndMarker,
  emptyManifest,
  entryFromSegment,
  serializeManifest,
  sha256Hex,
} from '../../src/domain/manifest';
import { formatReport } from '../../src/verify/formatReport';
import { verifyExitCode } from '../../src/verify/report';
import { type VerifyProgress, verifySession } from '../../src/verify/verifySession';

const PREFIX = 'st/fl/se/';
const T = Date.parse('2026-11-27T06:24:09.000Z');
let root: string;

beforeEach(async () => {
  root = await mkdtemp(join(tmpdir(), 'verify-'));
});
afterEach(async () => {
  await rm(root, { recursive: true, force: true });
});

interface Built {
  readonly dir: string;
  readonly manifest: Manifest;
  readonly names: string[];
}

async function put(key: string, data: Buffer): Promise<void> {
  await createLocalStore(root).put(key, { data }, { ...checksumsOf(data), contentType: 'application/octet-stream' });
}

/** A session as the recorder leaves it: metadata, `n` segments of 5 s, manifest.json, end.json. */
async function buildSession(n: number, options: { user?: string; leftInSpool?: number; runOf?: (i: number) => string; continues?: (i: number) => boolean } = {}): Promise<Built> {
  const metadata = Buffer.from(`${JSON.stringify({ sessionId: 'se', stack: 'st', fleet: 'fl', user: options.user ?? 'alice' }, null, 2)}\n`);
  const metadataKey = `${PREFIX}20261127T062409.000Z-metadata.json`;
  await put(metadataKey, metadata);
  let manifest = addMetadata(emptyManifest(PREFIX), { key: metadataKey, sha256: sha256Hex(metadata) });
  const names: string[] = [];
  for (let i = 0; i < n; i += 1) {
    const data = randomBytes(2_000 + i);
    const startMs = T + i * 5_000;
    const name = `${new Date(startMs).toISOString().replace(/[-:]/g, '')}-video.mp4`;
    await put(`${PREFIX}${name}`, data);
    names.push(name);
    const runId = options.runOf?.(i) ?? 'run-1';
    const index = options.runOf ? 0 : i;
    manifest = appendEntry(
      manifest,
      entryFromSegment({ key: `${PREFIX}${name}`, runId, index, startMs, endMs: startMs + 5_000, bytes: data.length, width: 1280, height: 720, sha256: sha256Hex(data),
        ...(options.continues?.(i) === true ? { continuesPrevious: true } : {}) }, true),
    );
  }
  await writeSession(manifest, options.leftInSpool ?? 0);
  return { dir: join(root, PREFIX), manifest, names };
}

async function writeSession(manifest: Manifest, leftInSpool = 0, writeEnd = true): Promise<void> {
  const body = serializeManifest(manifest);
  await put(`${PREFIX}manifest.json`, Buffer.from(body));
  if (!writeEnd) return;
  const end = buildEndMarker(manifest, { endedAtMs: T + 60_000, reason: 'sentinel', leftInSpool, manifestSha256: sha256Hex(body) });
  await put(`${PREFIX}end.json`, Buffer.from(`${JSON.stringify(end, null, 2)}\n`));
}

function verify(dir: string, onProgress?: (p: VerifyProgress) => void) {
  return verifySession({
    store: createLocalStore(dir),
    url: `file://${dir}`,
    location: dir,
    limits: { gapToleranceMs: 1_000, maxRestartGapMs: 10_000 },
    ...(onProgress ? { onProgress } : {}),
  });
}

test('an untouched session verifies clean, with progress up to every byte', async () => {
  const s = await buildSession(4);
  const progress: VerifyProgress[] = [];
  const report = await verify(s.dir, (p) => progress.push(p));
  expect(report.problems).toEqual([]);
  expect(report.errors).toEqual([]);
  // buildSession writes manifests without capture run records, as recorders before coverage did,
  // and without an activity track, as recorders before it (or with --no-activity) do.
  expect(report.notes.map((n) => n.code)).toEqual(['coverage-unknown', 'no-activity-track']);
  expect(report).toMatchObject({
    verdict: 'verified',
    sessionPrefix: PREFIX,
    metadata: { user: 'alice' },
    manifest: { segments: 4, seconds: 20, chainIntact: true },
    end: { complete: true, reason: 'sentinel' },
    objects: { listed: 7, segmentsHashed: 4, segmentsMatching: 4 },
    timeline: { videoSeconds: 20, spanSeconds: 20, runs: 1, holes: 0 },
  });
  expect(verifyExitCode(report)).toBe(0);
  expect(progress.at(-1)).toEqual({ segmentsDone: 4, segments: 4, bytesDone: 4 * 2_000 + 6, bytes: 4 * 2_000 + 6 });
  expect(formatReport(report)).toMatch(/\nVERIFIED: .*\(exit 0\)\n$/);
});

test('an altered segment, a deleted one and a stray object are each named; exit 5', async () => {
  const s = await buildSession(4);
  await appendFile(join(s.dir, s.names[1]!), 'x');
  await rm(join(s.dir, s.names[2]!));
  await writeFile(join(s.dir, 'stray.mp4'), 'not ours');
  const report = await verify(s.dir);
  expect(report.problems.map((p) => [p.code, p.name]).sort()).toEqual(
    [
      ['segment-altered', s.names[1]],
      ['segment-missing', s.names[2]],
      ['unexpected-object', 'stray.mp4'],
    ].sort(),
  );
  expect(report.problems.find((p) => p.code === 'segment-altered')?.details).toMatchObject({ expectedBytes: 2_001, actualBytes: 2_002 });
  expect(verifyExitCode(report)).toBe(5);
  const text = formatReport(report);
  expect(text).toContain(`segment-missing    ${s.names[2]} (manifest entry 3`);
  expect(text).toMatch(/\nFAILED: 3 problems \(exit 5\)\n$/);
});

describe('segments that continue the one before (a keyframe shared across segments)', () => {
  // 0 K, 1 and 2 continue it, 3 K, 4 continues it
  const continues = (i: number): boolean => i === 1 || i === 2 || i === 4;

  test('an intact chain verifies clean', async () => {
    const s = await buildSession(5, { continues });
    const report = await verify(s.dir);
    expect(report.problems).toEqual([]);
    expect(report.manifest).toMatchObject({ segments: 5 });
  });

  test('a missing link makes every segment after it undecodable up to the next keyframe, each named with the link', async () => {
    const s = await buildSession(5, { continues });
    await rm(join(s.dir, s.names[1]!));
    const report = await verify(s.dir);
    expect(report.problems.map((p) => [p.code, p.name])).toEqual([
      ['segment-missing', s.names[1]],
      ['segment-undecodable', s.names[2]],
    ]);
    expect(report.problems[1]?.message).toContain(`it continues the segment before it, and ${s.names[1]} is missing from the store`);
    expect(verifyExitCode(report)).toBe(5);
  });

  test('an altered keyframe segment takes its whole chain with it; the next keyframe starts clean', async () => {
    const s = await buildSession(5, { continues });
    await appendFile(join(s.dir, s.names[0]!), 'x');
    await appendFile(join(s.dir, s.names[3]!), 'x');
    const report = await verify(s.dir);
    expect(report.problems.map((p) => [p.code, p.name]).sort()).toEqual([
      ['segment-altered', s.names[0]],
      ['segment-altered', s.names[3]],
      ['segment-undecodable', s.names[1]],
      ['segment-undecodable', s.names[2]],
      ['segment-undecodable', s.names[4]],
    ].sort());
    expect(report.problems.find((p) => p.name === s.names[2])?.message).toContain(`and ${s.names[0]} is altered`);
  });

  test('a segment whose predecessor is not in the manifest at all is undecodable', async () => {
    const s = await buildSession(3, { continues: (i) => i === 1, runOf: () => 'run-1' });
    // runOf gives every entry index 0: entry 1 continues "segment -1" of its run
    const report = await verify(s.dir);
    expect(report.problems.filter((p) => p.code === 'segment-undecodable').map((p) => [p.name, p.message.includes('segment -1 of run run-1 is not in the manifest')]))
      .toEqual([[s.names[1], true]]);
  });
});

test('an entry edited in the manifest breaks the chain after it, and end.json no longer matches', async () => {
  const s = await buildSession(3);
  const text = await readFile(join(s.dir, 'manifest.json'), 'utf8');
  const edited = JSON.parse(text) as Manifest;
  (edited.entries[0] as { durationSeconds: number }).durationSeconds = 4; // hide a second of video
  await writeFile(join(s.dir, 'manifest.json'), serializeManifest(edited));
  const report = await verify(s.dir);
  const codes = report.problems.map((p) => p.code);
  expect(codes).toContain('chain-broken');
  expect(report.problems.find((p) => p.code === 'chain-broken')?.details).toMatchObject({ entry: 2 });
  expect(report.problems.filter((p) => p.code === 'end-mismatch').map((p) => p.details?.['field']).sort()).toEqual(['manifestSha256', 'seconds']);
  // The last entry itself is unchanged: end.json's lastEntrySha256 still matches, the chain is what shows the edit.
  expect(report.manifest?.chainIntact).toBe(false);
});

test('a manifest cut at the tail (chain intact) is caught by end.json, and the cut segment is unexpected', async () => {
  const s = await buildSession(3);
  const cut: Manifest = { ...s.manifest, entries: s.manifest.entries.slice(0, 2) };
  await writeFile(join(s.dir, 'manifest.json'), serializeManifest(cut));
  const report = await verify(s.dir);
  expect(report.problems.filter((p) => p.code === 'chain-broken')).toEqual([]);
  expect(report.problems.filter((p) => p.code === 'end-mismatch').map((p) => p.details?.['field']).sort()).toEqual(
    ['bytes', 'lastEntrySha256', 'manifestSha256', 'seconds', 'segments'],
  );
  expect(report.problems.find((p) => p.code === 'unexpected-object')?.name).toBe(s.names[2]);
});

test('altered metadata, a session that ended with items left in the spool, a missing end.json', async () => {
  const s = await buildSession(2, { leftInSpool: 2 });
  await writeFile(join(s.dir, '20261127T062409.000Z-metadata.json'), '{"user":"mallory"}\n');
  let report = await verify(s.dir);
  expect(report.problems.map((p) => p.code).sort()).toEqual(['metadata-altered', 'session-incomplete']);
  expect(report.problems.find((p) => p.code === 'session-incomplete')?.message).toMatch(/2 item\(s\) stayed .* run "session-recorder recover"/);

  await rm(join(s.dir, 'end.json'));
  report = await verify(s.dir);
  expect(report.problems.map((p) => p.code).sort()).toEqual(['end-missing', 'metadata-altered']);
});

test('restarts are notes, a long gap between runs is a hole', async () => {
  const s = await buildSession(3, { runOf: (i) => `run-${i}` });
  let report = await verify(s.dir);
  // buildSession puts runs back to back: two restarts with a 0 s gap.
  expect(report.notes.map((n) => n.code)).toEqual(['restart', 'restart', 'coverage-unknown', 'no-activity-track']);
  expect(report.verdict).toBe('verified');
  report = await verifySession({
    store: createLocalStore(s.dir),
    url: 'x',
    location: s.dir,
    limits: { gapToleranceMs: 1_000, maxRestartGapMs: 0.0001 },
  });
  expect(report.verdict).toBe('verified'); // 0 s gaps are never holes
});

test('a manifest naming keys outside the session, and hostile names, are reported escaped', async () => {
  const s = await buildSession(1, { user: 'eve\u001b[2J\nVERIFIED' });
  const manifest = JSON.parse(await readFile(join(s.dir, 'manifest.json'), 'utf8')) as Manifest;
  const outside: Manifest = appendEntry(manifest, { ...manifest.entries[0]!, key: 'st/fl/other/../../x\n-video.mp4', index: 1 });
  await writeFile(join(s.dir, 'manifest.json'), serializeManifest(outside));
  const report = await verify(s.dir);
  expect(report.problems.find((p) => p.code === 'key-outside-session')?.name).toBe('st/fl/other/../../x\n-video.mp4');
  const text = formatReport(report);
  expect(text).toContain('user "eve\\u001b[2J\\nVERIFIED"');
  expect(text).toContain('"st/fl/other/../../x\\n-video.mp4"');
  expect(text.split('\n').filter((l) => l.startsWith('VERIFIED'))).toEqual([]);
  expect(text).not.toMatch(/\u001b/);
});

test('nothing at the URL, or no manifest: exit 5 with what is missing', async () => {
  let report = await verify(join(root, 'nowhere'));
  expect(report.problems.map((p) => p.code)).toEqual(['no-objects']);
  const s = await buildSession(1);
  await rm(join(s.dir, 'manifest.json'));
  report = await verify(s.dir);
  expect(report.problems.map((p) => p.code).sort()).toEqual(['manifest-missing', 'unexpected-object', 'unexpected-object']);
  expect(verifyExitCode(report)).toBe(5);
});

// A session whose manifest the recorder's ManifestBook stored in chunks (small chunks, a real
// local store, a real spool dir): verify and the auditor's check read it whole; a successor
// recorder continues it; a missing or altered chunk is named. Bytes put per segment stay bounded.
import { randomBytes } from 'node:crypto';
import { mkdir, mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { ManifestBook } from '../../src/actors/manifestBook';
import { checksumsOf } from '../../src/adapters/checksums';
import { createLocalStore } from '../../src/adapters/localStore';
import { inspectSession } from '../../src/auditor/sessionSummary';
import { addMetadata, appendEntry, buildEndMarker, entryFromSegment, sha256Hex } from '../../src/domain/manifest';
import type { ChunkLimits } from '../../src/domain/manifestChunks';
import { coverageField, withRun, withSessionStart, withStopRequest } from '../../src/domain/manifestCoverage';
import type { ObjectStore } from '../../src/domain/objectStore';
import { verifyExitCode } from '../../src/verify/report';
import { verifySession } from '../../src/verify/verifySession';

const PREFIX = 'st/fl/se/';
const T = Date.parse('2026-12-01T10:00:00.000Z');
const LIMITS: ChunkLimits = { maxEntries: 3, maxBytes: 1 << 20 };
const logger = pino({ level: 'silent' });
let root: string;
let spoolDir: string;

beforeEach(async () => {
  root = await mkdtemp(join(tmpdir(), 'chunked-'));
  spoolDir = join(root, 'spool');
  await mkdir(spoolDir);
});
afterEach(async () => {
  await rm(root, { recursive: true, force: true });
});

/** The local store, counting the bytes of every manifest object put. */
function countingStore(): { store: ObjectStore; manifestPuts: number[] } {
  const inner = createLocalStore(join(root, 'dest'));
  const manifestPuts: number[] = [];
  const store: ObjectStore = {
    ...inner,
    put: (key, body, options) => {
      if (/manifest(-\d{6})?\.json$/.test(key) && 'data' in body) manifestPuts.push(body.data.length);
      return inner.put(key, body, options);
    },
  };
  return { store, manifestPuts };
}

async function putObject(store: ObjectStore, key: string, data: Buffer): Promise<void> {
  await store.put(key, { data }, { ...checksumsOf(data), contentType: 'application/octet-stream' });
}

/** Records segments [from, to) of 5 s each in run-1 through the book, as the uploader does. */
async function recordSegments(book: ManifestBook, store: ObjectStore, from: number, to: number): Promise<void> {
  for (let i = from; i < to; i += 1) {
    const data = randomBytes(1_000 + i);
    const startMs = T + i * 5_000;
    const key = `${PREFIX}${new Date(startMs).toISOString().replace(/[-:]/g, '')}-video.mp4`;
    await putObject(store, key, data);
    await book.update((m) => appendEntry(m, entryFromSegment({ key, runId: 'run-1', index: i, startMs, endMs: startMs + 5_000, bytes: data.length, width: 1280, height: 720, sha256: sha256Hex(data) }, true)));
    await book.upload(AbortSignal.timeout(5_000));
  }
}

async function closeSession(book: ManifestBook, store: ObjectStore, segments: number): Promise<void> {
  const endMs = T + segments * 5_000;
  await book.update((m) => withStopRequest(m, endMs));
  await book.update((m) => withRun(m, { runId: 'run-1', startedAtMs: T - 300, firstFrameAtMs: T, endedAtMs: endMs + 200, end: { cause: 'stop-requested', code: 0, signal: null } }));
  await book.upload(AbortSignal.timeout(5_000));
  const end = buildEndMarker(book.manifest, { endedAtMs: endMs + 500, reason: 'sentinel', leftInSpool: 0, manifestSha256: book.headSha256, ...coverageField(book.manifest) });
  await putObject(store, `${PREFIX}end.json`, Buffer.from(`${JSON.stringify(end, null, 2)}\n`));
}

async function startBook(store: ObjectStore): Promise<ManifestBook> {
  const book = new ManifestBook(store, PREFIX, spoolDir, logger, undefined, LIMITS);
  await book.load(Date.now());
  return book;
}

async function beginSession(store: ObjectStore, book: ManifestBook): Promise<void> {
  const metadata = Buffer.from('{"user":"alice","sessionId":"se","stack":"st","fleet":"fl"}\n');
  const key = `${PREFIX}20261201T100000.000Z-metadata.json`;
  await putObject(store, key, metadata);
  await book.update((m) => withSessionStart(addMetadata(m, { key, sha256: sha256Hex(metadata) }), new Date(T).toISOString()));
}

const sessionDir = () => join(root, 'dest', PREFIX);
const verify = () =>
  verifySession({ store: createLocalStore(sessionDir()), url: `file://${sessionDir()}`, location: sessionDir(), limits: { gapToleranceMs: 1_000, maxRestartGapMs: 10_000 } });

test('a chunked session verifies clean, the auditor check reads it whole, and the spool mirrors the store', async () => {
  const { store, manifestPuts } = countingStore();
  const book = await startBook(store);
  await beginSession(store, book);
  await recordSegments(book, store, 0, 10);
  await closeSession(book, store, 10);

  const names = (await readdir(sessionDir())).filter((n) => n.startsWith('manifest')).sort();
  expect(names).toEqual(['manifest-000000.json', 'manifest-000001.json', 'manifest-000002.json', 'manifest.json']);
  for (const name of names) expect(await readFile(join(spoolDir, name), 'utf8')).toBe(await readFile(join(sessionDir(), name), 'utf8'));

  const report = await verify();
  expect(report.problems).toEqual([]);
  expect(report.errors).toEqual([]);
  expect(report.manifest).toMatchObject({ segments: 10, chainIntact: true });
  expect(report.coverage).toMatchObject({ ratio: 1 });
  expect(verifyExitCode(report)).toBe(0);

  const inspected = await inspectSession(createLocalStore(join(root, 'dest')), PREFIX);
  expect(inspected?.check.problems).toEqual([]);
  expect(inspected?.check.verified).toBe(true);
  expect(inspected?.check.manifest?.entries).toHaveLength(10);

  // Each upload put manifest.json and at most one sealed chunk: never the whole manifest.
  const wholeBytes = Buffer.byteLength(JSON.stringify(book.manifest, null, 2));
  expect(Math.max(...manifestPuts)).toBeLessThan(wholeBytes / 2);
});

test('a successor recorder continues the chunks its predecessor left in the spool, sending the sealed ones again once', async () => {
  const first = countingStore();
  const a = await startBook(first.store);
  await beginSession(first.store, a);
  await recordSegments(a, first.store, 0, 7);
  // The predecessor dies here; its successor loads the spool.
  const second = countingStore();
  const b = await startBook(second.store);
  expect(b.manifest.entries).toHaveLength(7);
  await recordSegments(b, second.store, 7, 9);
  await closeSession(b, second.store, 9);
  expect(second.manifestPuts.length).toBeLessThanOrEqual(2 + 4 + 4); // sealed chunks once, then manifest.json (+ a seal) per change
  const report = await verify();
  expect(report.problems).toEqual([]);
  expect(report.manifest).toMatchObject({ segments: 9, chainIntact: true });
});

test('a deleted or altered chunk is named by verify and by the auditor check', async () => {
  const { store } = countingStore();
  const book = await startBook(store);
  await beginSession(store, book);
  await recordSegments(book, store, 0, 10);
  await closeSession(book, store, 10);

  const chunk1 = join(sessionDir(), 'manifest-000001.json');
  const text = await readFile(chunk1, 'utf8');
  await writeFile(chunk1, text.replace(/"durationSeconds": 5/, '"durationSeconds": 4'));
  let report = await verify();
  expect(report.problems.map((p) => [p.code, p.name])).toEqual(expect.arrayContaining([['chain-broken', 'manifest-000002.json']]));
  expect(verifyExitCode(report)).toBe(5);

  await rm(chunk1);
  report = await verify();
  expect(report.problems.map((p) => [p.code, p.name])).toEqual(expect.arrayContaining([['manifest-missing', 'manifest-000001.json']]));
  expect(report.problems.map((p) => p.code)).toContain('chain-broken'); // the entries in it are gone
  const inspected = await inspectSession(createLocalStore(join(root, 'dest')), PREFIX);
  expect(inspected?.check.verified).toBe(false);
  expect(inspected?.check.problems.join('\n')).toMatch(/manifest-000001\.json is missing/);
});

test('a stray manifest chunk beyond the ones manifest.json links to is an unexpected object', async () => {
  const { store } = countingStore();
  const book = await startBook(store);
  await beginSession(store, book);
  await recordSegments(book, store, 0, 4);
  await closeSession(book, store, 4);
  await writeFile(join(sessionDir(), 'manifest-000009.json'), '{}');
  const report = await verify();
  expect(report.problems.map((p) => [p.code, p.name])).toEqual([['unexpected-object', 'manifest-000009.json']]);
});

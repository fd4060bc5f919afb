// The uploader actor with real parts: a real S3-compatible server over HTTP (s3rver), real spool
// files, the real S3 store. Small retry delays and deadlines instead of sleeps.
import { randomBytes } from 'node:crypto';
import { mkdir, mkdtemp, readFile, readdir, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { type AnyActorRef, assign, createActor, setup, waitFor } from 'xstate';
import { DEFAULT_RETRY, type UploaderDeps, backoffDelay, createUploader } from '../../src/actors/uploader';
import { createLocalStore } from '../../src/adapters/localStore';
import type { S3Store } from '../../src/adapters/s3Store';
import { s3StoreWith } from '../helpers/s3Store';
import { type EndMarker, entrySha256, parseManifest, sha256Hex, verifyChain } from '../../src/domain/manifest';
import type { ClosedSegment } from '../../src/domain/segment';
import type { SessionMetadata } from '../../src/domain/sessionMetadata';
import type { RecorderEvent, UploaderCommand } from '../../src/machines/recorderEvents';
import { waitUntil } from '../helpers/cli';
import { type S3Proxy, startS3Proxy } from '../helpers/s3Proxy';
import { type TestS3Server, startS3Server } from '../helpers/s3Server';

const T0 = Date.parse('2026-11-27T06:24:09.123Z');
const FAST = { baseDelayMs: 20, maxDelayMs: 100, drainMaxDelayMs: 50 };

let s3: TestS3Server;
let root: string;
const stores: S3Store[] = [];
const proxies: S3Proxy[] = [];
const actors: { stop(): void }[] = [];

beforeAll(async () => {
  s3 = await startS3Server();
  root = await mkdtemp(join(tmpdir(), 'uploader-'));
});

afterEach(() => {
  for (const a of actors.splice(0)) a.stop();
});

afterAll(async () => {
  for (const s of stores) s.close();
  for (const p of proxies) await p.stop();
  await s3.stop();
  await rm(root, { recursive: true, force: true });
});

function metadata(startedAtMs = T0): SessionMetadata {
  return {
    sessionId: 'sess-1',
    stack: 'stack',
    fleet: 'fleet',
    user: 'alice',
    platform: 'linux',
    sources: { sessionId: 'flag' },
    startedAt: new Date(startedAtMs).toISOString(),
    recorderVersion: '0.1.0',
  };
}

function s3Store(endpoint = s3.endpoint): S3Store {
  const store = s3StoreWith({ bucket: s3.bucket, prefix: 'rec/', region: s3.region, endpoint, maxAttempts: 1, connectionTimeoutMs: 500 });
  stores.push(store);
  return store;
}

interface LogLine {
  level: number;
  msg: string;
}

/** A spool dir with `count` segment files of random bytes in run directory `runId`. */
async function spool(name: string, count: number, runId = 'run-1', firstStartMs = T0 + 100) {
  const dir = join(root, name);
  await mkdir(join(dir, runId), { recursive: true });
  const segments: { segment: ClosedSegment; data: Buffer }[] = [];
  for (let i = 0; i < count; i += 1) {
    const data = randomBytes(20_000 + i);
    const path = join(dir, runId, `seg-${String(i).padStart(3, '0')}.mp4`);
    await writeFile(path, data);
    const startMs = firstStartMs + i * 5_000;
    segments.push({
      data,
      segment: { path, runId, index: i, startMs, endMs: startMs + 5_000, bytes: data.length, width: 1280, height: 720, complete: true },
    });
  }
  return { dir, segments };
}

/** Runs the uploader under a tiny parent machine that records every upload.* event. */
function harness(deps: Partial<UploaderDeps> & Pick<UploaderDeps, 'store' | 'spoolDir'>) {
  const logs: LogLine[] = [];
  const logger = pino({ level: 'debug' }, { write: (line: string) => void logs.push(JSON.parse(line) as LogLine) });
  const uploader = createUploader({
    sessionPrefix: 'stack/fleet/sess-1/',
    metadata: metadata(),
    logger,
    retry: FAST,
    ...deps,
  });
  const parent = setup({
    types: { context: {} as { events: RecorderEvent[] }, events: {} as RecorderEvent },
    actors: { uploader },
  }).createMachine({
    context: { events: [] },
    invoke: { id: 'uploader', src: 'uploader' },
    on: { 'upload.*': { actions: assign({ events: ({ context, event }) => [...context.events, event] }) } },
  });
  const actor = createActor(parent).start();
  actors.push(actor);
  const events = (): RecorderEvent[] => actor.getSnapshot().context.events;
  return {
    logs,
    events,
    send(command: UploaderCommand): void {
      (actor.getSnapshot().children['uploader'] as AnyActorRef).send(command);
    },
    async until(predicate: (events: RecorderEvent[]) => boolean, timeout = 15_000): Promise<RecorderEvent[]> {
      await waitFor(actor, (s) => predicate(s.context.events), { timeout });
      return events();
    },
    stop: () => actor.stop(),
  };
}

const count = (type: RecorderEvent['type']) => (events: RecorderEvent[]) => events.filter((e) => e.type === type).length;
const exists = (path: string) => stat(path).then(() => true, () => false);

test('backoff is capped and exponential; full jitter spreads it over [0, ceiling)', () => {
  const policy = { ...DEFAULT_RETRY, jitter: 'none' as const };
  expect([1, 2, 3, 4, 5, 6, 7, 100].map((a) => backoffDelay(a, 30_000, policy, Math.random))).toEqual([
    1_000, 2_000, 4_000, 8_000, 16_000, 30_000, 30_000, 30_000,
  ]);
  expect(backoffDelay(3, 30_000, DEFAULT_RETRY, () => 0.5)).toBe(2_000);
  expect(backoffDelay(3, 30_000, DEFAULT_RETRY, () => 0)).toBe(0);
  expect(backoffDelay(10, 2_000, DEFAULT_RETRY, () => 0.999)).toBeLessThan(2_000);
});

test('uploads metadata first, then segments in order, deletes each only after it is durable, and keeps a chained manifest', async () => {
  const { dir, segments } = await spool('happy', 3);
  const h = harness({ store: s3Store(), spoolDir: dir });
  for (const { segment } of segments) h.send({ type: 'uploader.enqueue', segment });

  const events = await h.until((e) => count('upload.done')(e) === 3 && e[e.length - 1]?.type === 'upload.idle');

  const started = events.flatMap((e) => (e.type === 'upload.started' ? [e.key] : []));
  expect(started).toEqual([
    'stack/fleet/sess-1/20261127T062409.123Z-metadata.json',
    'stack/fleet/sess-1/20261127T062409.223Z-video.mp4',
    'stack/fleet/sess-1/20261127T062414.223Z-video.mp4',
    'stack/fleet/sess-1/20261127T062419.223Z-video.mp4',
  ]);
  expect(events.flatMap((e) => (e.type === 'upload.done' ? [e.pending] : []))).toEqual([2, 1, 0]);
  for (const { segment, data } of segments) {
    expect(await exists(segment.path)).toBe(false);
    const key = `rec/stack/fleet/sess-1/${new Date(segment.startMs).toISOString().replace(/[-:]/g, '')}-video.mp4`;
    expect((await s3.getObject(key)).equals(data)).toBe(true);
  }
  const uploadedMeta = JSON.parse((await s3.getObject('rec/stack/fleet/sess-1/20261127T062409.123Z-metadata.json')).toString());
  expect(uploadedMeta).toEqual(metadata());

  const local = await readFile(join(dir, 'manifest.json'), 'utf8');
  const remote = (await s3.getObject('rec/stack/fleet/sess-1/manifest.json')).toString();
  expect(remote).toBe(local);
  const manifest = parseManifest(remote);
  expect(verifyChain(manifest).ok).toBe(true);
  expect(manifest.entries.map((e) => [e.index, e.bytes, e.sha256, e.durationSeconds, e.width])).toEqual(
    segments.map(({ segment, data }) => [segment.index, data.length, sha256Hex(data), 5, 1280]),
  );
  expect(manifest.entries[1]?.prevEntrySha256).toBe(entrySha256(manifest.entries[0]!));
  expect(manifest.metadata).toHaveLength(1);
});

test('while the store is down uploads retry with capped backoff, nothing is deleted, and they succeed once it is back', async () => {
  const { dir, segments } = await spool('outage', 2);
  await s3.down();
  try {
    const h = harness({ store: s3Store(), spoolDir: dir, warnIntervalMs: 60_000 });
    for (const { segment } of segments) h.send({ type: 'uploader.enqueue', segment });

    const failing = await h.until((e) => count('upload.failed')(e) >= 5);
    const failures = failing.flatMap((e) => (e.type === 'upload.failed' ? [e] : []));
    expect(failures.map((f) => f.attempt)).toEqual([1, 2, 3, 4, 5, ...failures.slice(5).map((f) => f.attempt)]);
    for (const f of failures) expect(f.retryInMs).toBeLessThanOrEqual(FAST.maxDelayMs);
    expect(failures[0]?.message).toMatch(/could not reach the store/);
    expect(count('upload.done')(failing)).toBe(0);
    for (const { segment } of segments) expect(await exists(segment.path)).toBe(true);
    // One warning line for the whole outage (interval 60 s); the rest at debug level.
    expect(h.logs.filter((l) => l.level === 40 && /upload failed/.test(l.msg))).toHaveLength(1);

    await s3.up();
    await h.until((e) => count('upload.done')(e) === 2);
    for (const { segment } of segments) expect(await exists(segment.path)).toBe(false);
    expect(h.logs.some((l) => l.msg === 'uploads succeed again')).toBe(true);
    expect(verifyChain(parseManifest((await s3.getObject('rec/stack/fleet/sess-1/manifest.json')).toString())).ok).toBe(true);
  } finally {
    await s3.up();
  }
});

test('a checksum rejection (400 BadDigest) keeps the local file and the upload is retried', async () => {
  const proxy = await startS3Proxy(s3.endpoint);
  proxies.push(proxy);
  let rejected = 0;
  proxy.fault = (r) => (r.method === 'PUT' && r.url.includes('-video.mp4') && rejected++ < 2 ? { status: 400, code: 'BadDigest' } : undefined);
  const { dir, segments } = await spool('baddigest', 1);
  const h = harness({ store: s3Store(proxy.endpoint), spoolDir: join(dir), sessionPrefix: 'stack/fleet/digest/' });
  h.send({ type: 'uploader.enqueue', segment: segments[0]!.segment });

  await h.until((e) => count('upload.failed')(e) === 2);
  expect(await exists(segments[0]!.segment.path)).toBe(true);
  const events = await h.until((e) => count('upload.done')(e) === 1);
  expect(events.find((e) => e.type === 'upload.failed')).toMatchObject({ message: expect.stringMatching(/checksum did not match/) });
  expect(await exists(segments[0]!.segment.path)).toBe(false);
  expect((await s3.getObject('rec/stack/fleet/digest/20261127T062409.223Z-video.mp4')).equals(segments[0]!.data)).toBe(true);
});

test('drain shortens the retry delays; finalize while the store is down gives up at its step timeout with leftInSpool > 0 and keeps every file', async () => {
  const { dir, segments } = await spool('down-finalize', 2);
  await s3.down();
  try {
    const h = harness({ store: s3Store(), spoolDir: dir, finalizeStepTimeoutMs: 300, abortGraceMs: 500 });
    for (const { segment } of segments) h.send({ type: 'uploader.enqueue', segment });
    await h.until((e) => count('upload.failed')(e) >= 4);
    h.send({ type: 'uploader.drain' });
    const before = count('upload.failed')(h.events());
    const all = await h.until((e) => count('upload.failed')(e) >= before + 3);
    const drained = all.flatMap((e) => (e.type === 'upload.failed' ? [e.retryInMs] : [])).slice(before + 1);
    expect(drained.length).toBeGreaterThanOrEqual(2);
    expect(Math.max(...drained)).toBeLessThanOrEqual(FAST.drainMaxDelayMs);

    h.send({ type: 'uploader.finalize', reason: 'sentinel' });
    const events = await h.until((e) => count('upload.finalized')(e) === 1);

    const finalized = events.find((e) => e.type === 'upload.finalized');
    // 2 segments, the metadata, manifest.json and end.json are all still to upload. Bounded: the
    // message shows the finalize step gave up at its own 300 ms timeout (the store never answers).
    expect(finalized).toMatchObject({ leftInSpool: 5, message: expect.stringMatching(/manifest\.json not uploaded within 300 ms/) });
    for (const { segment } of segments) expect(await exists(segment.path)).toBe(true);
    const end = JSON.parse(await readFile(join(dir, 'end.json'), 'utf8')) as EndMarker;
    expect(end).toMatchObject({ complete: false, leftInSpool: 4, segments: 0, reason: 'sentinel' });
    expect(count('upload.done')(events)).toBe(0);
  } finally {
    await s3.up();
  }
});

test('a restarted uploader over the same spool continues the chain, skips what is durable, and finalize closes it with end.json', async () => {
  const prefix = 'stack/fleet/restart/';
  const first = await spool('restart', 2);
  const a = harness({ store: s3Store(), spoolDir: first.dir, sessionPrefix: prefix });
  for (const { segment } of first.segments) a.send({ type: 'uploader.enqueue', segment });
  await a.until((e) => count('upload.done')(e) === 2);
  a.stop(); // a crash: no finalize

  // As if the first recorder died after the upload but before deleting segment 1's file.
  const again = first.segments[1]!;
  await writeFile(again.segment.path, again.data);
  const second = await spool('restart', 2, 'run-2', T0 + 60_100);
  const b = harness({ store: s3Store(), spoolDir: first.dir, sessionPrefix: prefix, metadata: metadata(T0 + 60_000) });
  b.send({ type: 'uploader.enqueue', segment: again.segment });
  for (const { segment } of second.segments) b.send({ type: 'uploader.enqueue', segment });
  const events = await b.until((e) => count('upload.done')(e) === 3);

  const startedKeys = events.flatMap((e) => (e.type === 'upload.started' ? [e.key] : []));
  expect(startedKeys).not.toContain(`${prefix}20261127T062414.223Z-video.mp4`); // not uploaded twice
  expect(startedKeys[0]).toBe(`${prefix}20261127T062509.123Z-metadata.json`);
  expect(await exists(again.segment.path)).toBe(false);

  b.send({ type: 'uploader.finalize', reason: 'sentinel' });
  const finalEvents = await b.until((e) => count('upload.finalized')(e) === 1);
  expect(finalEvents.find((e) => e.type === 'upload.finalized')).toMatchObject({ type: 'upload.finalized', leftInSpool: 0 });

  const manifestText = (await s3.getObject(`rec/${prefix}manifest.json`)).toString();
  const manifest = parseManifest(manifestText);
  expect(manifest.entries.map((e) => `${e.runId}/${e.index}`)).toEqual(['run-1/0', 'run-1/1', 'run-2/0', 'run-2/1']);
  const chain = verifyChain(manifest);
  expect(chain.ok).toBe(true);
  expect(manifest.metadata.map((m) => m.key)).toEqual([
    `${prefix}20261127T062409.123Z-metadata.json`,
    `${prefix}20261127T062509.123Z-metadata.json`,
  ]);
  const end = JSON.parse((await s3.getObject(`rec/${prefix}end.json`)).toString()) as EndMarker;
  expect(end).toMatchObject({ complete: true, leftInSpool: 0, segments: 4, seconds: 20, reason: 'sentinel', lastEntrySha256: chain.head });
  expect(end.manifestSha256).toBe(sha256Hex(manifestText));
  expect(end.bytes).toBe(manifest.entries.reduce((n, e) => n + e.bytes, 0));
  expect(await exists(join(first.dir, 'end.json'))).toBe(false);
  expect(await s3.listKeys(`rec/${prefix}`)).toHaveLength(4 + 2 + 2);
});

test('a segment whose file vanished before upload is skipped with an error, not retried forever', async () => {
  const { dir, segments } = await spool('vanished', 1);
  await rm(segments[0]!.segment.path);
  const h = harness({ store: s3Store(), spoolDir: dir, sessionPrefix: 'stack/fleet/vanished/' });
  h.send({ type: 'uploader.enqueue', segment: segments[0]!.segment });
  await h.until((e) => count('upload.idle')(e) >= 1);
  expect(count('upload.failed')(h.events())).toBe(0);
  expect(h.logs.some((l) => l.level === 50 && /is gone and was never uploaded/.test(l.msg))).toBe(true);
});

test('a segment whose start time repeats a durable one is named 1 ms later, never uploaded over it', async () => {
  const prefix = 'stack/fleet/collide/';
  const first = await spool('collide', 1);
  const second = await spool('collide', 1, 'run-2'); // same start time as run-1's segment
  const h = harness({ store: s3Store(), spoolDir: first.dir, sessionPrefix: prefix });
  h.send({ type: 'uploader.enqueue', segment: first.segments[0]!.segment });
  h.send({ type: 'uploader.enqueue', segment: second.segments[0]!.segment });
  const events = await h.until((e) => count('upload.done')(e) === 2);

  expect(events.flatMap((e) => (e.type === 'upload.done' ? [e.segment.key] : []))).toEqual([
    `${prefix}20261127T062409.223Z-video.mp4`,
    `${prefix}20261127T062409.224Z-video.mp4`,
  ]);
  expect((await s3.getObject(`rec/${prefix}20261127T062409.223Z-video.mp4`)).equals(first.segments[0]!.data)).toBe(true);
  expect((await s3.getObject(`rec/${prefix}20261127T062409.224Z-video.mp4`)).equals(second.segments[0]!.data)).toBe(true);
});

test('the same flow on a local directory destination lands the same layout', async () => {
  const { dir, segments } = await spool('local', 2);
  const dest = join(root, 'local-destination');
  const h = harness({ store: createLocalStore(dest), spoolDir: dir });
  for (const { segment } of segments) h.send({ type: 'uploader.enqueue', segment });
  await h.until((e) => count('upload.done')(e) === 2);
  h.send({ type: 'uploader.finalize', reason: 'sentinel' });
  await h.until((e) => count('upload.finalized')(e) === 1);

  const session = join(dest, 'stack/fleet/sess-1');
  expect((await readdir(session)).sort()).toEqual([
    '20261127T062409.123Z-metadata.json',
    '20261127T062409.223Z-video.mp4',
    '20261127T062414.223Z-video.mp4',
    'end.json',
    'manifest.json',
  ]);
  expect((await readFile(join(session, '20261127T062414.223Z-video.mp4'))).equals(segments[1]!.data)).toBe(true);
  expect(JSON.parse(await readFile(join(session, 'end.json'), 'utf8'))).toMatchObject({ complete: true, segments: 2 });
});

test('finalize aborts an upload in flight; a segment already durable then is not counted as left', async () => {
  const proxy = await startS3Proxy(s3.endpoint);
  proxies.push(proxy);
  const prefix = 'stack/fleet/inflight/';
  let hangManifest = false;
  let hung = 0;
  proxy.fault = (r) => {
    if (!hangManifest || r.method !== 'PUT' || !r.url.includes('manifest.json')) return undefined;
    hung += 1;
    return 'hang';
  };
  const { dir, segments } = await spool('inflight', 1);
  const h = harness({ store: s3Store(proxy.endpoint), spoolDir: dir, sessionPrefix: prefix, finalizeStepTimeoutMs: 2_000 });
  await h.until((e) => count('upload.idle')(e) === 1); // metadata and the first manifest are in
  hangManifest = true;
  h.send({ type: 'uploader.enqueue', segment: segments[0]!.segment });
  // The segment's PUT goes through; the manifest PUT after it hangs.
  await waitUntil('the manifest PUT to start (and hang)', () => (hung > 0 ? true : undefined), 15_000, 10);
  hangManifest = false;
  h.send({ type: 'uploader.finalize', reason: 'drain budget spent' });

  const events = await h.until((e) => count('upload.finalized')(e) === 1);
  expect(events.find((e) => e.type === 'upload.finalized')).toMatchObject({ type: 'upload.finalized', leftInSpool: 0 });
  expect(count('upload.done')(events)).toBe(0); // it was interrupted before its upload.done ...
  expect(await exists(segments[0]!.segment.path)).toBe(false); // ... but is durable, so it is gone from the spool
  const manifest = parseManifest((await s3.getObject(`rec/${prefix}manifest.json`)).toString());
  expect(manifest.entries.map((e) => e.sha256)).toEqual([sha256Hex(segments[0]!.data)]);
});

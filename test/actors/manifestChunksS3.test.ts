// The chunked manifest end to end with real parts: the uploader actor on real spool files, a real
// S3-compatible server over HTTP (s3rver), the `aws` CLI as an independent client of what landed,
// and `verify` reading it back through the S3 store. Small chunks (2 entries) so a short session
// spans several.
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import pino from 'pino';
import { type AnyActorRef, assign, createActor, setup, waitFor } from 'xstate';
import { createUploader } from '../../src/actors/uploader';
import type { S3Store } from '../../src/adapters/s3Store';
import { s3StoreWith } from '../helpers/s3Store';
import { type EndMarker, sha256Hex } from '../../src/domain/manifest';
import { assembleStored, readChunkTexts } from '../../src/domain/manifestChunks';
import type { ClosedSegment } from '../../src/domain/segment';
import type { RecorderEvent, UploaderCommand } from '../../src/machines/recorderEvents';
import { verifyExitCode } from '../../src/verify/report';
import { verifySession } from '../../src/verify/verifySession';
import { type TestS3Server, startS3Server } from '../helpers/s3Server';

const execFileAsync = promisify(execFile);
const T0 = Date.parse('2026-12-01T10:00:00.000Z');
const SESSION = 'stack/fleet/sess-1/';
let s3: TestS3Server;
let root: string;
const stores: S3Store[] = [];
const actors: { stop(): void }[] = [];

beforeAll(async () => {
  s3 = await startS3Server();
  root = await mkdtemp(join(tmpdir(), 'chunks-s3-'));
});
afterEach(() => {
  for (const a of actors.splice(0)) a.stop();
});
afterAll(async () => {
  for (const s of stores) s.close();
  await s3.stop();
  await rm(root, { recursive: true, force: true });
});

function s3Store(prefix = 'rec/'): S3Store {
  const store = s3StoreWith({ bucket: s3.bucket, prefix, region: s3.region, endpoint: s3.endpoint, maxAttempts: 1, connectionTimeoutMs: 500 });
  stores.push(store);
  return store;
}

async function spool(count: number) {
  const dir = join(root, 'spool');
  await mkdir(join(dir, 'run-1'), { recursive: true });
  const segments: ClosedSegment[] = [];
  for (let i = 0; i < count; i += 1) {
    const data = randomBytes(5_000 + i);
    const path = join(dir, 'run-1', `seg-${String(i).padStart(3, '0')}.mp4`);
    await writeFile(path, data);
    const startMs = T0 + 100 + i * 5_000;
    segments.push({ path, runId: 'run-1', index: i, startMs, endMs: startMs + 5_000, bytes: data.length, width: 1280, height: 720, complete: true });
  }
  return { dir, segments };
}

test('segments land with a chunked manifest that the aws CLI sees whole, verify reads as one chain, and end.json pins', async () => {
  const { dir, segments } = await spool(7);
  const uploader = createUploader({
    store: s3Store(),
    sessionPrefix: SESSION,
    spoolDir: dir,
    metadata: { sessionId: 'sess-1', stack: 'stack', fleet: 'fleet', user: 'alice', platform: 'linux', sources: {}, startedAt: new Date(T0).toISOString(), recorderVersion: '0.1.0' },
    logger: pino({ level: 'silent' }),
    retry: { baseDelayMs: 20, maxDelayMs: 100, drainMaxDelayMs: 50 },
    manifestChunkLimits: { maxEntries: 2, maxBytes: 1 << 20 },
  });
  const parent = setup({ types: { context: {} as { events: RecorderEvent[] }, events: {} as RecorderEvent }, actors: { uploader } }).createMachine({
    context: { events: [] },
    invoke: { id: 'uploader', src: 'uploader' },
    on: { 'upload.*': { actions: assign({ events: ({ context, event }) => [...context.events, event] }) } },
  });
  const actor = createActor(parent).start();
  actors.push(actor);
  const send = (c: UploaderCommand) => (actor.getSnapshot().children['uploader'] as AnyActorRef).send(c);
  for (const segment of segments) send({ type: 'uploader.enqueue', segment });
  await waitFor(actor, (s) => s.context.events.filter((e) => e.type === 'upload.done').length === 7, { timeout: 20_000 });
  send({ type: 'uploader.finalize', reason: 'sentinel' });
  const done = await waitFor(actor, (s) => s.context.events.some((e) => e.type === 'upload.finalized'), { timeout: 20_000 });
  expect(done.context.events.find((e) => e.type === 'upload.finalized')).toMatchObject({ leftInSpool: 0 });

  // The independent client: 7 entries in chunks of 2 → sealed 0..2 and manifest.json.
  const { stdout } = await execFileAsync('/usr/bin/aws', ['s3', 'ls', '--recursive', `s3://${s3.bucket}/rec/${SESSION}`, '--endpoint-url', s3.endpoint], {
    env: { ...process.env, ...s3.env, AWS_CONFIG_FILE: '/nonexistent' },
  });
  const manifestObjects = stdout.split('\n').map((l) => l.trim().split(/\s+/).pop() ?? '').filter((k) => /manifest/.test(k)).map((k) => k.slice(`rec/${SESSION}`.length)).sort();
  expect(manifestObjects).toEqual(['manifest-000000.json', 'manifest-000001.json', 'manifest-000002.json', 'manifest.json']);

  const head = (await s3.getObject(`rec/${SESSION}manifest.json`)).toString();
  const texts = await readChunkTexts(head, async (name) => s3.getObject(`rec/${SESSION}${name}`));
  const stored = assembleStored(head, texts);
  expect(stored.problems).toEqual([]);
  expect(stored.manifest?.entries.map((e) => e.index)).toEqual([0, 1, 2, 3, 4, 5, 6]);
  // The spool mirrors the store byte for byte until it is cleaned up.
  expect(await readFile(join(dir, 'manifest.json'), 'utf8')).toBe(head);
  const end = JSON.parse((await s3.getObject(`rec/${SESSION}end.json`)).toString()) as EndMarker;
  expect(end).toMatchObject({ segments: 7, complete: true, manifestSha256: sha256Hex(head) });

  const report = await verifySession({ store: s3Store(`rec/${SESSION}`), url: `s3://${s3.bucket}/rec/${SESSION}`, location: `rec/${SESSION}`, limits: { gapToleranceMs: 1_000, maxRestartGapMs: 10_000 } });
  expect(report.problems).toEqual([]);
  expect(report.errors).toEqual([]);
  expect(report.manifest).toMatchObject({ segments: 7, chainIntact: true });
  expect(report.objects.segmentsMatching).toBe(7);
  expect(verifyExitCode(report)).toBe(0);
});

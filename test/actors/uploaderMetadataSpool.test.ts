/**
 * The metadata object is the first thing a session uploads; until the store confirmed it, its
 * bytes wait in the session's spool dir, so a recorder that dies before then loses nothing: the
 * next uploader over the same spool (a restarted recorder, `recover`) sends it along with its own.
 */
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { UploadWorker } from '../../src/actors/uploadWorker';
import type { S3Store } from '../../src/adapters/s3Store';
import { s3StoreWith } from '../helpers/s3Store';
import { parseManifest } from '../../src/domain/manifest';
import type { SessionMetadata } from '../../src/domain/sessionMetadata';
import type { RecorderEvent } from '../../src/machines/recorderEvents';
import { startS3Server, type TestS3Server } from '../helpers/s3Server';
import { waitUntil } from '../helpers/cli';

jest.setTimeout(60_000);

const PREFIX = 'stack/fleet/meta-1/';
const FAST = { baseDelayMs: 20, maxDelayMs: 100, drainMaxDelayMs: 50, jitter: 'none' as const };

let s3: TestS3Server;
let store: S3Store;
let dir: string;

beforeAll(async () => {
  s3 = await startS3Server({ bucket: 'meta' });
  store = s3StoreWith({ bucket: 'meta', prefix: '', endpoint: s3.endpoint, region: s3.region, maxAttempts: 1, connectionTimeoutMs: 1_000 });
  dir = await mkdtemp(join(tmpdir(), 'meta-spool-'));
});
afterAll(async () => {
  store?.close();
  await s3?.stop();
  await rm(dir, { recursive: true, force: true });
});

function metadata(startedAt: string): SessionMetadata {
  return { sessionId: 'meta-1', stack: 'stack', fleet: 'fleet', user: 'ivan', platform: 'linux', sources: {}, startedAt, recorderVersion: 'test' };
}

function worker(meta: SessionMetadata) {
  const events: RecorderEvent[] = [];
  const logger = pino({ level: 'silent' });
  const w = new UploadWorker({ store, sessionPrefix: PREFIX, spoolDir: dir, metadata: meta, logger, retry: FAST }, (e) => void events.push(e));
  w.start();
  return { w, events };
}

const spooledMetadata = async () => (await readdir(dir)).filter((n) => n.endsWith('-metadata.json')).sort();

test('metadata not yet uploaded survives a crash in the spool and is uploaded by the next uploader', async () => {
  await s3.down();
  const first = worker(metadata('2026-11-27T06:00:00.000Z'));
  await waitUntil('a failed attempt', () => (first.events.some((e) => e.type === 'upload.failed') ? true : undefined), 10_000);
  first.w.stop(); // the recorder dies here
  expect(await spooledMetadata()).toEqual(['20261127T060000.000Z-metadata.json']);
  const kept = await readFile(join(dir, '20261127T060000.000Z-metadata.json'), 'utf8');
  expect(JSON.parse(kept)).toEqual(metadata('2026-11-27T06:00:00.000Z'));

  await s3.up();
  const second = worker(metadata('2026-11-27T06:05:00.000Z'));
  await waitUntil('both metadata objects', () => (second.events.some((e) => e.type === 'upload.idle') ? true : undefined), 10_000);
  second.w.finalize('test');
  await waitUntil('finalized', () => second.events.find((e) => e.type === 'upload.finalized'), 10_000);
  expect(second.events.find((e) => e.type === 'upload.finalized')).toMatchObject({ type: 'upload.finalized', leftInSpool: 0 });

  expect(await spooledMetadata()).toEqual([]);
  expect((await s3.getObject(`${PREFIX}20261127T060000.000Z-metadata.json`)).toString()).toBe(kept);
  const manifest = parseManifest((await s3.getObject(`${PREFIX}manifest.json`)).toString());
  expect(manifest.metadata.map((m) => m.key)).toEqual([`${PREFIX}20261127T060000.000Z-metadata.json`, `${PREFIX}20261127T060500.000Z-metadata.json`]);
});

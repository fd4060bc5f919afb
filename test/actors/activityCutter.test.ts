// The uploader's activity cutter on real temp files and the real local store (in-process: unit).
import { appendFile, mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createHash } from 'node:crypto';
import { ActivityCutter, activityKeyFor, nextActivityStartMs } from '../../src/actors/activityCutter';
import { createLocalStore } from '../../src/adapters/localStore';
import { parseActivity } from '../../src/domain/activity';
import { serializeRecord } from '../../src/domain/activityJournal';
import { appendEntry, emptyManifest, entryFromSegment } from '../../src/domain/manifest';
import { withSessionStart } from '../../src/domain/manifestCoverage';
import { createLogger } from '../../src/logger';

const PREFIX = 'st/fl/se/';
const T = Date.parse('2026-12-02T10:00:00.000Z');
const iso = (s: number): string => new Date(T + s * 1000).toISOString();
let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'activity-cutter-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

test('names the object after its segment', () => {
  expect(activityKeyFor(`${PREFIX}20261202T100000.000Z-video.mp4`)).toBe(`${PREFIX}20261202T100000.000Z-activity.json`);
  expect(() => activityKeyFor(`${PREFIX}manifest.json`)).toThrow(/-video/);
});

test('the next object starts at the latest end with an activity object, else the session start', () => {
  const started = withSessionStart(emptyManifest(PREFIX), iso(0));
  expect(nextActivityStartMs(started, T - 1)).toBe(T);
  expect(nextActivityStartMs(emptyManifest(PREFIX), T - 1)).toBe(T - 1);
  const seg = (i: number) => entryFromSegment({ key: `${PREFIX}s${i}-video.mp4`, runId: 'r', index: i, startMs: T + i * 5000, endMs: T + (i + 1) * 5000, bytes: 1, width: 1, height: 1, sha256: 'a'.repeat(64) }, true);
  const withRef = appendEntry(started, { ...seg(0), activity: { key: `${PREFIX}s0-activity.json`, bytes: 1, sha256: 'b'.repeat(64) } });
  expect(nextActivityStartMs(appendEntry(withRef, seg(1)), T)).toBe(T + 5000);
});

test('reads the journal incrementally (a torn tail waits), uploads with checksums, returns the ref', async () => {
  const journalPath = join(dir, 'activity.jsonl');
  const storeDir = join(dir, 'dest');
  const cutter = new ActivityCutter({ journalPath, defaultSource: 'x11-focus' }, createLocalStore(storeDir), PREFIX, createLogger('silent'));
  const manifest = withSessionStart(emptyManifest(PREFIX), iso(0));
  const xterm = { id: '0x1', title: 'INVOICE', app: 'XTerm', pid: 7 };
  await appendFile(journalPath, serializeRecord({ k: 'observed', at: iso(0.5), source: 'x11-focus', state: { focus: null, windows: [], idleSince: null } }));
  const torn = serializeRecord({ k: 'event', event: { at: iso(2), kind: 'windows', windows: [xterm] } });
  await appendFile(journalPath, torn.slice(0, 20));
  const key = `${PREFIX}20261202T100000.000Z-video.mp4`;
  const ref = await cutter.upload(key, manifest, T, T + 5000, AbortSignal.timeout(5000));
  const bytes = await readFile(join(storeDir, ref.key));
  expect(ref).toEqual({ key: `${PREFIX}20261202T100000.000Z-activity.json`, bytes: bytes.length, sha256: createHash('sha256').update(bytes).digest('hex') });
  const first = parseActivity(bytes.toString('utf8'));
  expect(first.events).toEqual([]); // the torn line is not read yet
  // The line completes; the next segment's object has it.
  await appendFile(journalPath, torn.slice(20));
  const next = appendEntry(manifest, { ...entryFromSegment({ key, runId: 'r', index: 0, startMs: T, endMs: T + 5000, bytes: 1, width: 1, height: 1, sha256: 'a'.repeat(64) }, true), activity: ref });
  const ref2 = await cutter.upload(`${PREFIX}20261202T100005.000Z-video.mp4`, next, T, T + 10_000, AbortSignal.timeout(5000));
  const second = parseActivity(await readFile(join(storeDir, ref2.key), 'utf8'));
  expect(second.start).toBe(iso(5));
  // The event at 2 s was before this object's start: it is in its initial state, not lost.
  expect(second.initial.windows).toEqual([xterm]);
});

/**
 * The lane's reads on a real local store (temp files): every activity object checked against its
 * manifest entry before it is believed, bad ones reported where they sit on the timeline, and a
 * second lane of the same session (a live one that grew) reading only the new objects.
 */
import { mkdtemp, rm, writeFile, mkdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { createLocalStore } from '../../src/adapters/localStore';
import { ACTIVITY_FORMAT, serializeActivity, type ActivityObject } from '../../src/domain/activity';
import { appendEntry, emptyManifest, sha256Hex, type Manifest, type ManifestEntry } from '../../src/domain/manifest';
import { activityName, segmentName } from '../../src/domain/objectNames';
import type { ReadOnlyStore } from '../../src/domain/objectStore';
import { createActivityReader } from '../../src/viewer/activityReader';
import { buildTimeline } from '../../src/viewer/timeline';

const PREFIX = 'st/fl/s1/';
const T0 = Date.parse('2026-12-01T09:00:00.000Z');

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'activity-reader-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

function activity(i: number, title: string, sessionPrefix = PREFIX): ActivityObject {
  const w = { id: '0x1', title, app: 'XTerm', pid: 7 };
  return {
    format: ACTIVITY_FORMAT, sessionPrefix, source: 'x11-focus', start: new Date(T0 + i * 10_000).toISOString(), end: new Date(T0 + (i + 1) * 10_000).toISOString(),
    initial: { focus: w, windows: [w], idleSince: null }, events: [], unobserved: [],
  };
}

async function put(key: string, body: string): Promise<void> {
  await mkdir(dirname(join(dir, key)), { recursive: true });
  await writeFile(join(dir, key), body);
}

/** Segment i of 10 s with its activity object (stored as `stored`, null: not stored; referenced as `referenced`). */
async function segment(manifest: Manifest, i: number, referenced: string | undefined, stored: string | null | undefined = referenced, key?: string): Promise<Manifest> {
  const startMs = T0 + i * 10_000;
  const activityKey = key ?? `${PREFIX}${activityName(startMs)}`;
  if (stored !== undefined && stored !== null) await put(activityKey, stored);
  return appendEntry(manifest, {
    key: `${PREFIX}${segmentName(startMs)}`, runId: 'run-1', index: i, start: new Date(startMs).toISOString(), end: new Date(startMs + 10_000).toISOString(),
    durationSeconds: 10, bytes: 1000, sha256: '0'.repeat(64), width: 1280, height: 720, complete: true,
    ...(referenced === undefined ? {} : { activity: { key: activityKey, bytes: Buffer.byteLength(referenced), sha256: sha256Hex(referenced) } }),
  });
}

function counting(store: ReadOnlyStore): { store: ReadOnlyStore; reads: string[] } {
  const reads: string[] = [];
  return { reads, store: { ...store, readSmall: (key, max) => (reads.push(key), store.readSmall(key, max)) } };
}

test('verified objects become the lane; altered, missing, foreign and outside ones are problems at their segment', async () => {
  let m = emptyManifest(PREFIX);
  const good = serializeActivity(activity(0, 'INVOICE 4417'));
  m = await segment(m, 0, good);
  m = await segment(m, 1, serializeActivity(activity(1, 'honest')), serializeActivity(activity(1, 'HONEST'))); // same length, other bytes
  m = await segment(m, 2, serializeActivity(activity(2, 'never uploaded')), null);
  m = await segment(m, 3, serializeActivity(activity(3, 'other session', 'st/fl/s2/')));
  m = await segment(m, 4, undefined);
  m = await segment(m, 5, serializeActivity(activity(5, 'x')), serializeActivity(activity(5, 'x')), 'st/fl/s2/20261201T090050.000Z-activity.json');
  const entries: readonly ManifestEntry[] = m.entries;
  const reader = createActivityReader(createLocalStore(dir));
  const lane = await reader.lane(PREFIX, entries, buildTimeline(entries));
  expect(lane).toMatchObject({ available: true, segments: 6, segmentsWithActivity: 5 });
  expect(lane.windows).toEqual([{ from: 0, to: 10, title: 'INVOICE 4417', app: 'XTerm', how: 'focused' }]);
  expect(lane.problems.map((p) => [p.from, p.to])).toEqual([[10, 20], [20, 30], [30, 40], [50, 60]]);
  expect(lane.problems[0]?.problem).toMatch(/segment 2's activity object .*SHA-256 is not the one in the manifest/);
  expect(lane.problems[1]?.problem).toMatch(/is missing/);
  expect(lane.problems[2]?.problem).toMatch(/belongs to session "st\/fl\/s2\/"/);
  expect(lane.problems[3]?.problem).toMatch(/not an object of this session/);
});

test('a live session read again reads only its new objects', async () => {
  let m = emptyManifest(PREFIX);
  for (let i = 0; i < 3; i++) m = await segment(m, i, serializeActivity(activity(i, `window ${i}`)));
  const { store, reads } = counting(createLocalStore(dir));
  const reader = createActivityReader(store);
  const three = m.entries;
  await reader.lane(PREFIX, three, buildTimeline(three));
  expect(reads).toHaveLength(3);
  m = await segment(m, 3, serializeActivity(activity(3, 'window 3')));
  const lane = await reader.lane(PREFIX, m.entries, buildTimeline(m.entries));
  expect(reads).toHaveLength(4);
  expect(lane.windows.map((w) => w.title)).toEqual(['window 0', 'window 1', 'window 2', 'window 3']);
});

test('an object larger than its entry says is not read whole', async () => {
  let m = emptyManifest(PREFIX);
  const honest = serializeActivity(activity(0, 'short'));
  m = await segment(m, 0, honest, serializeActivity(activity(0, `a much longer title ${'x'.repeat(5000)}`)));
  const lane = await createActivityReader(createLocalStore(dir)).lane(PREFIX, m.entries, buildTimeline(m.entries));
  expect(lane.windows).toEqual([]);
  expect(lane.problems[0]?.problem).toMatch(/could not be read as the \d+ bytes the manifest says/);
});

// The viewer's timeline follows the clock, not the order segments became durable: a killed
// recorder's segments, uploaded by the next recorder after its own first ones, go back in their
// place, and the one that continues another is found right after it.
import { createLocalStore } from '../../src/adapters/localStore';
import { createSessionCatalog } from '../../src/viewer/sessionCatalog';
import { chainPlan } from '../../src/viewer/segmentChain';
import { writeChained } from '../helpers/chainSessions';
import { writeSharedKeyframeSession } from '../helpers/sharedKeyframeSession';
import { tempDirEach } from '../helpers/tempDir';

const dir = tempDirEach('viewer-order-');

test('a run uploaded late is placed at its recording time, and its continuing segment plays from its chain', async () => {
  const startedAtMs = Date.parse('2026-12-03T06:00:00Z');
  const s = await writeSharedKeyframeSession({ storeDir: dir(), prefix: 'st/fl/se/', startedAtMs, segments: 5, seconds: 2, keyframeAt: [2] });
  // Two capture runs: a = segments 0 (keyframe) and 1 (continues it), b = 2 (keyframe), 3, 4.
  const [e0, e1, e2, e3, e4] = s.manifest.entries.map(({ prevEntrySha256: _p, ...e }) => e) as [typeof s.manifest.entries[0], ...typeof s.manifest.entries];
  const a = (e: typeof e0, index: number) => ({ ...e, runId: 'run-a', index });
  const b = (e: typeof e0, index: number) => ({ ...e, runId: 'run-b', index });
  // Durable order: a0, then b0 b1, then the late a1, then b2.
  await writeChained(s.dir, s.manifest, [a(e0, 0), b(e2!, 0), b(e3!, 1), a(e1!, 1), b(e4!, 2)], startedAtMs + 10_000);

  const catalog = createSessionCatalog(createLocalStore(dir()));
  const view = await catalog.open('st/fl/se/');
  const opened = await catalog.opened('st/fl/se/');
  expect(view?.timeline.segments.map((t) => [t.offset, t.runId])).toEqual([[0, 'run-a'], [2, 'run-a'], [4, 'run-b'], [6, 'run-b'], [8, 'run-b']]);
  expect(view?.timeline.gaps).toEqual([]);
  // Segment 2 of the timeline (run-a's second) continues the first: its chain is the first two.
  expect(chainPlan(opened!.entries, 1, () => true)).toEqual({ ok: true, positions: [0, 1] });
}, 60_000);

// The fixture itself: real segments, keyframes only where asked, a session verify accepts.
import { createLocalStore } from '../../src/adapters/localStore';
import { verifySession } from '../../src/verify/verifySession';
import { writeSharedKeyframeSession } from './sharedKeyframeSession';
import { tempDirEach } from './tempDir';

const dir = tempDirEach('shared-kf-test-');

test('segments start with a keyframe only where asked; the session verifies clean', async () => {
  const s = await writeSharedKeyframeSession({ storeDir: dir(), prefix: 'st/fl/se/', startedAtMs: Date.parse('2026-12-03T05:00:00Z'), segments: 5, seconds: 2, keyframeAt: [3] });
  expect(s.keyframe).toEqual([true, false, false, true, false]);
  expect(s.manifest.entries.map((e) => e.continuesPrevious === true)).toEqual([false, true, true, false, true]);
  const report = await verifySession({ store: createLocalStore(s.dir), url: `file://${s.dir}`, location: s.dir, limits: { gapToleranceMs: 1_000, maxRestartGapMs: 10_000 } });
  expect(report.problems).toEqual([]);
}, 60_000);

// Which segments the viewer joins for a segment that continues the one before it, and the chain's
// bounds. Pure. What the player shows for each answer: chainPlayback.test.ts.
import type { ManifestEntry } from '../../src/domain/manifest';
import { chainPlan } from '../../src/viewer/segmentChain';

/** Manifest entries from a compact spec: run, index in its run, whether it continues the one before, bytes. */
function entries(spec: readonly [runId: string, index: number, continues: boolean, bytes?: number][]): ManifestEntry[] {
  return spec.map(([runId, index, continues, bytes]) => ({
    key: `st/fl/se/${runId}-${index}-video.mp4`, runId, index, start: '2026-12-03T05:00:00.000Z', end: '2026-12-03T05:01:00.000Z', durationSeconds: 60,
    bytes: bytes ?? 1000, sha256: 'a'.repeat(64), width: 320, height: 240, complete: true, prevEntrySha256: '0'.repeat(64),
    ...(continues ? { continuesPrevious: true } : {}),
  }));
}
const all = (): boolean => true;

test('back to the segment with the keyframe, in decode order; a segment with its own keyframe is a chain of one', () => {
  const e = entries([['r1', 0, false], ['r1', 1, true], ['r1', 2, true], ['r1', 3, false], ['r1', 4, true]]);
  expect(chainPlan(e, 2, all)).toEqual({ ok: true, positions: [0, 1, 2] });
  expect(chainPlan(e, 4, all)).toEqual({ ok: true, positions: [3, 4] });
  expect(chainPlan(e, 3, all)).toEqual({ ok: true, positions: [3] });
});

test('links are found by run and index, not by manifest order (uploads land out of order; another run interleaves)', () => {
  const e = entries([['r1', 0, false], ['r2', 0, false], ['r1', 2, true], ['r1', 1, true], ['r2', 1, true]]);
  expect(chainPlan(e, 2, all)).toEqual({ ok: true, positions: [0, 3, 2] });
  expect(chainPlan(e, 4, all)).toEqual({ ok: true, positions: [1, 4] });
});

test('a link not in the manifest, or outside the session, is a broken chain with the reason', () => {
  const gap = entries([['r1', 0, false], ['r1', 2, true]]);
  expect(chainPlan(gap, 1, all)).toEqual({
    ok: false,
    problem: 'Segment 2 cannot be shown: it continues the segment before it (its first frame is not a keyframe), and segment 1 of its capture run "r1" is not in the manifest, so its picture cannot be decoded.',
  });
  // The first segment of a run cannot continue anything: a run's segment -1 is never in the manifest.
  expect(chainPlan(entries([['r1', 0, true]]), 0, all)).toMatchObject({ ok: false, problem: expect.stringContaining('segment -1 of its capture run "r1" is not in the manifest') });
  const e = entries([['r1', 0, false], ['r1', 1, true]]);
  expect(chainPlan(e, 1, (x) => x.index !== 0)).toMatchObject({ ok: false, problem: expect.stringContaining('segment 1, which it needs, names an object outside this session') });
  expect(chainPlan(e, 5, all)).toEqual({ ok: false, problem: 'Segment 6 is not in the manifest.' });
});

test('a chain longer than the limits is refused, saying how far it goes, before anything is read', () => {
  const e = entries([['r1', 0, false, 100], ['r1', 1, true, 10], ['r1', 2, true, 10], ['r1', 3, true, 10]]);
  expect(chainPlan(e, 3, all, { maxLinks: 4, maxBytes: 130 })).toEqual({ ok: true, positions: [0, 1, 2, 3] });
  expect(chainPlan(e, 3, all, { maxLinks: 3, maxBytes: 1000 })).toEqual({
    ok: false,
    problem: 'Segment 4 cannot be shown: it continues the segment before it (its first frame is not a keyframe), and the chain back to its keyframe is longer than the viewer joins (3 segments, 1000 bytes): it goes back past segment 1.',
  });
  expect(chainPlan(e, 3, all, { maxLinks: 10, maxBytes: 129 })).toMatchObject({ ok: false, problem: expect.stringContaining('it goes back past segment 1.') });
});

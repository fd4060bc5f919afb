import type { ManifestEntry } from '../../src/domain/manifest';
import { buildTimeline, locate } from '../../src/viewer/timeline';

const T0 = Date.parse('2026-11-24T09:00:00.000Z');

/** Manifest-like entries: [start offset s, duration s, bytes, width, height]. */
function entries(rows: [number, number, number, number?, number?][]): ManifestEntry[] {
  return rows.map(([at, duration, bytes, width = 1280, height = 720], index) => ({
    key: `s/f/x/${index}-video.mp4`, runId: 'run-1', index, start: new Date(T0 + at * 1000).toISOString(),
    end: new Date(T0 + (at + duration) * 1000).toISOString(), durationSeconds: duration, bytes, sha256: '0'.repeat(64),
    width, height, complete: true, prevEntrySha256: '0'.repeat(64),
  }));
}

test('contiguous segments: one timeline, offsets from the first frame, no gaps', () => {
  const tl = buildTimeline(entries([[0, 60, 9e6], [60, 60, 9e6], [120, 30, 5e6]]));
  expect(tl.segments.map((s) => [s.offset, s.duration])).toEqual([[0, 60], [60, 60], [120, 30]]);
  expect(tl).toMatchObject({ start: '2026-11-24T09:00:00.000Z', totalSeconds: 150, gaps: [], idle: [] });
  expect(tl.layoutChanges).toEqual([{ at: 0, width: 1280, height: 720 }]);
});

test('a restart gap and a resolution change are marked where they happen', () => {
  const tl = buildTimeline(entries([[0, 60, 9e6], [60, 42.3, 7e6], [103.1, 60, 9e6, 1920, 1080], [163.1, 60, 9e6, 1920, 1080]]));
  expect(tl.gaps).toEqual([{ from: 102.3, to: 103.1 }]);
  expect(tl.layoutChanges).toEqual([{ at: 0, width: 1280, height: 720 }, { at: 103.1, width: 1920, height: 1080 }]);
  expect(tl.totalSeconds).toBe(223.1);
});

test('small pauses are not gaps; a clock that steps back never makes segments overlap', () => {
  const tl = buildTimeline(entries([[0, 10, 1e6], [10.2, 10, 1e6], [15, 10, 1e6]]));
  expect(tl.gaps).toEqual([]);
  expect(tl.segments.map((s) => s.offset)).toEqual([0, 10.2, 20.2]);
});

test('idle: segments with far fewer bytes per second than the busy ones, merged into spans', () => {
  const tl = buildTimeline(entries([[0, 60, 9e6], [60, 60, 2e5], [120, 60, 1.5e5], [180, 60, 8e6], [240, 5, 3e5]]));
  expect(tl.segments.map((s) => s.idle)).toEqual([false, true, true, false, false]);
  expect(tl.idle).toEqual([{ from: 60, to: 180 }]);
  // Too few segments to judge: nothing is called idle.
  expect(buildTimeline(entries([[0, 60, 9e6], [60, 60, 1e3]])).idle).toEqual([]);
});

test('locate maps global time to (segment, offset), jumps gaps forward and clamps at the end', () => {
  const segs = [{ offset: 0, duration: 60 }, { offset: 60, duration: 42.3 }, { offset: 103.1, duration: 60 }];
  expect(locate(segs, 0)).toEqual({ index: 0, within: 0 });
  expect(locate(segs, 59.9)).toEqual({ index: 0, within: 59.9 });
  expect(locate(segs, 60)).toEqual({ index: 1, within: 0 });
  expect(locate(segs, 102.5)).toEqual({ index: 2, within: 0 }); // in the gap
  expect(locate(segs, 120)).toMatchObject({ index: 2 });
  expect(locate(segs, 120).within).toBeCloseTo(16.9, 9);
  expect(locate(segs, 500)).toEqual({ index: 2, within: 60 });
  expect(locate(segs, -3)).toEqual({ index: 0, within: 0 });
  expect(locate([], 3)).toEqual({ index: -1, within: 0 });
});

test('locate runs unchanged from its source (the page gets it as text)', () => {
  // eslint-disable-next-line @typescript-eslint/no-implied-eval
  const fromSource = new Function(`return (${locate.toString()})`)() as typeof locate;
  const segs = Array.from({ length: 600 }, (_, i) => ({ offset: i * 60 + (i > 300 ? 1 : 0), duration: 60 }));
  for (const t of [0, 59.99, 60, 18000.5, 18060.5, 35999, 36001, 99999]) expect(fromSource(segs, t)).toEqual(locate(segs, t));
});

import { GENESIS_SHA256, type ManifestEntry } from '../../src/domain/manifest';
import { checkContinuity } from '../../src/verify/continuity';

const T = Date.parse('2026-11-27T06:24:09.000Z');
const LIMITS = { gapToleranceMs: 1_000, maxRestartGapMs: 10_000 };

/** An entry of `runId` at `index`, starting `startS` seconds after T and lasting `seconds`. */
function entry(runId: string, index: number, startS: number, seconds = 5, size: [number, number] = [1280, 720], complete = true): ManifestEntry {
  return {
    key: `st/fl/se/${runId}-${index}-video.mp4`,
    runId,
    index,
    start: new Date(T + startS * 1000).toISOString(),
    end: new Date(T + (startS + seconds) * 1000).toISOString(),
    durationSeconds: seconds,
    bytes: 1000,
    sha256: 'a'.repeat(64),
    width: size[0],
    height: size[1],
    complete,
    prevEntrySha256: GENESIS_SHA256,
  };
}

const nameOf = (e: ManifestEntry): string => e.key.split('/').pop() ?? e.key;

test('one run of back-to-back segments: no finding, span equals video', () => {
  const result = checkContinuity([entry('r1', 0, 0), entry('r1', 1, 5), entry('r1', 2, 10)], nameOf, LIMITS);
  expect(result.problems).toEqual([]);
  expect(result.notes).toEqual([]);
  expect(result.summary).toMatchObject({ videoSeconds: 15, spanSeconds: 15, runs: 1, restarts: 0, resolutionChanges: 0, holes: 0 });
});

test('inside a run, a jump beyond the tolerance is a hole with its size; within it, nothing', () => {
  const result = checkContinuity([entry('r1', 0, 0), entry('r1', 1, 5.5), entry('r1', 2, 13)], nameOf, LIMITS);
  expect(result.problems).toHaveLength(1);
  expect(result.problems[0]).toMatchObject({ code: 'hole', name: 'r1-2-video.mp4', details: { gapSeconds: 2.5 } });
  expect(result.problems[0]?.message).toContain('2.5 s hole between r1-1-video.mp4 and r1-2-video.mp4');
  expect(result.summary.holes).toBe(1);
});

test('a missing index inside a run is named as skipped segments, even without a time gap', () => {
  const result = checkContinuity([entry('r1', 0, 0), entry('r1', 3, 5)], nameOf, LIMITS);
  expect(result.problems.map((p) => p.code)).toEqual(['segments-skipped']);
  expect(result.problems[0]?.message).toMatch(/2 segment\(s\) of run r1 \(index 1 to 2\)/);
});

test('a restart is a note with its gap; a resolution change is told apart; a long restart gap is a hole', () => {
  const result = checkContinuity(
    [
      entry('r1', 0, 0),
      entry('r2', 0, 5.7), // restart, same size: 0.7 s
      entry('r3', 0, 11.9, 5, [1920, 1080]), // resolution change: 1.2 s
      entry('r4', 0, 46.9, 5, [1920, 1080]), // 30 s later: a hole
    ],
    nameOf,
    LIMITS,
  );
  expect(result.notes.map((n) => [n.code, n.details?.['gapSeconds']])).toEqual([
    ['restart', 0.7],
    ['resolution-change', 1.2],
  ]);
  expect(result.notes[1]?.message).toContain('resolution 1280x720 → 1920x1080');
  expect(result.problems.map((p) => [p.code, p.details?.['gapSeconds']])).toEqual([['hole', 30]]);
  expect(result.problems[0]?.message).toMatch(/at an FFmpeg restart \(longer than the 10 s a restart may take\)/);
  expect(result.summary).toMatchObject({ runs: 4, restarts: 2, resolutionChanges: 1, holes: 1, videoSeconds: 20, spanSeconds: 51.9 });
});

test('an overlap inside a run is a problem; a run starting early is a clock step; a partial segment is noted', () => {
  const result = checkContinuity(
    [entry('r1', 0, 0), entry('r1', 1, 3), entry('r2', 0, 6, 5, [1280, 720], false)],
    nameOf,
    LIMITS,
  );
  expect(result.problems.map((p) => p.code)).toEqual(['overlap']);
  expect(result.notes.map((n) => n.code).sort()).toEqual(['clock-step', 'partial-segment']);
});

import { classifyExit, countTamperBursts, type CaptureRunRecord, type RunEndCause } from '../../src/domain/captureRuns';
import { computeCoverage, type CoverageInput } from '../../src/domain/coverage';

const T0 = Date.parse('2026-12-01T10:00:00.000Z');
const at = (s: number): number => T0 + Math.round(s * 1000);
const run = (id: string, from: number, to: number, cause: RunEndCause, code: number | null = 0): CaptureRunRecord => ({
  runId: id, startedAtMs: at(from), firstFrameAtMs: at(from + 0.4), endedAtMs: at(to), end: { cause, code, signal: null },
});
/** Segments of 1 s covering [from, to) for one run. */
const segs = (runId: string, from: number, to: number) =>
  Array.from({ length: Math.round(to - from) }, (_, i) => ({ runId, startMs: at(from + i), endMs: at(Math.min(to, from + i + 1)) }));

function session(parts: Partial<CoverageInput>): CoverageInput {
  return { startedAtMs: T0, stopRequestedAtMs: at(20), runs: [], stalls: [], segments: [], ...parts };
}

describe('computeCoverage', () => {
  test('an untouched session: start-up and stop are explained, coverage 100 % however short', () => {
    const c = computeCoverage(session({ stopRequestedAtMs: at(4), runs: [run('r1', 0.5, 4.3, 'stop-requested')], segments: segs('r1', 1, 4) }));
    expect(c.wallSeconds).toBe(4);
    expect(c.videoSeconds).toBe(3);
    expect(c.gaps).toEqual([expect.objectContaining({ kind: 'head', seconds: 1, causes: ['start-up'], explained: true })]);
    expect(c.ratio).toBe(1);
    expect(c.interruptions).toEqual({});
  });

  test('cut captures: each gap names its cause, interruptions are counted, a burst is counted', () => {
    const runs = [run('r1', 0.5, 5.1, 'x-connection-lost'), run('r2', 5.1, 10.2, 'x-connection-lost'), run('r3', 10.2, 15.1, 'x-connection-lost'), run('r4', 15.1, 20.3, 'stop-requested')];
    const segments = [...segs('r1', 1, 5), ...segs('r2', 5.6, 10.6).slice(0, 4), ...segs('r3', 10.7, 15), ...segs('r4', 15.6, 20)];
    const c = computeCoverage(session({ runs, segments }));
    const between = c.gaps.filter((g) => g.kind === 'between');
    expect(between.length).toBeGreaterThanOrEqual(3);
    for (const g of between) expect(g).toMatchObject({ causes: ['x-connection-lost'], explained: false });
    expect(c.interruptions).toEqual({ 'x-connection-lost': 3 });
    expect(c.tamperBursts).toBe(1);
    expect(c.ratio).toBeLessThan(1);
  });

  test('a capture lost 14 s before the end leaves an unexplained tail gap', () => {
    const c = computeCoverage(session({ runs: [run('r1', 0.5, 6.1, 'ffmpeg-exited')], segments: segs('r1', 1, 6) }));
    expect(c.gaps.at(-1)).toMatchObject({ kind: 'tail', seconds: 14, causes: ['ffmpeg-exited'], explained: false });
    expect(c.ratio).toBeCloseTo(5 / 19, 3);
  });

  test('no video at all: one gap over the whole session, coverage 0', () => {
    const runs = [run('r1', 0.5, 0.6, 'ffmpeg-exited'), run('r2', 0.7, 0.8, 'ffmpeg-exited')];
    const c = computeCoverage(session({ runs }));
    expect(c.videoSeconds).toBe(0);
    expect(c.gaps).toEqual([expect.objectContaining({ kind: 'whole', seconds: 20, causes: ['ffmpeg-exited'], explained: false })]);
    expect(c.ratio).toBe(0);
  });

  test('a stall inside a run is a gap even though segments cover it', () => {
    const c = computeCoverage(session({ runs: [run('r1', 0.5, 20.2, 'stop-requested')], segments: segs('r1', 1, 20), stalls: [{ startMs: at(5), endMs: at(15) }] }));
    expect(c.videoSeconds).toBe(9);
    expect(c.gaps).toContainEqual(expect.objectContaining({ kind: 'between', seconds: 10, causes: ['display-stalled'], explained: false }));
    expect(c.interruptions).toEqual({ 'display-stalled': 1 });
  });

  test('a layout change restart is explained; a slow start-up or a missing segment is not', () => {
    const runs = [run('r1', 0.5, 8.2, 'layout-change'), run('r2', 8.2, 20.2, 'stop-requested')];
    const segments = [...segs('r1', 7, 8), ...segs('r2', 8.8, 20).filter((s) => s.startMs !== at(12.8))];
    const c = computeCoverage(session({ runs, segments }));
    expect(c.gaps[0]).toMatchObject({ kind: 'head', seconds: 7, causes: ['start-up'], explained: false });
    expect(c.gaps).toContainEqual(expect.objectContaining({ seconds: 0.8, causes: ['layout-change'], explained: true }));
    expect(c.gaps).toContainEqual(expect.objectContaining({ seconds: 1, causes: ['missing-video'], explained: false }));
  });

  test('a segment without a decodable frame is a gap with its own cause', () => {
    const segments = segs('r1', 1, 20).map((s, i) => (i === 3 ? { ...s, noFrames: true } : s));
    const c = computeCoverage(session({ runs: [run('r1', 0.5, 20.2, 'stop-requested')], segments }));
    expect(c.gaps).toContainEqual(expect.objectContaining({ kind: 'between', seconds: 1, causes: ['no-decodable-frame'], explained: false }));
  });
});

describe('classifyExit', () => {
  test("x11grab's words for a cut X connection (captured from FFmpeg 5.1) and ENOSPC", () => {
    expect(classifyExit(0, null, '[x11grab @ 0x5584271f2a00] Failed to query xcb pointer\n:77: Generic error in an external library').cause).toBe('x-connection-lost');
    expect(classifyExit(1, null, 'av_interleaved_write_frame(): No space left on device').cause).toBe('disk-full');
    expect(classifyExit(0, null, 'Exiting normally, received signal 2.').cause).toBe('ffmpeg-exited');
  });
});

describe('countTamperBursts', () => {
  test('three interruptions within a minute are one burst; spread out they are none', () => {
    expect(countTamperBursts([at(1), at(6), at(11), at(16)])).toBe(1);
    expect(countTamperBursts([at(0), at(70), at(140)])).toBe(0);
    expect(countTamperBursts([at(0), at(1), at(2), at(100), at(101), at(102)])).toBe(2);
  });
});

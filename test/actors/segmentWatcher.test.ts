import { execFile } from 'node:child_process';
import { appendFileSync, existsSync, mkdirSync, mkdtempSync, rmSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { promisify } from 'node:util';
import { createSegmentWatcher } from '../../src/actors/segmentWatcher';
import { segmentListPath, writeRunInfo, type RunInfo } from '../../src/adapters/spoolRun';
import type { ClosedSegment } from '../../src/domain/segment';
import { startHarness, testLogger, type Harness } from './harness';

/**
 * The watcher on hand-made run dirs (no FFmpeg): whole lines only, exactly once, leftovers,
 * partial segments. The end-to-end test with real FFmpeg is in captureRun.test.ts.
 */
const run = promisify(execFile);
let spool: string;
let harness: Harness | undefined;
beforeEach(() => { spool = join(mkdtempSync(join(tmpdir(), 'segwatch-')), 'session'); });
afterEach(() => {
  harness?.stop();
  harness = undefined;
  rmSync(join(spool, '..'), { recursive: true, force: true });
});

const startedAtMs = 1795760000000;
function makeRun(runStartMs: number, firstFrameAtMs: number | null): string {
  const runId = `run-${runStartMs}`;
  const runDir = join(spool, runId);
  mkdirSync(runDir, { recursive: true });
  const info: RunInfo = {
    runId, startedAtMs: runStartMs, firstFrameAtMs, pid: 1, layout: { x: 0, y: 0, width: 640, height: 480, monitors: [] },
    width: 640, height: 480, frameRate: 5, segmentSeconds: 3, segmentExtension: 'mp4', command: ['ffmpeg'],
  };
  writeRunInfo(runDir, info);
  return runDir;
}

/** Where FFmpeg lists a run's closed segments (apart from the run dir, see spoolRun.ts). */
function listOf(runDir: string): string {
  const path = segmentListPath(spool, basename(runDir));
  mkdirSync(join(path, '..'), { recursive: true });
  return path;
}

const segments = (h: Harness): ClosedSegment[] => h.log.of('segment.closed').map((e) => e.segment);

test('reports each listed segment once, counting only whole lines, with times from the first frame', async () => {
  const runDir = makeRun(startedAtMs, startedAtMs + 300);
  writeFileSync(join(runDir, 'seg-00000.mp4'), 'x'.repeat(10));
  writeFileSync(join(runDir, 'seg-00001.mp4'), 'y'.repeat(20));
  writeFileSync(listOf(runDir), 'seg-00000.mp4,0.000000,3.000000\n');
  harness = startHarness({ segmentWatcher: createSegmentWatcher({ sessionSpoolDir: spool, logger: testLogger, previousRunsBeforeMs: 0 }) });
  await harness.log.waitFor('segment.closed', 15_000);
  expect(segments(harness)).toEqual([{
    path: join(runDir, 'seg-00000.mp4'), runId: `run-${startedAtMs}`, index: 0,
    startMs: startedAtMs + 300, endMs: startedAtMs + 3300, bytes: 10, width: 640, height: 480, complete: true,
    noFrames: true, // hand-made bytes: no decodable frame
  }]);
  // FFmpeg appends the next line: a half-written line is not a segment yet (had it been taken,
  // segment 1 would be reported ending at 3.00 s, before the whole line below is written).
  appendFileSync(listOf(runDir), 'seg-00001.mp4,3.00');
  await new Promise((r) => setTimeout(r, 300)); // room for a (wrong) read of the half line
  appendFileSync(listOf(runDir), '0000,6.000000\n');
  await harness.log.waitForCount('segment.closed', 2, 15_000);
  expect(segments(harness)[1]).toMatchObject({ index: 1, startMs: startedAtMs + 3300, endMs: startedAtMs + 6300, bytes: 20, complete: true });
  // Rewriting the same content (a spurious change event) reports nothing again: a later third
  // line is the next and only report.
  appendFileSync(listOf(runDir), '');
  writeFileSync(listOf(runDir), 'seg-00000.mp4,0.000000,3.000000\nseg-00001.mp4,3.000000,6.000000\n');
  await new Promise((r) => setTimeout(r, 300)); // room for a (wrong) second report
  writeFileSync(join(runDir, 'seg-00002.mp4'), 'z');
  appendFileSync(listOf(runDir), 'seg-00002.mp4,6.000000,9.000000\n');
  await harness.log.waitFor('segment.closed', 15_000, (e) => e.segment.index === 2);
  expect(segments(harness).map((s) => s.index)).toEqual([0, 1, 2]);
});

test('runEnded: the unlisted partial segment is reported complete:false, an empty file removed, then runSettled', async () => {
  const runDir = makeRun(startedAtMs, startedAtMs + 250);
  writeFileSync(join(runDir, 'seg-00000.mp4'), 'x');
  writeFileSync(listOf(runDir), 'seg-00000.mp4,0.000000,3.000000\n');
  // Not a video: ffprobe fails, so the end falls back to the file's last write.
  writeFileSync(join(runDir, 'seg-00001.mp4'), 'not a video');
  utimesSync(join(runDir, 'seg-00001.mp4'), new Date(startedAtMs + 4500), new Date(startedAtMs + 4500));
  writeFileSync(join(runDir, 'seg-00002.mp4'), '');
  harness = startHarness({ segmentWatcher: createSegmentWatcher({ sessionSpoolDir: spool, logger: testLogger, previousRunsBeforeMs: 0 }) });
  await harness.log.waitFor('segment.closed', 15_000);
  harness.send('segmentWatcher', { type: 'segments.runEnded', runId: `run-${startedAtMs}` });
  await harness.log.waitFor('segments.runSettled', 15_000);
  expect(segments(harness).map((s) => [s.index, s.complete, s.startMs, s.endMs])).toEqual([
    [0, true, startedAtMs + 250, startedAtMs + 3250],
    [1, false, startedAtMs + 3250, startedAtMs + 4500],
  ]);
  // The empty one held no video and its run has ended: gone from the spool.
  expect(existsSync(join(runDir, 'seg-00002.mp4'))).toBe(false);
  expect(existsSync(join(runDir, 'seg-00001.mp4'))).toBe(true);
  // A second runEnded reports nothing new but still settles.
  harness.send('segmentWatcher', { type: 'segments.runEnded', runId: `run-${startedAtMs}` });
  await harness.log.waitForCount('segments.runSettled', 2, 15_000);
  expect(segments(harness)).toHaveLength(2);
  // Unknown runs settle at once.
  harness.send('segmentWatcher', { type: 'segments.runEnded', runId: 'run-1' });
  await harness.log.waitFor('segments.runSettled', 15_000, (e) => e.runId === 'run-1');
});

test("an earlier recorder's leftovers are reported at start, partial ones included, uploaded ones skipped", async () => {
  const old = makeRun(startedAtMs, null); // no first-frame time: times from the run's start
  // An earlier version's layout: the list inside the run dir.
  writeFileSync(join(old, 'segments.csv'), 'seg-00000.mp4,0.000000,3.000000\nseg-00001.mp4,3.000000,6.000000\n');
  // seg-00000 was already uploaded (deleted); seg-00001 is left; seg-00002 is the partial one.
  writeFileSync(join(old, 'seg-00001.mp4'), 'y');
  const video = join(old, 'seg-00002.mp4');
  await run('ffmpeg', ['-v', 'error', '-f', 'lavfi', '-i', 'testsrc2=size=64x48:rate=5', '-t', '1.4', '-c:v', 'libx264',
    '-pix_fmt', 'yuv420p', '-movflags', '+frag_keyframe+empty_moov+default_base_moof', '-f', 'mp4', video]);
  const current = makeRun(startedAtMs + 60_000, startedAtMs + 60_100);
  writeFileSync(join(current, 'seg-00000.mp4'), 'partial of a live run: not reported without runEnded');
  harness = startHarness({ segmentWatcher: createSegmentWatcher({ sessionSpoolDir: spool, logger: testLogger, previousRunsBeforeMs: startedAtMs + 1 }) });
  await harness.log.waitForCount('segment.closed', 2, 15_000);
  // The live run lists its first segment: once that is reported, a (wrong) partial report of the
  // live run's file would have come before it.
  appendFileSync(listOf(current), 'seg-00000.mp4,0.000000,3.000000\n');
  await harness.log.waitFor('segment.closed', 15_000, (e) => e.segment.runId === `run-${startedAtMs + 60_000}`);
  expect(segments(harness).map((s) => [s.runId, s.index, s.complete, s.startMs, s.endMs, s.bytes])).toEqual([
    [`run-${startedAtMs}`, 1, true, startedAtMs + 3000, startedAtMs + 6000, 1],
    [`run-${startedAtMs}`, 2, false, startedAtMs + 6000, startedAtMs + 7400, statSync(video).size],
    [`run-${startedAtMs + 60_000}`, 0, true, startedAtMs + 60_100, startedAtMs + 63_100, statSync(join(current, 'seg-00000.mp4')).size],
  ]);
  expect(harness.log.of('segments.runSettled')).toEqual([]);
});

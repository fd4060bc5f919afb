/**
 * Integration (real FFmpeg, real segment watcher): hardening item 12. A full disk leaves FFmpeg
 * listing a ~4 KB segment that holds only the fragmented-MP4 header (ftyp + moov, no fragment):
 * it is reported with `noFrames: true` (verify counts its time as a gap); a small segment that
 * does hold frames is not.
 */
import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { createSegmentWatcher } from '../../src/actors/segmentWatcher';
import { segmentListDir, segmentListPath, writeRunInfo } from '../../src/adapters/spoolRun';
import type { ClosedSegment } from '../../src/domain/segment';
import { startHarness, testLogger, type Harness } from './harness';

const run = promisify(execFile);
let dir: string;
let harness: Harness | undefined;
beforeEach(() => { dir = mkdtempSync(join(tmpdir(), 'segframes-')); });
afterEach(() => {
  harness?.stop();
  harness = undefined;
  rmSync(dir, { recursive: true, force: true });
});

/** Offset of the first top-level box of `type` in an MP4 file. */
function boxOffset(bytes: Buffer, type: string): number {
  for (let at = 0; at + 8 <= bytes.length;) {
    if (bytes.toString('latin1', at + 4, at + 8) === type) return at;
    const size = bytes.readUInt32BE(at);
    if (size < 8) break;
    at += size;
  }
  throw new Error(`no ${type} box`);
}

test('a listed segment with only its header is reported without frames; a small one with frames is not', async () => {
  const full = join(dir, 'full.mp4');
  await run('ffmpeg', ['-hide_banner', '-loglevel', 'error', '-f', 'lavfi', '-i', 'color=c=gray:s=320x240:r=5', '-t', '1', '-c:v', 'libx264',
    '-preset', 'veryfast', '-g', '5', '-movflags', '+frag_keyframe+empty_moov+default_base_moof', '-f', 'mp4', full], { timeout: 30_000 });
  const bytes = readFileSync(full);
  const header = bytes.subarray(0, boxOffset(bytes, 'moof'));
  expect(header.length).toBeLessThan(8_000); // the "~4 KB segment" of a full disk

  const runId = 'run-1795760000000';
  const spool = join(dir, 'session');
  const runDir = join(spool, runId);
  mkdirSync(runDir, { recursive: true });
  writeRunInfo(runDir, {
    runId, startedAtMs: 1795760000000, firstFrameAtMs: 1795760000300, pid: 1, layout: { x: 0, y: 0, width: 320, height: 240, monitors: [] },
    width: 320, height: 240, frameRate: 5, segmentSeconds: 1, segmentExtension: 'mp4', command: ['ffmpeg'],
  });
  writeFileSync(join(runDir, 'seg-00000.mp4'), bytes);
  writeFileSync(join(runDir, 'seg-00001.mp4'), header);
  mkdirSync(join(spool, segmentListDir), { recursive: true });
  writeFileSync(segmentListPath(spool, runId), 'seg-00000.mp4,0.000000,1.000000\nseg-00001.mp4,1.000000,2.000000\n');

  harness = startHarness({ segmentWatcher: createSegmentWatcher({ sessionSpoolDir: spool, logger: testLogger, previousRunsBeforeMs: 0 }) });
  await harness.log.waitForCount('segment.closed', 2, 10_000);
  const reported = harness.log.of('segment.closed').map((e) => e.segment as ClosedSegment);
  expect(reported.map((s) => ({ index: s.index, noFrames: s.noFrames === true }))).toEqual([{ index: 0, noFrames: false }, { index: 1, noFrames: true }]);
});

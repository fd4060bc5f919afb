import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  createRunDir, listRunIds, parseRunId, parseSegmentFileName, readRunInfo, runTimeBaseMs, segmentFileName, writeRunInfo, type RunInfo,
} from '../../src/adapters/spoolRun';

let spool: string;
beforeEach(() => { spool = join(mkdtempSync(join(tmpdir(), 'spoolrun-')), 'session'); });
afterEach(() => rmSync(join(spool, '..'), { recursive: true, force: true }));

const info = (runId: string, startedAtMs: number): RunInfo => ({
  runId, startedAtMs, firstFrameAtMs: null, pid: null,
  layout: { x: 0, y: 0, width: 1280, height: 720, monitors: [] }, width: 1280, height: 720,
  frameRate: 5, segmentSeconds: 3, segmentExtension: 'mp4', command: ['ffmpeg', '-i', 'x'],
});

test('run dirs are named by start time and unique, even twice in one millisecond', () => {
  const a = createRunDir(spool, 1764225600000);
  const b = createRunDir(spool, 1764225600000);
  expect(a).toEqual({ runId: 'run-1764225600000', runDir: join(spool, 'run-1764225600000'), startedAtMs: 1764225600000 });
  expect(b.runId).toBe('run-1764225600001');
  createRunDir(spool, 1764225599000);
  expect(listRunIds(spool)).toEqual(['run-1764225599000', 'run-1764225600000', 'run-1764225600001']);
  expect(listRunIds(join(spool, 'missing'))).toEqual([]);
});

test('run.json is written atomically and read back; a corrected first frame moves the time base', async () => {
  const { runId, runDir, startedAtMs } = createRunDir(spool, 1764225600000);
  writeRunInfo(runDir, info(runId, startedAtMs));
  writeRunInfo(runDir, { ...info(runId, startedAtMs), firstFrameAtMs: 1764225600312, pid: 42 });
  expect(readdirSync(runDir)).toEqual(['run.json']); // no temp file left behind
  const read = await readRunInfo(runDir);
  expect(read?.pid).toBe(42);
  expect(runTimeBaseMs(read as RunInfo)).toBe(1764225600312);
  expect(runTimeBaseMs(info(runId, startedAtMs))).toBe(1764225600000);
});

test('a missing or damaged run.json reads as null', async () => {
  const { runDir } = createRunDir(spool, 1764225600000);
  expect(await readRunInfo(runDir)).toBeNull();
  writeFileSync(join(runDir, 'run.json'), '{"runId": "run-1", "startedAt');
  expect(await readRunInfo(runDir)).toBeNull();
  writeFileSync(join(runDir, 'run.json'), '{"runId": "run-1"}');
  expect(await readRunInfo(runDir)).toBeNull();
});

test('names', () => {
  expect(segmentFileName(7, 'mp4')).toBe('seg-00007.mp4');
  expect(parseSegmentFileName('seg-00007.mp4')).toEqual({ index: 7, extension: 'mp4' });
  expect(parseSegmentFileName('seg-123456.ts')).toEqual({ index: 123456, extension: 'ts' });
  expect(parseSegmentFileName('segments.csv')).toBeNull();
  expect(parseRunId('run-1764225600000')).toBe(1764225600000);
  expect(parseRunId('run-x')).toBeNull();
  expect(parseRunId('run.json')).toBeNull();
});

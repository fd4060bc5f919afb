import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, dirname, join } from 'node:path';
import { promisify } from 'node:util';
import { createFfmpegActor, type FfmpegActorDeps } from '../../src/actors/ffmpeg';
import { waitUntilGone } from '../../src/adapters/processTree';
import { parseSegmentList } from '../../src/adapters/segmentList';
import { readRunInfo, segmentListPath } from '../../src/adapters/spoolRun';
import { waitUntil } from '../helpers/cli';
import { startXvfb, type Xvfb } from '../helpers/xvfb';
import { startHarness, testLogger, type Harness } from './harness';

const run = promisify(execFile);
let x: Xvfb;
let spool: string;
let harness: Harness | undefined;

beforeAll(async () => { x = await startXvfb({ width: 640, height: 480 }); });
afterAll(async () => { await x?.stop(); });
beforeEach(() => { spool = join(mkdtempSync(join(tmpdir(), 'ffmpeg-actor-')), 'session'); });
afterEach(() => {
  harness?.stop();
  harness = undefined;
  rmSync(join(spool, '..'), { recursive: true, force: true });
});

function listed(runDir: string): readonly unknown[] {
  try {
    return parseSegmentList(readFileSync(segmentListPath(dirname(runDir), basename(runDir)), 'utf8')).entries;
  } catch {
    return []; // not created yet
  }
}

function deps(overrides: Partial<FfmpegActorDeps> = {}): FfmpegActorDeps {
  return {
    ffmpegPath: 'ffmpeg', sessionSpoolDir: spool, logger: testLogger,
    capture: { source: { kind: 'x11grab', display: x.display }, frameRate: 5, segmentSeconds: 2 },
    ...overrides,
  };
}

test('starts FFmpeg in a run dir, learns the first frame time, and "q" ends it with code 0 and every segment listed', async () => {
  const before = Date.now();
  harness = startHarness({ ffmpeg: createFfmpegActor(deps()) }, x.layout);
  const started = await harness.log.waitFor('ffmpeg.started', 15_000);
  expect(started.runId).toBe(`run-${started.startedAtMs}`);
  expect(started.startedAtMs).toBeGreaterThanOrEqual(before);
  const runDir = join(spool, started.runId);
  // The first segment (2 s) is listed: then stop.
  await waitUntil('the first segment to be listed', () => (listed(runDir).length >= 1 ? true : undefined), 30_000, 50);
  harness.send('ffmpeg', { type: 'ffmpeg.finish' });
  const exited = await harness.log.waitFor('ffmpeg.exited', 15_000);
  expect(exited).toMatchObject({ runId: started.runId, code: 0, signal: null });
  expect(exited.stderrTail).toContain('[q] command received');

  const info = await readRunInfo(runDir);
  expect(info?.pid).toBe(started.pid);
  expect(info?.command[0]).toBe('ffmpeg');
  // Verified on this machine: x11grab's input `start:` is the wall clock of the first frame.
  expect(info?.firstFrameAtMs).not.toBeNull();
  expect((info?.firstFrameAtMs as number) - started.startedAtMs).toBeGreaterThanOrEqual(0);
  expect(listed(runDir).length).toBeGreaterThanOrEqual(2); // the one being written was finalized and listed
  expect(await waitUntilGone(started.pid, 15_000)).toBe(true);
  expect(harness.log.of('ffmpeg.exited')).toHaveLength(1);
});

test('ffmpeg.terminate: SIGTERM to the group, exit 255, last segment still finalized', async () => {
  harness = startHarness({ ffmpeg: createFfmpegActor(deps()) }, x.layout);
  const started = await harness.log.waitFor('ffmpeg.started', 15_000);
  // Let it record something: the first fragment is on disk.
  const first = join(spool, started.runId, 'seg-00000.mp4');
  await waitUntil('the first fragment on disk', () => (existsSync(first) && statSync(first).size > 0 ? true : undefined), 30_000, 50);
  harness.send('ffmpeg', { type: 'ffmpeg.terminate' });
  const exited = await harness.log.waitFor('ffmpeg.exited', 15_000);
  expect(exited.code).toBe(255);
  expect(listed(join(spool, started.runId)).length).toBeGreaterThanOrEqual(1);
  expect(await waitUntilGone(started.pid, 15_000)).toBe(true);
});

test('ffmpeg.kill: SIGKILL of the tree, reported as an exit by signal', async () => {
  harness = startHarness({ ffmpeg: createFfmpegActor(deps()) }, x.layout);
  const started = await harness.log.waitFor('ffmpeg.started', 15_000);
  harness.send('ffmpeg', { type: 'ffmpeg.kill' });
  const exited = await harness.log.waitFor('ffmpeg.exited', 15_000);
  expect(exited).toMatchObject({ code: null, signal: 'SIGKILL' });
  expect(await waitUntilGone(started.pid, 15_000)).toBe(true);
});

test('stopping the actor while FFmpeg runs kills its tree (no orphan)', async () => {
  harness = startHarness({ ffmpeg: createFfmpegActor(deps()) }, x.layout);
  const started = await harness.log.waitFor('ffmpeg.started', 15_000);
  harness.stop();
  harness = undefined;
  expect(await waitUntilGone(started.pid, 15_000)).toBe(true);
});

test('an exit nobody asked for is reported with the stderr tail (a display that does not exist)', async () => {
  harness = startHarness({
    ffmpeg: createFfmpegActor(deps({ capture: { source: { kind: 'x11grab', display: ':987' }, frameRate: 5, segmentSeconds: 2 } })),
  }, x.layout);
  const exited = await harness.log.waitFor('ffmpeg.exited', 15_000);
  expect(exited.code).toBe(1);
  expect(exited.stderrTail).toContain('Cannot open display :987');
  expect(harness.log.of('ffmpeg.started')).toHaveLength(1);
  expect(harness.log.of('ffmpeg.failedToStart')).toHaveLength(0);
});

test('a missing executable is ffmpeg.failedToStart naming the path and the fix', async () => {
  harness = startHarness({ ffmpeg: createFfmpegActor(deps({ ffmpegPath: '/nonexistent/bin/ffmpeg' })) }, x.layout);
  const failed = await harness.log.waitFor('ffmpeg.failedToStart', 15_000);
  expect(failed.message).toContain('"/nonexistent/bin/ffmpeg" was not found (spawn ENOENT)');
  expect(failed.message).toContain('apt-get install ffmpeg');
  expect(harness.log.events.map((e) => e.type)).toEqual(['ffmpeg.failedToStart']); // nothing claimed it started
});

test('a spool dir that cannot be created is ffmpeg.failedToStart, not a crash', async () => {
  const file = join(spool, '..', 'a-file');
  writeFileSync(file, '');
  harness = startHarness({ ffmpeg: createFfmpegActor(deps({ sessionSpoolDir: join(file, 'session') })) }, x.layout);
  const failed = await harness.log.waitFor('ffmpeg.failedToStart', 15_000);
  expect(failed.message).toMatch(/^Cannot prepare capture run run-\d+ in ".*a-file\/session": ENOTDIR/);
  expect(failed.message).toContain('Check that the spool dir is writable');
});

test('the lavfi demo source records without any display', async () => {
  harness = startHarness({
    ffmpeg: createFfmpegActor(deps({ capture: { source: { kind: 'lavfi' }, frameRate: 5, segmentSeconds: 1 } })),
  }, { x: 0, y: 0, width: 321, height: 241, monitors: [] });
  const started = await harness.log.waitFor('ffmpeg.started', 15_000);
  await new Promise((r) => setTimeout(r, 1500));
  harness.send('ffmpeg', { type: 'ffmpeg.finish' });
  expect((await harness.log.waitFor('ffmpeg.exited', 15_000)).code).toBe(0);
  const info = await readRunInfo(join(spool, started.runId));
  expect(info?.firstFrameAtMs).toBeNull(); // lavfi has no wall clock: times fall back to the spawn time
  expect([info?.width, info?.height]).toEqual([320, 240]);
  const { stdout } = await run('ffprobe', ['-v', 'error', '-show_entries', 'stream=width,height', '-of', 'csv=p=0',
    join(spool, started.runId, 'seg-00000.mp4')]);
  expect(stdout.trim()).toBe('320,240');
});

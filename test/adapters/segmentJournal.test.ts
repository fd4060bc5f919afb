import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { createSegmentWatcher } from '../../src/actors/segmentWatcher';
import { buildCaptureArgs } from '../../src/adapters/ffmpegArgs';
import { countVideoPackets, videoPacketsOrNoStream } from '../../src/adapters/ffprobe';
import { recoverFromJournal } from '../../src/adapters/segmentJournal';
import { segmentListPath, writeRunInfo } from '../../src/adapters/spoolRun';
import { stillMarksFile } from '../../src/adapters/stillMarks';
import type { DisplayLayout } from '../../src/domain/displayLayout';
import { startHarness, testLogger, type Harness } from '../actors/harness';
import { decodeErrors } from '../helpers/media';

/**
 * The segment journal (segmentJournal.ts) with real FFmpeg running the recorder's own command line
 * (a real-time test pattern: no X needed): a killed FFmpeg's open segment comes back whole from
 * its journal, through the segment watcher as the recorder and `recover` use it.
 */
const run = promisify(execFile);
const layout: DisplayLayout = { x: 0, y: 0, width: 320, height: 240, monitors: [] };
const fps = 5;
let root: string;
let ffmpeg: ChildProcess | undefined;
let harness: Harness | undefined;
beforeEach(() => { root = mkdtempSync(join(tmpdir(), 'journal-')); });
afterEach(() => {
  harness?.stop();
  harness = undefined;
  if (ffmpeg?.pid !== undefined && ffmpeg.exitCode === null && ffmpeg.signalCode === null) ffmpeg.kill('SIGKILL');
  ffmpeg = undefined;
  rmSync(root, { recursive: true, force: true });
});

function startFfmpeg(runDir: string, segmentSeconds: number, segmentList: string): ChildProcess {
  mkdirSync(runDir, { recursive: true });
  const args = buildCaptureArgs({ source: { kind: 'lavfi' }, layout, frameRate: fps, segmentSeconds, runDir, segmentListPath: segmentList });
  const child = spawn('ffmpeg', args, { stdio: ['pipe', 'ignore', 'pipe'] });
  child.stderr?.resume();
  return child;
}

async function until(what: string, check: () => Promise<boolean> | boolean, deadlineMs = 30_000): Promise<void> {
  const end = Date.now() + deadlineMs;
  while (!(await check())) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

const exited = (child: ChildProcess) => new Promise<void>((resolve) => {
  if (child.exitCode !== null || child.signalCode !== null) resolve();
  else child.once('exit', () => resolve());
});

/** pts and duration (seconds) of every video packet. */
async function packets(path: string): Promise<Array<{ pts: number; duration: number }>> {
  const { stdout } = await run('ffprobe', ['-v', 'error', '-select_streams', 'v:0', '-show_entries', 'packet=pts_time,duration_time', '-of', 'csv=p=0', path]);
  return stdout.trim().split('\n').filter(Boolean).map((l) => {
    const [pts, duration] = l.split(',');
    return { pts: Number(pts), duration: Number(duration) };
  });
}

test('a killed FFmpeg\'s open segment is rebuilt from its journal: every frame it held, the last lasting one tick, clean fMP4', async () => {
  const runDir = join(root, 'run');
  ffmpeg = startFfmpeg(runDir, 600, join(root, 'list.csv'));
  const journal = join(runDir, 'seg-00000.ts');
  const segment = join(runDir, 'seg-00000.mp4');
  await until('10 frames in the journal', async () => existsSync(journal) && ((await countVideoPackets('ffprobe', journal)) ?? 0) >= 10);
  ffmpeg.kill('SIGKILL');
  await exited(ffmpeg);
  const held = await countVideoPackets('ffprobe', journal);
  // The MP4 alone keeps its one fragment in memory until the segment ends: nothing of it on disk.
  expect(await countVideoPackets('ffprobe', segment).catch(() => 0)).toBe(0);

  expect(await recoverFromJournal('ffmpeg', journal, segment, fps)).toEqual({ ok: true });
  const rebuilt = await packets(segment);
  expect(rebuilt).toHaveLength(held as number);
  expect(await decodeErrors(segment)).toBe('');
  const last = rebuilt[rebuilt.length - 1] as { pts: number };
  const { stdout } = await run('ffprobe', ['-v', 'error', '-show_entries', 'format=duration', '-of', 'csv=p=0', segment]);
  // The timeline ends one tick after the newest frame: no more, no less.
  expect(Number(stdout.trim())).toBeCloseTo(last.pts - (rebuilt[0] as { pts: number }).pts + 1 / fps, 2);
  const bytes = readFileSync(segment);
  expect(bytes.subarray(4, 8).toString('latin1')).toBe('ftyp');
  expect(bytes.includes(Buffer.from('moof'))).toBe(true);
  // The journal is left for the caller to delete once the segment is in its hands.
  expect(existsSync(journal)).toBe(true);
});

test('a journal that cannot be read is said so and nothing is renamed over the segment', async () => {
  const runDir = join(root, 'run');
  mkdirSync(runDir);
  const journal = join(runDir, 'seg-00000.ts');
  const segment = join(runDir, 'seg-00000.mp4');
  writeFileSync(journal, 'not a transport stream');
  writeFileSync(segment, 'what was there');
  const result = await recoverFromJournal('ffmpeg', journal, segment, 5);
  expect(result.ok).toBe(false);
  expect(readFileSync(segment, 'utf8')).toBe('what was there');
  expect(existsSync(`${segment}.recovering`)).toBe(false);
});

test('segments and journals land under a spool path with the tee muxer\'s special characters (: | \\ [ ] \' and a space)', async () => {
  const runDir = join(root, "we:ird|pa\\th [x]'q");
  const list = join(root, 'list.csv');
  ffmpeg = startFfmpeg(runDir, 1, list);
  await until('two listed segments', () => existsSync(list) && readFileSync(list, 'utf8').trim().split('\n').length >= 2);
  ffmpeg.stdin?.write('q');
  await exited(ffmpeg);
  const names = readFileSync(list, 'utf8').trim().split('\n').map((l) => l.split(',')[0]);
  expect(names.slice(0, 2)).toEqual(['seg-00000.mp4', 'seg-00001.mp4']);
  for (const name of ['seg-00000.mp4', 'seg-00000.ts', 'seg-00001.mp4', 'seg-00001.ts']) expect(existsSync(join(runDir, name))).toBe(true);
  expect(await decodeErrors(join(runDir, 'seg-00000.mp4'))).toBe('');
});

/**
 * A run of the recorder's own FFmpeg (2 s segments) SIGKILLed once segment 0 is listed and the
 * journal of segment 1 holds 4 frames: what a killed FFmpeg leaves in a session spool.
 */
async function killedRun(): Promise<{ spool: string; runDir: string; list: string }> {
  const spool = join(root, 'session');
  const runId = 'run-1795760000000';
  const runDir = join(spool, runId);
  const list = segmentListPath(spool, runId);
  mkdirSync(join(list, '..'), { recursive: true });
  ffmpeg = startFfmpeg(runDir, 2, list);
  writeRunInfo(runDir, {
    runId, startedAtMs: 1795760000000, firstFrameAtMs: 1795760000000, pid: ffmpeg.pid ?? null, layout, width: 320, height: 240,
    frameRate: fps, segmentSeconds: 2, segmentExtension: 'mp4', command: ['ffmpeg'],
  });
  const openJournal = join(runDir, 'seg-00001.ts');
  await until('segment 0 listed and 4 frames in the journal of segment 1', async () => existsSync(list) && readFileSync(list, 'utf8').includes('seg-00000.mp4')
    && existsSync(openJournal) && ((await countVideoPackets('ffprobe', openJournal)) ?? 0) >= 4);
  ffmpeg.kill('SIGKILL');
  await exited(ffmpeg);
  return { spool, runDir, list };
}

test('the segment watcher on an ended run: a listed segment\'s journal goes; the open one comes back from its journal as the partial segment', async () => {
  const { spool, runDir, list } = await killedRun();
  // What FFmpeg left: whatever the list says, plus the open segment's journal.
  const listed = readFileSync(list, 'utf8').trim().split('\n').map((l) => l.split(',')[0] as string);
  const open = `seg-${String(listed.length).padStart(5, '0')}`;
  const heldFrames = await countVideoPackets('ffprobe', join(runDir, `${open}.ts`));

  harness = startHarness({ segmentWatcher: createSegmentWatcher({ sessionSpoolDir: spool, logger: testLogger, previousRunsBeforeMs: Number.MAX_SAFE_INTEGER }) });
  await harness.log.waitForCount('segment.closed', listed.length + 1, 30_000);
  const reported = harness.log.of('segment.closed').map((e) => e.segment);
  expect(reported.map((s) => [s.index, s.complete])).toEqual([...listed.map((_, i) => [i, true]), [listed.length, false]]);
  const partial = reported[listed.length] as { path: string };
  expect(partial.path).toBe(join(runDir, `${open}.mp4`));
  expect(await countVideoPackets('ffprobe', partial.path)).toBe(heldFrames);
  expect(await decodeErrors(partial.path)).toBe('');
  // Every journal is gone: the listed ones had served, the open one is now its MP4.
  await until('no journal left', () => !readdirSync(runDir).some((n) => n.endsWith('.ts')), 10_000);
});

test('with the grabber\'s still marks, the open segment lasts until the screen was last seen still: to the marked tick when its last frame is the marked one, else to where the marked (lost) frame began', async () => {
  const { spool, runDir, list } = await killedRun();
  const lines = readFileSync(list, 'utf8').trim().split('\n');
  const openStart = Number(lines[lines.length - 1]!.split(',')[2]);
  const journal = join(runDir, `seg-${String(lines.length).padStart(5, '0')}.ts`);
  const held = await packets(journal);
  const lastAt = held[held.length - 1]!.pts - held[0]!.pts; // seconds into the open segment
  // Marks as the grabber writes them (ms from the run's first frame): its last frame is the one the
  // journal ends with, and the screen was still for 6.4 s more.
  const frameMs = Math.round((openStart + lastAt) * 1000);
  writeFileSync(join(runDir, stillMarksFile), `${String(frameMs).padStart(13, '0')} ${String(frameMs + 6_400).padStart(13, '0')}\n`);
  writeFileSync(join(root, 'copy.ts'), readFileSync(journal)); // for the second case: the watcher deletes the journal

  harness = startHarness({ segmentWatcher: createSegmentWatcher({ sessionSpoolDir: spool, logger: testLogger, previousRunsBeforeMs: Number.MAX_SAFE_INTEGER }) });
  await harness.log.waitForCount('segment.closed', lines.length + 1, 30_000);
  const partial = harness.log.of('segment.closed').map((e) => e.segment).find((seg) => !seg.complete)!;
  expect(partial.endMs - partial.startMs).toBe(Math.round((lastAt + 6.4) * 1000));
  expect(await countVideoPackets('ffprobe', partial.path)).toBe(held.length);
  expect(await decodeErrors(partial.path)).toBe('');

  // A newer frame the grabber wrote that never reached the journal (FFmpeg died with it in the
  // pipe): the last frame held lasted until that one began, not until the marked tick.
  const lost = join(root, 'lost.mp4');
  const newer = lastAt + 0.6;
  expect(await recoverFromJournal('ffmpeg', join(root, 'copy.ts'), lost, fps, { frameSeconds: newer, stillThroughSeconds: newer + 5 })).toEqual({ ok: true });
  const { stdout } = await run('ffprobe', ['-v', 'error', '-show_entries', 'format=duration', '-of', 'csv=p=0', lost]);
  expect(Number(stdout.trim())).toBeCloseTo(newer, 2);
});

test('journals of an ended run that hold no frame, or cannot be read: the first goes, the second stays beside the partial segment', async () => {
  const spool = join(root, 'session');
  const runId = 'run-1795760000000';
  const runDir = join(spool, runId);
  mkdirSync(runDir, { recursive: true });
  writeRunInfo(runDir, {
    runId, startedAtMs: 1795760000000, firstFrameAtMs: 1795760000000, pid: null, layout, width: 320, height: 240,
    frameRate: fps, segmentSeconds: 2, segmentExtension: 'mp4', command: ['ffmpeg'],
  });
  // A real journal's tables alone (PAT, PMT, SDT: its first 3 packets of 188 bytes), as when FFmpeg
  // is killed right after it opened the file.
  const ts = join(root, 'whole.ts');
  await run('ffmpeg', ['-v', 'error', '-f', 'lavfi', '-i', 'testsrc2=size=320x240:rate=5', '-t', '1', '-c:v', 'libx264', '-f', 'mpegts', ts]);
  writeFileSync(join(runDir, 'seg-00000.ts'), readFileSync(ts).subarray(0, 3 * 188));
  expect(await videoPacketsOrNoStream('ffprobe', join(runDir, 'seg-00000.ts'))).toBe(0);
  // Not a transport stream at all: nothing can tell what it held, so it is kept.
  writeFileSync(join(runDir, 'seg-00001.ts'), Buffer.alloc(10_000, 7));
  expect(await videoPacketsOrNoStream('ffprobe', join(runDir, 'seg-00001.ts'))).toBe('no-stream');
  writeFileSync(join(runDir, 'seg-00001.mp4'), 'the open MP4 as FFmpeg left it');

  harness = startHarness({ segmentWatcher: createSegmentWatcher({ sessionSpoolDir: spool, logger: testLogger, previousRunsBeforeMs: Number.MAX_SAFE_INTEGER }) });
  const partial = await harness.log.waitFor('segment.closed', 30_000);
  expect(partial.segment).toMatchObject({ index: 1, complete: false, path: join(runDir, 'seg-00001.mp4') });
  expect(readFileSync(join(runDir, 'seg-00001.mp4'), 'utf8')).toBe('the open MP4 as FFmpeg left it');
  expect(existsSync(join(runDir, 'seg-00000.ts'))).toBe(false);
  expect(existsSync(join(runDir, 'seg-00001.ts'))).toBe(true);
});

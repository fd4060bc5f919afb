/**
 * Fault: a crash on a still screen, where the damage grabber writes no frame for as long as nothing
 * changes (no heartbeat: src/adapters/damageGrabArgs.ts). The newest frame FFmpeg holds is then
 * seconds old when it dies; the grabber's still marks (src/adapters/stillMarks.ts) say until when
 * it was still on screen, and the open segment is rebuilt from its journal to last until then.
 * One recorder, one still Xvfb, 30 s segments (no segment boundary near a kill, so no boundary
 * frame helps): (1) FFmpeg SIGKILLed after ~5 s of a still screen; (2) in the next capture, the
 * grabber SIGKILLed after ~5 s: the recorder then kills FFmpeg itself rather than let it close
 * the segment at the old frame on EOF. Each killed run's segment must reach to within the crash
 * budget of the kill (without the marks it would end ~4 s before it) and never past it. (3) In the
 * third capture the recorder itself is SIGKILLed: its grabber and FFmpeg record on, orphaned, and
 * the next recorder for the session stops them through the grabber, whose last frame on that tick
 * makes the finalized segment last past the recorder's death up to the stop (SIGINT to FFmpeg
 * would end it at the grabber's last frame, seconds before the recorder died).
 */
import { mkdtemp, readFile, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCli } from '../helpers/cli';
import { startS3Server, type TestS3Server } from '../helpers/s3Server';
import { startXvfb, type Xvfb } from '../helpers/xvfb';
import { openX11Pointer, type X11Pointer } from '../helpers/warpPointer';
import { BUCKET, checkBucket, cleanUp, logLines, pathsFor, prefixOf, report, sleep, startRecorder, waitForLog, type LogLine } from './faultKit';

jest.setTimeout(180_000);

let x: Xvfb;
let s3: TestS3Server;
let holder: X11Pointer;
let root: string;

beforeAll(async () => {
  [x, s3] = await Promise.all([startXvfb({ width: 640, height: 480, scene: false }), startS3Server({ bucket: BUCKET })]);
  holder = await openX11Pointer(x.display); // keeps the server from resetting between clients
  await holder.warp(639, 479);
  root = await mkdtemp(join(tmpdir(), 'fault-still-'));
});
afterAll(async () => {
  holder?.close();
  await Promise.all([x?.stop(), s3?.stop()]);
  if (root) await rm(root, { recursive: true, force: true });
});

/** The crash budget: at most 1 s lost. The marks are written every tick (200 ms at 5 fps). */
const BUDGET_MS = 1_000;

async function newestRun(spool: string, sessionId: string): Promise<{ runId: string; pid: number; grabberPid: number }> {
  const runs = (await readdir(join(spool, sessionId))).filter((n) => n.startsWith('run-')).sort();
  const runId = runs[runs.length - 1]!;
  const info = JSON.parse(await readFile(join(spool, sessionId, runId, 'run.json'), 'utf8')) as { pid: number; grabberPid: number };
  return { runId, pid: info.pid, grabberPid: info.grabberPid };
}

const capturing = (runId: string | null) => (l: LogLine): boolean => l.msg === 'ffmpeg.capturing' && (runId === null || String(l['runId']) !== runId);

test('killed on a still screen (FFmpeg, the grabber, the recorder): each killed segment lasts until the kill (the orphans\' until they were stopped)', async () => {
  const work = join(root, 'still');
  const session = { id: 'still-kill-1', stack: 'stack', fleet: 'fleet', user: 'sam' };
  const env = { ...process.env, ...s3.env };
  const recorder = startRecorder({ work, session, display: x.display, endpoint: s3.endpoint, segmentSeconds: 30 }, env);
  const { spoolDir, sentinel } = pathsFor(work, session.id);
  let restarted: ReturnType<typeof startRecorder> | undefined;
  try {
    await waitForLog(recorder, 'the first capture', capturing(null), 30_000);
    await sleep(5_000); // a still screen: the grabber writes no frame, only its marks
    const first = await newestRun(spoolDir, session.id);
    const ffmpegKilledAt = Date.now();
    process.kill(first.pid, 'SIGKILL');

    await waitForLog(recorder, 'the second capture', capturing(first.runId), 30_000);
    await sleep(5_000);
    const second = await newestRun(spoolDir, session.id);
    expect(second.runId).not.toBe(first.runId);
    const grabberKilledAt = Date.now();
    process.kill(second.grabberPid, 'SIGKILL');

    await waitForLog(recorder, 'the third capture', capturing(second.runId), 30_000);
    await sleep(5_000);
    // (3) The recorder itself: its grabber and FFmpeg record on, orphaned, until the next recorder
    // for the session stops them.
    const third = await newestRun(spoolDir, session.id);
    const recorderKilledAt = Date.now();
    recorder.child.kill('SIGKILL');
    expect((await recorder.done).signal).toBe('SIGKILL');
    await sleep(3_000);
    restarted = startRecorder({ work, session, display: x.display, endpoint: s3.endpoint, segmentSeconds: 30 }, env);
    const orphanStop = await waitForLog(restarted, 'the orphan stopped through its grabber', (l) => /stopping its grabber/.test(l.msg) && l['runId'] === third.runId, 30_000);
    await waitForLog(restarted, 'a capture of the new recorder', capturing(null), 30_000);
    const end = await runCli(['end', '--sentinel', sentinel, '--timeout', '55'], { env }).done;
    const result = await restarted.done;
    expect({ code: result.code, tail: result.code === 0 ? '' : result.stderr.slice(-3000) }).toEqual({ code: 0, tail: '' });
    expect(end.code).toBe(0);
    const logs = [...logLines(recorder.stderr()), ...logLines(result.stderr)];
    // The grabber's death is the second run's cause, and the recorder killed its FFmpeg (no EOF).
    expect(logs.filter((l) => l.msg === 'ffmpeg.exited' && l['runId'] === second.runId).map((l) => l['signal'])).toEqual(['SIGKILL']);

    const bucket = await checkBucket(s3, work, prefixOf(session)); // every segment decodes cleanly
    expect(bucket.manifest.runs?.find((r) => r.runId === second.runId)?.end.cause).toBe('grabber-exited');
    const killed = [{ run: first, killedAt: ffmpegKilledAt, what: 'ffmpeg' }, { run: second, killedAt: grabberKilledAt, what: 'grabber' }];
    const figures: Record<string, number> = {};
    for (const { run, killedAt, what } of killed) {
      const entries = bucket.manifest.entries.filter((e) => e.runId === run.runId);
      expect({ what, segments: entries.length, complete: entries[0]?.complete }).toEqual({ what, segments: 1, complete: false });
      const endMs = Date.parse(entries[0]!.end);
      const lostMs = killedAt - endMs;
      figures[`${what}LostMs`] = lostMs;
      // Never past the kill (the marks claim only ticks the grabber checked); at most the budget
      // short of it (a loaded machine may start a tick late: the budget is five ticks).
      expect({ what, lostMs, withinBudget: lostMs <= BUDGET_MS, notPastKill: lostMs >= -100 }).toEqual({ what, lostMs, withinBudget: true, notPastKill: true });
    }
    // The orphans watched on after the recorder died: the segment FFmpeg finalized when the grabber
    // was stopped lasts past the recorder's death, to the stop (its last frame on that tick).
    const orphaned = bucket.manifest.entries.filter((e) => e.runId === third.runId);
    expect({ segments: orphaned.length, complete: orphaned[0]?.complete }).toEqual({ segments: 1, complete: true });
    const orphanEndMs = Date.parse(orphaned[0]!.end);
    figures['orphanPastRecorderDeathMs'] = orphanEndMs - recorderKilledAt;
    expect({ pastRecorderDeath: orphanEndMs > recorderKilledAt + 2_000, notPastStop: orphanEndMs <= Date.parse(orphanStop.time) + 1_000 })
      .toEqual({ pastRecorderDeath: true, notPastStop: true });
    const rebuilt = logs.filter((l) => l.msg === 'open segment of an ended run rebuilt from its journal').map((l) => String(l['runId']));
    expect(rebuilt.sort()).toEqual([first.runId, second.runId].sort());
    report('still-screen-kills', figures);
  } finally {
    await cleanUp(restarted ?? recorder, spoolDir);
  }
});

/**
 * Fault: FFmpeg killed inside a segment that continues the one before it (a still screen, where
 * segments share a keyframe: ffmpegArgs.ts `keyframeSharing`). Its journal then starts with a
 * P-frame: the rebuild must keep those frames (a stream copy drops frames before the first
 * keyframe) and must find the parameter sets (the journal repeats them: segmentJournal.ts), and the
 * rebuilt segment must say it continues the one before and decode after it. 5 s segments at 5 fps:
 * a still segment holds ~6 frames, so segments 1 to 3 all continue segment 0 (a keyframe returns
 * once 25 frames were encoded), and a kill after segment 1 closed lands in one of them.
 */
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCli, waitUntil } from '../helpers/cli';
import { startS3Server, type TestS3Server } from '../helpers/s3Server';
import { startXvfb, type Xvfb } from '../helpers/xvfb';
import type { VerifyReport } from '../../src/verify/report';
import { BUCKET, checkBucket, cleanUp, closedSegments, logLines, pathsFor, prefixOf, startRecorder, waitForLog } from './faultKit';

jest.setTimeout(180_000);

let x: Xvfb;
let s3: TestS3Server;
let root: string;

beforeAll(async () => {
  [x, s3] = await Promise.all([startXvfb({ width: 640, height: 480, scene: false }), startS3Server({ bucket: BUCKET })]);
  root = await mkdtemp(join(tmpdir(), 'fault-shared-kf-'));
});
afterAll(async () => {
  await Promise.all([x?.stop(), s3?.stop()]);
  if (root) await rm(root, { recursive: true, force: true });
});

test('FFmpeg killed in a segment that continues the one before: rebuilt from its journal, flagged, and it decodes after its chain', async () => {
  const work = join(root, 'kill');
  const session = { id: 'shared-kf-kill', stack: 'stack', fleet: 'fleet', user: 'kim' };
  const env = { ...process.env, ...s3.env };
  const recorder = startRecorder({ work, session, display: x.display, endpoint: s3.endpoint, segmentSeconds: 5 }, env);
  const { spoolDir, sentinel } = pathsFor(work, session.id);
  try {
    const first = await waitForLog(recorder, 'the first capture', (l) => l.msg === 'ffmpeg.capturing', 30_000);
    const runId = String(first['runId']);
    await waitUntil('segment 1 closed', () => (closedSegments(logLines(recorder.stderr())).has(`${runId}/1`) ? true : undefined), 60_000);
    const info = JSON.parse(await readFile(join(spoolDir, session.id, runId, 'run.json'), 'utf8')) as { pid: number };
    process.kill(info.pid, 'SIGKILL');
    await waitForLog(recorder, 'the next capture', (l) => l.msg === 'ffmpeg.capturing' && String(l['runId']) !== runId, 30_000);

    const end = await runCli(['end', '--sentinel', sentinel, '--timeout', '55'], { env }).done;
    const result = await recorder.done;
    expect({ code: result.code, tail: result.code === 0 ? '' : result.stderr.slice(-3000) }).toEqual({ code: 0, tail: '' });
    expect(end.code).toBe(0);
    const logs = logLines(result.stderr);
    expect(logs.filter((l) => l.msg === 'open segment of an ended run rebuilt from its journal').map((l) => String(l['runId']))).toEqual([runId]);

    // Every segment decodes, the continuing ones after their chain (checkBucket), the rebuilt one too.
    const bucket = await checkBucket(s3, work, prefixOf(session));
    const killedRun = bucket.manifest.entries.filter((e) => e.runId === runId).sort((a, b) => a.index - b.index);
    const rebuilt = killedRun.at(-1)!;
    expect({ index: rebuilt.index >= 2, complete: rebuilt.complete, continues: rebuilt.continuesPrevious }).toEqual({ index: true, complete: false, continues: true });
    expect(rebuilt.durationSeconds).toBeGreaterThan(0);
    expect(killedRun[0]!.continuesPrevious).toBeUndefined();
    // The next run starts with its own keyframe.
    const next = bucket.manifest.entries.find((e) => e.runId !== runId && e.index === 0);
    expect(next?.continuesPrevious).toBeUndefined();

    const verified = await runCli(['verify', `s3://${BUCKET}/faults/${prefixOf(session)}`, '--endpoint', s3.endpoint, '--region', 'us-east-1', '--json'], { env }).done;
    const report = JSON.parse(verified.stdout) as VerifyReport;
    expect(report.problems.filter((p) => p.code !== 'gap' && p.code !== 'low-coverage')).toEqual([]);
  } finally {
    await cleanUp(recorder, spoolDir);
  }
});

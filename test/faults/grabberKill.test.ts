/**
 * Fault: the damage grabber (the default X11 capture) dies under FFmpeg, and the grabber is
 * missing. (1) SIGKILL of the grabber mid-segment: the recorder kills its FFmpeg too (the open
 * segment is rebuilt from its journal and the grabber's still marks: test/faults/stillKill.test.ts
 * shows how far it reaches); that is a lost capture whose cause is the grabber (`grabber-exited` in
 * the manifest's runs and in end.json's gap), a new capture (grabber and FFmpeg) starts, and every
 * segment is in the bucket.
 * (2) A grabber that is not there: the recorder records with x11grab and says why once.
 */
import { readFile, readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { runCli } from '../helpers/cli';
import type { TestS3Server } from '../helpers/s3Server';
import type { Xvfb } from '../helpers/xvfb';
import { isAlive } from '../../src/adapters/processTree';
import { startFaultRig, stopFaultRig, checkBucket, cleanUp, closedSegments, logLines, pathsFor, prefixOf, report, sleep, startRecorder, waitForLog } from './faultKit';

jest.setTimeout(180_000);

let x: Xvfb;
let s3: TestS3Server;
let root: string;

beforeAll(async () => {
  ({ x, s3, work: root } = await startFaultRig('fault-grabber-'));
});
afterAll(() => stopFaultRig({ x, s3, work: root }));

test('grabber SIGKILL mid-segment: a lost capture with the grabber as its cause, restarted, nothing lost from the bucket', async () => {
  const work = join(root, 'sigkill');
  const session = { id: 'grabber-kill-1', stack: 'stack', fleet: 'fleet', user: 'gina' };
  const env = { ...process.env, ...s3.env };
  const recorder = startRecorder({ work, session, display: x.display, endpoint: s3.endpoint, segmentSeconds: 3 }, env);
  const { spoolDir, sentinel } = pathsFor(work, session.id);
  try {
    await waitForLog(recorder, 'a closed segment', (l) => l.msg === 'segment.closed', 30_000);
    const runs = (await readdir(join(spoolDir, session.id))).filter((n) => n.startsWith('run-')).sort();
    const runId = runs[runs.length - 1]!;
    const info = JSON.parse(await readFile(join(spoolDir, session.id, runId, 'run.json'), 'utf8')) as { pid: number; grabberPid: number; grabberCommand: string[] };
    expect(info.grabberCommand[0]).toMatch(/damage-grab$/);
    const killAt = Date.now();
    process.kill(info.grabberPid, 'SIGKILL');

    const restarted = await waitForLog(recorder, 'a new capture', (l) => l.msg === 'ffmpeg.started' && String(l['runId']) !== runId, 30_000);
    await sleep(5_000); // a segment or two of the new capture
    // FFmpeg of the killed grabber is gone too (the recorder killed it).
    expect(isAlive(info.pid)).toBe(false);
    const end = await runCli(['end', '--sentinel', sentinel, '--timeout', '55'], { env }).done;
    const result = await recorder.done;
    expect({ code: result.code, tail: result.code === 0 ? '' : result.stderr.slice(-3000) }).toEqual({ code: 0, tail: '' });
    expect(end.code).toBe(0);
    const logs = logLines(result.stderr);
    const told = logs.filter((l) => l.msg === 'damage grabber ended before ffmpeg' && l['runId'] === runId);
    expect(told.map((l) => String(l['grabber']))).toEqual([expect.stringMatching(/^damage-grab ended first \(signal SIGKILL\)/)]);

    const bucket = await checkBucket(s3, work, prefixOf(session));
    expect(bucket.runs).toBe(2);
    const killedRun = (bucket.manifest.runs ?? []).find((r) => r.runId === runId);
    expect(killedRun?.end.cause).toBe('grabber-exited');
    // end.json counts the interruption with its cause; the hole it left (often less than a frame
    // period here: the grabber's first frame comes at once after the restart) is named by it when
    // there is one, and never explained away.
    expect(bucket.end.coverage?.interruptions).toEqual({ 'grabber-exited': 1 });
    const gap = bucket.end.coverage?.gaps.find((g) => g.causes.includes('grabber-exited'));
    if (gap !== undefined) expect(gap).toMatchObject({ kind: 'between', explained: false });
    const recorded = closedSegments(logs);
    expect([...bucket.entries].sort()).toEqual([...recorded].sort());
    report('grabber-sigkill-mid-segment', {
      killToNewCaptureMs: Number(String(restarted['runId']).slice(4)) - killAt,
      gapSeconds: gap?.seconds ?? 0, restartGapSeconds: bucket.maxGapSeconds, coverage: bucket.end.coverage?.ratio,
    });
  } finally {
    await cleanUp(recorder, spoolDir);
  }
});

test('no damage grabber: records with x11grab and says why once', async () => {
  const work = join(root, 'missing');
  const session = { id: 'grabber-missing-1', stack: 'stack', fleet: 'fleet', user: 'hal' };
  const env = { ...process.env, ...s3.env };
  const recorder = startRecorder({
    work, session, display: x.display, endpoint: s3.endpoint, extra: ['--damage-grabber-path', join(work, 'no-such-grabber')],
  }, env);
  const { spoolDir, sentinel } = pathsFor(work, session.id);
  try {
    await waitForLog(recorder, 'a durable segment', (l) => l.msg === 'segment durable', 40_000);
    const runDirs = (await readdir(join(spoolDir, session.id))).filter((n) => n.startsWith('run-'));
    expect(runDirs.length).toBeGreaterThanOrEqual(1);
    for (const r of runDirs) {
      const info = JSON.parse(await readFile(join(spoolDir, session.id, r, 'run.json'), 'utf8')) as { command: string[]; grabberCommand?: string[] };
      expect({ x11grab: info.command.includes('x11grab'), grabber: info.grabberCommand }).toEqual({ x11grab: true, grabber: undefined });
    }
    const end = await runCli(['end', '--sentinel', sentinel, '--timeout', '55'], { env }).done;
    const result = await recorder.done;
    expect({ code: result.code, end: end.code }).toEqual({ code: 0, end: 0 });
    const logs = logLines(result.stderr);
    const said = logs.filter((l) => /capture: recording with FFmpeg x11grab instead of the damage grabber/.test(l.msg));
    expect(said).toHaveLength(1);
    expect(said[0]!.msg).toMatch(/no-such-grabber missing[\s\S]*install-deps/);
    const bucket = await checkBucket(s3, work, prefixOf(session));
    expect(bucket.segments).toBeGreaterThanOrEqual(1);
  } finally {
    await cleanUp(recorder, spoolDir);
  }
});

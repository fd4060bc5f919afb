/**
 * Fault: the recorder itself is SIGKILLed mid-session (OOM killer, an admin), for two sessions
 * sharing one spool root. Their FFmpeg keeps recording, orphaned. The next recorder started for
 * session B (the hook starting it again) stops B's orphan so its last segment is finalized,
 * uploads B's leftovers, continues B's manifest chain and records on; in the background it also
 * finishes session A, whose recorder nobody restarts (orphan stopped, leftovers uploaded, end.json
 * marked as recovered). Both manifests end complete.
 */
import { existsSync } from 'node:fs';
import { readFile, readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { segmentListPath } from '../../src/adapters/spoolRun';
import { runCli, waitUntil } from '../helpers/cli';
import type { TestS3Server } from '../helpers/s3Server';
import type { Xvfb } from '../helpers/xvfb';
import { isAlive } from '../../src/adapters/processTree';
import { startFaultRig, stopFaultRig, checkBucket, cleanUp, closedSegments, logLines, pathsFor, prefixOf, report, sleep, startRecorder, waitForLog } from './faultKit';

jest.setTimeout(200_000);

const A = { id: 'rk-a', stack: 'stack', fleet: 'fleet', user: 'frank' };
const B = { id: 'rk-b', stack: 'stack', fleet: 'fleet', user: 'grace' };

let x: Xvfb;
let s3: TestS3Server;
let work: string;

beforeAll(async () => {
  ({ x, s3, work } = await startFaultRig('fault-recorder-kill-'));
});
afterAll(() => stopFaultRig({ x, s3, work }));

/** Segments listed so far by every capture run of a session (the lines of their segment lists). */
async function listedSegments(sessionDir: string): Promise<number> {
  let lines = 0;
  for (const run of (await readdir(sessionDir).catch(() => [] as string[])).filter((n) => n.startsWith('run-'))) {
    const list = await readFile(segmentListPath(sessionDir, run), 'utf8').catch(() => '');
    lines += list.split('\n').filter((l) => l.trim() !== '').length;
  }
  return lines;
}

async function ffmpegPids(sessionDir: string): Promise<number[]> {
  const pids: number[] = [];
  for (const run of (await readdir(sessionDir).catch(() => [] as string[])).filter((n) => n.startsWith('run-'))) {
    const info = JSON.parse(await readFile(join(sessionDir, run, 'run.json'), 'utf8')) as { pid: number | null };
    if (info.pid !== null) pids.push(info.pid);
  }
  return pids;
}

test('recorder SIGKILL mid-session: the next run uploads the leftovers (its own session and another dead one), manifests complete', async () => {
  const env = { ...process.env, ...s3.env };
  const { spoolDir } = pathsFor(work, A.id);
  const a1 = startRecorder({ work, session: A, display: x.display, endpoint: s3.endpoint }, env);
  const b1 = startRecorder({ work, session: B, display: x.display, endpoint: s3.endpoint }, env);
  let b2;
  try {
    await Promise.all([
      waitForLog(a1, 'A: a durable segment', (l) => l.msg === 'segment durable', 30_000),
      waitForLog(b1, 'B: a durable segment', (l) => l.msg === 'segment durable', 30_000),
    ]);
    await sleep(3_000);
    const orphansA = await ffmpegPids(join(spoolDir, A.id));
    const orphansB = await ffmpegPids(join(spoolDir, B.id));
    a1.child.kill('SIGKILL');
    b1.child.kill('SIGKILL');
    const [a1Done, b1Done] = await Promise.all([a1.done, b1.done]);
    expect([a1Done.signal, b1Done.signal]).toEqual(['SIGKILL', 'SIGKILL']);
    // FFmpeg ignores the end of its stdin and runs in its own process group: still recording,
    // which shows as a segment it lists after its recorder died.
    const listedAtKill = await Promise.all([A, B].map((s) => listedSegments(join(spoolDir, s.id))));
    await waitUntil('both orphaned FFmpeg processes to list a new segment', async () => {
      const now = await Promise.all([A, B].map((s) => listedSegments(join(spoolDir, s.id))));
      return now.every((n, i) => n > listedAtKill[i]!) ? true : undefined;
    }, 30_000, 250);
    expect([...orphansA, ...orphansB].map((pid) => isAlive(pid))).toEqual([true, true]);

    // The hook starts session B's recorder again; nobody restarts A's.
    const restartAt = Date.now();
    b2 = startRecorder({ work, session: B, display: x.display, endpoint: s3.endpoint }, env);
    const started = await waitForLog(b2, 'B: capture again', (l) => l.msg === 'ffmpeg.started', 30_000);
    const recoveredA = await waitForLog(b2, 'A recovered in the background', (l) => l.msg === 'session recovered: everything is durable' && l['session'] === A.id, 60_000);
    await sleep(4_000);
    const end = await runCli(['end', '--sentinel', pathsFor(work, B.id).sentinel, '--timeout', '55'], { env }).done;
    const b2Done = await b2.done;
    expect({ code: b2Done.code, tail: b2Done.code === 0 ? '' : b2Done.stderr.slice(-3000) }).toEqual({ code: 0, tail: '' });
    expect(end.code).toBe(0);
    const b2Logs = logLines(b2Done.stderr);
    expect([...orphansA, ...orphansB].map((pid) => isAlive(pid))).toEqual([false, false]);
    expect(b2Logs.filter((l) => l.msg.startsWith('FFmpeg of a dead recorder still records into the spool'))).toHaveLength(2);
    expect(existsSync(join(spoolDir, A.id))).toBe(false);
    expect(existsSync(join(spoolDir, B.id))).toBe(false);

    const bucketA = await checkBucket(s3, join(work, 'a'), prefixOf(A));
    const bucketB = await checkBucket(s3, join(work, 'b'), prefixOf(B));
    expect(bucketA.end.reason).toMatch(/^recovered: recorder pid \d+ .* died without closing the session/);
    expect(bucketB.end.reason).toMatch(/^sentinel /);
    // The coverage evidence survives a dead recorder: the run it left capturing is recorded as recorder-lost.
    expect(bucketA.end.coverage?.interruptions).toEqual({ 'recorder-lost': 1 });
    expect(bucketB.end.coverage?.interruptions).toEqual({ 'recorder-lost': 1 });
    expect(bucketB.metadataObjects).toBe(2);
    expect(bucketB.runs).toBe(2);
    const recordedA = new Set([...closedSegments(logLines(a1Done.stderr)), ...closedSegments(b2Logs, A.id)]);
    const recordedB = new Set([...closedSegments(logLines(b1Done.stderr)), ...closedSegments(b2Logs, B.id)]);
    expect([...bucketA.entries].sort()).toEqual([...recordedA].sort());
    expect([...bucketB.entries].sort()).toEqual([...recordedB].sort());
    report('recorder-sigkill', {
      sessionA: { segmentsInBucket: bucketA.segments, lost: recordedA.size - bucketA.segments, recoveredInBackgroundAfterMs: Date.parse(recoveredA.time) - restartAt, endReason: bucketA.end.reason },
      sessionB: { segmentsInBucket: bucketB.segments, lost: recordedB.size - bucketB.segments, runs: bucketB.runs, metadataObjects: bucketB.metadataObjects, restartToCaptureMs: Date.parse(started.time) - restartAt, gapAcrossRecorderRestartSeconds: bucketB.maxGapSeconds },
      orphanedFfmpegStopped: 2,
    });
  } finally {
    await cleanUp(a1, spoolDir);
    await cleanUp(b1, spoolDir);
    await cleanUp(b2, spoolDir);
  }
});

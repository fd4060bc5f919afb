/**
 * Fault: FFmpeg dies under the recorder. (1) SIGKILL in the middle of a segment: a new capture
 * starts, and the killed run's unfinished (partial) segment is uploaded and decodes. (2) A crash
 * loop (an FFmpeg that fails at once, three times): restarts back off (0, then at least 1 s, 2 s),
 * each exit is logged with FFmpeg's error lines, and recording goes on once FFmpeg works again.
 * (3) FFmpeg exiting 0 by itself (what a shrinking X screen causes): restarted too. All end with
 * the bucket compared against what was recorded. That a lost capture restarts without waiting is
 * the statechart's logic, proven with a simulated clock in test/machines/recorderMachine.test.ts;
 * how long a restart takes here is printed (report) and measured by npm run bench, not asserted.
 */
import { chmod, readFile, readdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { runCli, waitUntil } from '../helpers/cli';
import type { TestS3Server } from '../helpers/s3Server';
import type { Xvfb } from '../helpers/xvfb';
import { startFaultRig, stopFaultRig, checkBucket, cleanUp, closedSegments, logLines, pathsFor, prefixOf, report, sleep, startRecorder, waitForLog, type LogLine } from './faultKit';

jest.setTimeout(180_000);

let x: Xvfb;
let s3: TestS3Server;
let root: string;

beforeAll(async () => {
  ({ x, s3, work: root } = await startFaultRig('fault-ffmpeg-'));
});
afterAll(() => stopFaultRig({ x, s3, work: root }));

const startedRuns = (logs: readonly LogLine[]) => logs.filter((l) => l.msg === 'ffmpeg.started').map((l) => ({ runId: String(l['runId']), at: Number(String(l['runId']).slice(4)) }));

test('FFmpeg SIGKILL mid-segment: restarted, the partial segment is uploaded and decodes', async () => {
  const work = join(root, 'sigkill');
  const session = { id: 'ffmpeg-kill-1', stack: 'stack', fleet: 'fleet', user: 'dave' };
  const env = { ...process.env, ...s3.env };
  const recorder = startRecorder({ work, session, display: x.display, endpoint: s3.endpoint, segmentSeconds: 3 }, env);
  const { spoolDir, sentinel } = pathsFor(work, session.id);
  try {
    await waitUntil('two closed segments', () => (logLines(recorder.stderr()).filter((l) => l.msg === 'segment.closed').length >= 2 ? true : undefined), 30_000);
    await sleep(1_500); // half-way into the next 3 s segment
    const runs = (await readdir(join(spoolDir, session.id))).filter((n) => n.startsWith('run-')).sort();
    const runId = runs[runs.length - 1]!;
    const info = JSON.parse(await readFile(join(spoolDir, session.id, runId, 'run.json'), 'utf8')) as { pid: number };
    const killAt = Date.now();
    process.kill(info.pid, 'SIGKILL');

    const restarted = await waitForLog(recorder, 'a new capture', (l) => l.msg === 'ffmpeg.started' && String(l['runId']) !== runId, 30_000);
    const restartMs = Number(String(restarted['runId']).slice(4)) - killAt;
    await sleep(7_000);
    const end = await runCli(['end', '--sentinel', sentinel, '--timeout', '55'], { env }).done;
    const result = await recorder.done;
    expect({ code: result.code, tail: result.code === 0 ? '' : result.stderr.slice(-3000) }).toEqual({ code: 0, tail: '' });
    expect(end.code).toBe(0);
    const logs = logLines(result.stderr);
    expect(logs.some((l) => l.msg === 'ffmpeg.exited' && l['runId'] === runId && l['signal'] === 'SIGKILL')).toBe(true);

    const bucket = await checkBucket(s3, work, prefixOf(session)); // every segment decodes cleanly, the partial one included
    const partial = bucket.manifest.entries.filter((e) => !e.complete);
    expect(partial.map((e) => e.runId)).toEqual([runId]);
    expect(partial[0]!.durationSeconds).toBeGreaterThan(0.5);
    expect(bucket.runs).toBe(2);
    const recorded = closedSegments(logs);
    expect([...bucket.entries].sort()).toEqual([...recorded].sort());
    report('ffmpeg-sigkill-mid-segment', {
      killToNewCaptureMs: restartMs,
      partialSegmentSeconds: partial[0]!.durationSeconds,
      partialSegmentBytes: partial[0]!.bytes,
      restartGapSeconds: bucket.maxGapSeconds,
      segmentsRecorded: recorded.size,
      segmentsInBucket: bucket.segments,
      lost: recorded.size - bucket.segments,
    });
  } finally {
    await cleanUp(recorder, spoolDir);
  }
});

test('a crash loop backs off (0, 1 s, 2 s), logs FFmpeg\'s error lines, and recording resumes once FFmpeg works', async () => {
  const work = join(root, 'loop');
  const session = { id: 'ffmpeg-loop-1', stack: 'stack', fleet: 'fleet', user: 'erin' };
  const counter = join(root, 'loop-count');
  const wrapper = join(root, 'flaky-ffmpeg.sh');
  // Answers -version (the start check) like FFmpeg, fails its first 3 captures like an FFmpeg
  // that cannot open its input, then is the real FFmpeg.
  await writeFile(
    wrapper,
    [
      '#!/bin/sh',
      'for a in "$@"; do [ "$a" = "-version" ] && exec ffmpeg "$@"; done',
      `n=$(cat '${counter}' 2>/dev/null || echo 0); echo $((n + 1)) > '${counter}'`,
      'if [ "$n" -lt 3 ]; then',
      '  echo "[x11grab @ 0x55d0c0de] Cannot open display :99 (simulated crash $n), error 1." >&2',
      '  echo ":99+0,0: Input/output error" >&2',
      '  exit 1',
      'fi',
      'exec ffmpeg "$@"',
      '',
    ].join('\n'),
  );
  await chmod(wrapper, 0o755);
  const env = { ...process.env, ...s3.env };
  const recorder = startRecorder({ work, session, display: x.display, endpoint: s3.endpoint, extra: ['--ffmpeg-path', wrapper] }, env);
  const { spoolDir, sentinel } = pathsFor(work, session.id);
  try {
    await waitForLog(recorder, 'a first durable segment', (l) => l.msg === 'segment durable', 40_000);
    await sleep(4_000);
    const end = await runCli(['end', '--sentinel', sentinel, '--timeout', '55'], { env }).done;
    const result = await recorder.done;
    expect({ code: result.code, tail: result.code === 0 ? '' : result.stderr.slice(-3000) }).toEqual({ code: 0, tail: '' });
    expect(end.code).toBe(0);

    const logs = logLines(result.stderr);
    const starts = startedRuns(logs);
    expect(starts.length).toBe(4);
    const delays = starts.slice(1).map((s, i) => s.at - starts[i]!.at);
    // Crash 1 restarts at once (proven with a simulated clock in the machine tests), then the
    // backoff doubles from 1 s (start-up time on top): these lower bounds hold however busy.
    expect(delays[1]!).toBeGreaterThanOrEqual(1_000);
    expect(delays[2]!).toBeGreaterThanOrEqual(2_000);
    expect(delays[2]!).toBeGreaterThan(delays[1]!);
    const crashes = logs.filter((l) => l.msg === 'ffmpeg exited' && l.level === 40);
    expect(crashes).toHaveLength(3);
    for (const c of crashes) expect(String(c['error'])).toMatch(/Cannot open display :99 \(simulated crash \d\)[\s\S]*Input\/output error/);

    const bucket = await checkBucket(s3, work, prefixOf(session));
    const recorded = closedSegments(logs);
    expect([...bucket.entries].sort()).toEqual([...recorded].sort());
    expect(bucket.segments).toBeGreaterThanOrEqual(2);
    report('ffmpeg-crash-loop', {
      restartDelaysMs: delays,
      crashLinesLogged: crashes.length,
      sampleError: String(crashes[0]?.['error'] ?? ''),
      segmentsRecorded: recorded.size,
      segmentsInBucket: bucket.segments,
      lost: recorded.size - bucket.segments,
    });
  } finally {
    await cleanUp(recorder, spoolDir);
  }
});

test('FFmpeg exiting 0 on its own (as after a shrinking screen) is restarted, nothing lost', async () => {
  const work = join(root, 'exit0');
  const session = { id: 'ffmpeg-exit0-1', stack: 'stack', fleet: 'fleet', user: 'fay' };
  const counter = join(root, 'exit0-count');
  const wrapper = join(root, 'quitting-ffmpeg.sh');
  // The first capture is told "q" after 4 s by the wrapper itself (not by the recorder): FFmpeg
  // finalizes its segment and exits 0, unasked as far as the recorder knows.
  await writeFile(
    wrapper,
    [
      '#!/bin/sh',
      'for a in "$@"; do [ "$a" = "-version" ] && exec ffmpeg "$@"; done',
      `n=$(cat '${counter}' 2>/dev/null || echo 0); echo $((n + 1)) > '${counter}'`,
      'if [ "$n" -eq 0 ]; then (sleep 4; printf q) | ffmpeg "$@"; exit $?; fi',
      'exec ffmpeg "$@"',
      '',
    ].join('\n'),
  );
  await chmod(wrapper, 0o755);
  const env = { ...process.env, ...s3.env };
  // x11grab: the subject is FFmpeg's own exit 0 when its X grab fails (a shrunk screen), and `q`
  // reaches FFmpeg only without a pipe: input (the damage grabber's end is test/faults/grabberKill).
  const recorder = startRecorder({ work, session, display: x.display, endpoint: s3.endpoint, extra: ['--ffmpeg-path', wrapper, '--screen-grabber', 'x11grab'] }, env);
  const { spoolDir, sentinel } = pathsFor(work, session.id);
  try {
    const exited = await waitForLog(recorder, 'FFmpeg to exit 0', (l) => l.msg === 'ffmpeg.exited' && l['code'] === 0, 30_000);
    const restarted = await waitForLog(recorder, 'a new capture', (l) => l.msg === 'ffmpeg.started' && l['runId'] !== exited['runId'], 30_000);
    const restartMs = Number(String(restarted['runId']).slice(4)) - Date.parse(exited.time);
    await sleep(5_000);
    const end = await runCli(['end', '--sentinel', sentinel, '--timeout', '55'], { env }).done;
    const result = await recorder.done;
    expect({ code: result.code, tail: result.code === 0 ? '' : result.stderr.slice(-3000) }).toEqual({ code: 0, tail: '' });
    expect(end.code).toBe(0);
    const logs = logLines(result.stderr);
    const bucket = await checkBucket(s3, work, prefixOf(session));
    const recorded = closedSegments(logs);
    expect([...bucket.entries].sort()).toEqual([...recorded].sort());
    expect(bucket.runs).toBe(2);
    report('ffmpeg-exit-0-unasked', {
      exitToNewCaptureMs: restartMs,
      restartGapSeconds: bucket.maxGapSeconds,
      segmentsRecorded: recorded.size,
      segmentsInBucket: bucket.segments,
      lost: recorded.size - bucket.segments,
    });
  } finally {
    await cleanUp(recorder, spoolDir);
  }
});

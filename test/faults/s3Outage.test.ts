/**
 * Fault: the S3 store is unreachable for 20 s in the middle of a session (the listener is closed:
 * connection refused). Uploads never give up; the warning is rate-limited; once the store is back
 * every segment lands, with the manifest complete. Real FFmpeg on Xvfb, real s3rver, the built CLI.
 */
import { existsSync } from 'node:fs';
import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { runCli } from '../helpers/cli';
import type { TestS3Server } from '../helpers/s3Server';
import type { Xvfb } from '../helpers/xvfb';
import { startFaultRig, stopFaultRig, checkBucket, cleanUp, closedSegments, countLog, logLines, pathsFor, prefixOf, report, sleep, startRecorder, waitForLog } from './faultKit';

jest.setTimeout(180_000);

const OUTAGE_MS = 20_000;
const session = { id: 'outage-1', stack: 'stack', fleet: 'fleet', user: 'alice' };

let x: Xvfb;
let s3: TestS3Server;
let work: string;

beforeAll(async () => {
  ({ x, s3, work } = await startFaultRig('fault-outage-'));
});
afterAll(() => stopFaultRig({ x, s3, work }));

test('S3 unreachable for 20 s mid-session: uploads never give up, all segments land after it returns, 0 lost', async () => {
  const env = { ...process.env, ...s3.env };
  const recorder = startRecorder({ work, session, display: x.display, endpoint: s3.endpoint }, env);
  const { spoolDir, sentinel } = pathsFor(work, session.id);
  try {
    await waitForLog(recorder, 'a first durable segment', (l) => l.msg === 'segment durable', 30_000);

    await s3.down();
    const downAt = Date.now();
    await sleep(OUTAGE_MS);
    const spooledDuringOutage = (await readdir(join(spoolDir, session.id), { recursive: true })).map(String).filter((n) => n.endsWith('.mp4')).length;
    const failuresDuringOutage = countLog(recorder, (l) => l.msg === 'upload.failed');
    await s3.up();
    const upAt = Date.now();

    // Not helped by the drain: the uploader's own backoff (capped at 30 s) finds the store again.
    const back = await waitForLog(recorder, 'uploads to succeed again', (l) => l.msg === 'uploads succeed again' && Date.parse(l.time) >= upAt - 1_000, 45_000);
    const recoveredAfterMs = Date.parse(back.time) - upAt;
    await sleep(3_000);

    const end = await runCli(['end', '--sentinel', sentinel, '--timeout', '55'], { env }).done;
    const result = await recorder.done;
    expect({ code: result.code, tail: result.code === 0 ? '' : result.stderr.slice(-3000) }).toEqual({ code: 0, tail: '' });
    expect(end.code).toBe(0);

    const logs = logLines(result.stderr);
    const warnings = logs.filter((l) => l.level === 40 && l.msg.startsWith('upload failed, retrying'));
    const failures = logs.filter((l) => l.msg === 'upload.failed');
    // Rate-limited: one warning line per 30 s while failing, however many attempts (the failing
    // stretch is taken from the log itself, so a slow machine does not change the bound).
    expect(warnings.length).toBeGreaterThanOrEqual(1);
    const failingMs = Date.parse(back.time) - Date.parse(warnings[0]!.time);
    expect(warnings.length).toBeLessThanOrEqual(1 + Math.ceil(failingMs / 30_000));
    expect(failures.length).toBeGreaterThanOrEqual(3);
    expect(spooledDuringOutage).toBeGreaterThanOrEqual(5);

    const bucket = await checkBucket(s3, work, prefixOf(session));
    const recorded = closedSegments(logs);
    expect([...bucket.entries].sort()).toEqual([...recorded].sort());
    expect(existsSync(join(spoolDir, session.id))).toBe(false);
    report('s3-outage-20s', {
      outageSeconds: OUTAGE_MS / 1000,
      segmentsRecorded: recorded.size,
      segmentsInBucket: bucket.segments,
      lost: recorded.size - bucket.segments,
      spooledDuringOutage,
      failedAttemptsDuringOutage: failuresDuringOutage,
      failedAttemptsTotal: failures.length,
      warningLines: warnings.length,
      firstSuccessAfterStoreBackMs: recoveredAfterMs,
      outageStartedAfterMs: downAt - Date.parse(logs[0]?.time ?? new Date().toISOString()),
      videoSeconds: bucket.videoSeconds,
      maxGapSeconds: bucket.maxGapSeconds,
    });
  } finally {
    await s3.up();
    await cleanUp(recorder, spoolDir);
  }
});

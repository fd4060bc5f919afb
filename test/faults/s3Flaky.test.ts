/**
 * Fault: the store answers 503 SlowDown or 500 InternalError to half of all requests (a fault
 * proxy in front of s3rver: in every run of 6 requests the first 3 fail, so some uploads exhaust
 * the SDK's own 3 attempts and the recorder's retry shows in its log), with 150 ms of latency on
 * the others. Every segment lands; retries are visible in the log.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { runCli } from '../helpers/cli';
import { startS3Proxy, type S3Proxy } from '../helpers/s3Proxy';
import type { TestS3Server } from '../helpers/s3Server';
import type { Xvfb } from '../helpers/xvfb';
import { startFaultRig, stopFaultRig, checkBucket, cleanUp, closedSegments, logLines, pathsFor, prefixOf, report, sleep, startRecorder, waitForLog } from './faultKit';

jest.setTimeout(180_000);

const RECORD_MS = 16_000;
const session = { id: 'flaky-1', stack: 'stack', fleet: 'fleet', user: 'bob' };

let x: Xvfb;
let s3: TestS3Server;
let proxy: S3Proxy;
let work: string;

beforeAll(async () => {
  ({ x, s3, work } = await startFaultRig('fault-flaky-'));
  proxy = await startS3Proxy(s3.endpoint);
});
afterAll(async () => {
  await proxy?.stop();
  await stopFaultRig({ x, s3, work });
});

test('S3 answers 503/500 to 50 % of requests: all segments uploaded, retries visible in the log', async () => {
  let n = 0;
  let failed = 0;
  proxy.fault = () => {
    const phase = n++ % 6;
    if (phase < 3) {
      failed += 1;
      return phase === 1 ? { status: 500, code: 'InternalError', message: 'We encountered an internal error. Please try again.' } : { status: 503, code: 'SlowDown', message: 'Please reduce your request rate.' };
    }
    return { delayMs: 150 };
  };
  const env = { ...process.env, ...s3.env };
  const recorder = startRecorder({ work, session, display: x.display, endpoint: proxy.endpoint }, env);
  const { spoolDir, sentinel } = pathsFor(work, session.id);
  try {
    await waitForLog(recorder, 'ffmpeg to start', (l) => l.msg === 'ffmpeg.started', 30_000);
    await sleep(RECORD_MS);
    const end = await runCli(['end', '--sentinel', sentinel, '--timeout', '55'], { env }).done;
    const result = await recorder.done;
    expect({ code: result.code, tail: result.code === 0 ? '' : result.stderr.slice(-3000) }).toEqual({ code: 0, tail: '' });
    expect(end.code).toBe(0);

    const logs = logLines(result.stderr);
    const retries = logs.filter((l) => l.msg === 'upload.failed');
    expect(retries.length).toBeGreaterThanOrEqual(1);
    expect(retries.some((l) => /HTTP 50[03]/.test(String(l['message'])))).toBe(true);
    // The start-up PUT met 503/500/503 (the SDK's 3 attempts): not bad input, recording started anyway.
    expect(logs.some((l) => l.level === 40 && /^the destination does not answer yet/.test(l.msg))).toBe(true);

    proxy.fault = undefined;
    const bucket = await checkBucket(s3, work, prefixOf(session));
    const recorded = closedSegments(logs);
    expect([...bucket.entries].sort()).toEqual([...recorded].sort());
    // Every upload the faults defeated (the SDK's own attempts used up) was retried by the recorder
    // until it landed: each key named in an upload.failed is in the bucket.
    const failedKeys = [...new Set(retries.map((l) => String(l['key'])))].sort();
    const destPrefix = 'faults/'; // startRecorder's destination: s3://faults/faults/
    const inBucket = new Set(await s3.listKeys(`${destPrefix}${prefixOf(session)}`));
    expect(failedKeys.filter((k) => !inBucket.has(`${destPrefix}${k}`))).toEqual([]);
    expect(existsSync(join(spoolDir, session.id))).toBe(false);
    report('s3-503-500-on-50-percent', {
      requestsThroughProxy: n,
      answered5xx: failed,
      segmentsRecorded: recorded.size,
      segmentsInBucket: bucket.segments,
      lost: recorded.size - bucket.segments,
      uploaderRetriesLogged: retries.length,
      keysRetried: failedKeys,
      sampleRetry: String(retries[0]?.['message'] ?? '').slice(0, 160),
      videoSeconds: bucket.videoSeconds,
    });
  } finally {
    proxy.fault = undefined;
    await cleanUp(recorder, spoolDir);
  }
});

/**
 * Fault: the session ends (sentinel) while the store is down. The drain stops at its budget
 * (--drain-timeout), the recorder exits 3 and keeps every unuploaded segment in the spool; the
 * next `recover` (store back) uploads them under the session's own keys, continues its manifest
 * chain, writes end.json marked as recovered, and removes the session's spool dir.
 */
import { existsSync } from 'node:fs';
import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { runCli, waitUntil } from '../helpers/cli';
import type { TestS3Server } from '../helpers/s3Server';
import type { Xvfb } from '../helpers/xvfb';
import { startFaultRig, stopFaultRig, checkBucket, cleanUp, closedSegments, countLog, logLines, pathsFor, prefixOf, report, startRecorder, waitForLog } from './faultKit';

jest.setTimeout(180_000);

const DRAIN_SECONDS = 8;
const session = { id: 'drain-down-1', stack: 'stack', fleet: 'fleet', user: 'carol' };

let x: Xvfb;
let s3: TestS3Server;
let work: string;

beforeAll(async () => {
  ({ x, s3, work } = await startFaultRig('fault-drain-'));
});
afterAll(() => stopFaultRig({ x, s3, work }));

const videosIn = async (dir: string): Promise<string[]> =>
  (await readdir(dir, { recursive: true }).catch(() => [] as string[])).map(String).filter((n) => n.endsWith('.mp4')).sort();

test('sentinel while S3 is down: drain stops at the budget with exit 3, segments kept; the next recover uploads them', async () => {
  const env = { ...process.env, ...s3.env };
  const recorder = startRecorder({ work, session, display: x.display, endpoint: s3.endpoint, drainTimeout: DRAIN_SECONDS }, env);
  const { spoolDir, sentinel } = pathsFor(work, session.id);
  const sessionDir = join(spoolDir, session.id);
  try {
    await waitForLog(recorder, 'a first durable segment', (l) => l.msg === 'segment durable', 30_000);
    await s3.down();
    // Two segments closed while the store is down: they are what the drain cannot upload.
    const closedBefore = countLog(recorder, (l) => l.msg === 'segment.closed');
    await waitUntil('two segments closed while S3 is down', () => (countLog(recorder, (l) => l.msg === 'segment.closed') >= closedBefore + 2 ? true : undefined), 30_000);

    const endAt = Date.now();
    const end = await runCli(['end', '--sentinel', sentinel, '--timeout', '55'], { env }).done;
    const result = await recorder.done;
    const drainSeconds = (Date.now() - endAt) / 1000;
    expect(result.code).toBe(3);
    expect(end.code).toBe(0); // the sentinel is deleted even when something is left
    expect(existsSync(sentinel)).toBe(false);
    // Bounded by --drain-timeout, the product's promise to the session-end hook: with the store down
    // nothing can finish the drain, so only the budget ends it. It used the whole flush budget (the
    // drain minus the 30 % reserve for manifest/end.json: it did not give up early), and it stopped
    // long before the 50 s default budget would have. The upper bound leaves 12 s for process starts
    // and exits on a busy machine; it does not time the recorder, it tells --drain-timeout 8 from 50.
    expect(drainSeconds).toBeGreaterThanOrEqual(DRAIN_SECONDS * 0.7);
    expect(drainSeconds).toBeLessThan(DRAIN_SECONDS + 12);
    expect(result.stdout).toMatch(/left in .*run "session-recorder recover"/);
    const kept = await videosIn(sessionDir);
    expect(kept.length).toBeGreaterThanOrEqual(2);
    const recordLogs = logLines(result.stderr);

    // The next recover, store back: uploads what was kept.
    await s3.up();
    const recover = await runCli(['recover', '--spool-dir', spoolDir, '--drain-timeout', '30'], { env, cwd: work }).done;
    expect({ code: recover.code, tail: recover.code === 0 ? '' : recover.stderr.slice(-3000) }).toEqual({ code: 0, tail: '' });
    expect(recover.stdout).toMatch(/^recovered session drain-down-1: \d+ segment\(s\)/m);
    expect(existsSync(sessionDir)).toBe(false);

    const bucket = await checkBucket(s3, work, prefixOf(session));
    expect(bucket.end.reason).toMatch(/^recovered: /);
    const recorded = closedSegments(recordLogs);
    expect([...bucket.entries].sort()).toEqual([...recorded].sort());
    report('sentinel-while-s3-down', {
      drainTimeoutSeconds: DRAIN_SECONDS,
      sentinelToExitSeconds: Math.round(drainSeconds * 100) / 100,
      recorderExit: result.code,
      keptInSpool: kept.length,
      recoverExit: recover.code,
      segmentsRecorded: recorded.size,
      segmentsInBucket: bucket.segments,
      lost: recorded.size - bucket.segments,
      endReason: bucket.end.reason,
    });
  } finally {
    await s3.up();
    await cleanUp(recorder, spoolDir);
  }
});

/**
 * Fault: the spool's file system runs low, then full (a real 16 MB tmpfs; needs root, like the
 * recorder). Below --min-free-space-mb the recorder logs an error (rate-limited) and keeps every
 * segment that is not yet in the store, while S3 is down too; at 100 % FFmpeg fails (No space left
 * on device) and is restarted with backoff, the space reserve is released so the uploads (store
 * back) can note their progress and delete what is durable; that frees space and capture resumes
 * by itself, the disk still nearly full. Nothing unuploaded is ever deleted: every segment file
 * seen in the spool ends up in the bucket, decodable.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync } from 'node:fs';
import { open, readdir, rm, unlink } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCli } from '../helpers/cli';
import { startS3Server, type TestS3Server } from '../helpers/s3Server';
import { startXvfb, type Xvfb } from '../helpers/xvfb';
import { systemStatFs } from '../../src/adapters/freeSpace';
import { BUCKET, checkBucket, cleanUp, closedSegments, logLines, pathsFor, prefixOf, report, sleep, startRecorder, waitForLog } from './faultKit';

jest.setTimeout(200_000);

const FLOOR_MB = 8;
const work = mkdtempSync(join(tmpdir(), 'fault-disk-'));
const mountPoint = join(work, 'spoolfs');
mkdirSync(mountPoint);
let mounted = false;
try {
  execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=16m,mode=0700', 'tmpfs', mountPoint], { stdio: 'pipe' });
  mounted = true;
} catch (e) {
  process.stdout.write(`diskFloor: cannot mount a tmpfs here (${(e as Error).message.split('\n')[0]}); the free-space logic is covered by test/recording/spoolSpaceWatch.test.ts only\n`);
}
const session = { id: 'disk-1', stack: 'stack', fleet: 'fleet', user: 'heidi' };

let x: Xvfb;
let s3: TestS3Server;

beforeAll(async () => {
  [x, s3] = await Promise.all([startXvfb({ width: 800, height: 600 }), startS3Server({ bucket: BUCKET })]);
});
afterAll(async () => {
  await Promise.all([x?.stop(), s3?.stop()]);
  if (mounted) {
    try {
      execFileSync('umount', [mountPoint], { stdio: 'pipe' });
    } catch {
      execFileSync('umount', ['-l', mountPoint], { stdio: 'pipe' });
    }
  }
  await rm(work, { recursive: true, force: true });
});

/** Fills the file system with one file until only `leaveBytes` are free (or it is full). */
async function fill(path: string, leaveBytes: number): Promise<void> {
  const handle = await open(path, 'a');
  try {
    const chunk = Buffer.alloc(256 * 1024);
    for (;;) {
      const free = (await systemStatFs(mountPoint)).freeBytes;
      if (free <= leaveBytes) return;
      await handle.write(chunk.subarray(0, Math.min(chunk.length, free - leaveBytes)));
    }
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'ENOSPC') throw e;
  } finally {
    await handle.close();
  }
}

test('disk below the floor, then full: loud error, nothing unuploaded deleted, capture resumes when space is back', async () => {
  if (!mounted) throw new Error('a small real file system is needed: mounting a tmpfs failed (needs root, like the recorder)');
  const env = { ...process.env, ...s3.env };
  const spoolDir = join(mountPoint, 'spool');
  const { sentinel } = pathsFor(work, session.id);
  const args = { work, session, display: x.display, endpoint: s3.endpoint, extra: ['--spool-dir', spoolDir, '--min-free-space-mb', String(FLOOR_MB)] };
  const recorder = startRecorder(args, env);
  const seen = new Set<string>();
  let watching = true;
  const watch = (async () => {
    while (watching) {
      for (const name of await readdir(join(spoolDir, session.id), { recursive: true }).catch(() => [] as string[])) {
        const m = /(run-\d+)[/\\]seg-(\d+)\.mp4$/.exec(String(name));
        if (m) seen.add(`${m[1]}/${Number(m[2])}`);
      }
      await sleep(300);
    }
  })();
  const filler = join(mountPoint, 'filler');
  try {
    await waitForLog(recorder, 'a first durable segment', (l) => l.msg === 'segment durable', 30_000);
    await s3.down();
    const lowAt = Date.now();
    await fill(filler, (FLOOR_MB - 3) * 1024 * 1024);
    const floorError = await waitForLog(recorder, 'the floor error', (l) => l.level === 50 && /below the free-space floor/.test(l.msg), 15_000);
    await sleep(6_000); // still recording, segments pile up in the spool (S3 down)
    const spooledBelowFloor = (await readdir(join(spoolDir, session.id), { recursive: true })).map(String).filter((n) => n.endsWith('.mp4')).length;

    await fill(filler, 0); // full
    const fullAt = Date.now();
    const ffmpegDied = await waitForLog(recorder, 'FFmpeg to fail on the full disk', (l) => l.msg === 'ffmpeg exited' && Date.parse(l.time) >= fullAt - 1_000, 30_000);
    await waitForLog(recorder, 'the reserve to be released', (l) => /released the .* space reserve/.test(l.msg), 15_000);
    await s3.up();
    const upAt = Date.now();
    // The filler stays: uploads free the spooled segments' space, and capture resumes by itself
    // at the next crash-loop restart.
    // Capture resumed: a run started after FFmpeg died closes a segment. Not necessarily the first
    // such run: one started while the disk is still full can fail at once (FFmpeg cannot write).
    const startedAfterDeath = (): string[] => logLines(recorder.stderr())
      .filter((l) => l.msg === 'ffmpeg.started' && Date.parse(l.time) > Date.parse(ffmpegDied.time)).map((l) => String(l['runId']));
    const resumedSegment = await waitForLog(recorder, 'a segment of a capture started after FFmpeg died',
      (l) => l.msg === 'segment.closed' && startedAfterDeath().some((runId) => String(l['segment']).includes(runId)), 65_000);
    const resumed = { runId: startedAfterDeath().find((runId) => String(resumedSegment['segment']).includes(runId)) };
    await unlink(filler);
    await sleep(2_000);

    const end = await runCli(['end', '--sentinel', sentinel, '--timeout', '55'], { env }).done;
    const result = await recorder.done;
    watching = false;
    await watch;
    expect({ code: result.code, tail: result.code === 0 ? '' : result.stderr.slice(-3000) }).toEqual({ code: 0, tail: '' });
    expect(end.code).toBe(0);
    const logs = logLines(result.stderr);
    const floorErrors = logs.filter((l) => l.level === 50 && /below the free-space floor/.test(l.msg));
    // Rate-limited: once when crossing, then at most once a minute.
    expect(floorErrors.length).toBeLessThanOrEqual(1 + Math.ceil((Date.now() - lowAt) / 60_000));
    expect(String(ffmpegDied['error'])).toMatch(/No space left on device/);

    // The segment FFmpeg was writing when the disk filled up holds only what reached the disk
    // (often not even its first keyframe): it is uploaded as it is, like every other. So may the
    // last one of a run restarted while the disk was still full (it can write a little and die).
    const killedRun = String(ffmpegDied['runId']);
    const diedOnFullDisk = new Set([killedRun, ...logs.filter((l) => l.msg === 'ffmpeg exited' && Date.parse(l.time) >= fullAt - 1_000
      && Date.parse(l.time) <= Date.parse(resumedSegment.time)).map((l) => String(l['runId']))]);
    const closed = [...closedSegments(logs)];
    const cutByFullDisk = [...diedOnFullDisk].flatMap((runId) => {
      const indexes = closed.filter((s) => s.startsWith(`${runId}/`)).map((s) => Number(s.split('/')[1]));
      return indexes.length === 0 ? [] : [`${runId}/${Math.max(...indexes)}`];
    });
    const bucket = await checkBucket(s3, work, prefixOf(session), 'faults/', new Set(cutByFullDisk));
    // A file FFmpeg opened on the full disk at a segment boundary may hold nothing at all: the
    // recorder removes such a file once its run has ended and says so. Every other file seen is
    // in the bucket, and nothing is left in the spool.
    const removedEmpty = new Set(logs.filter((l) => l.msg.startsWith('empty segment file of an ended run removed'))
      .map((l) => `${String(l['runId'])}/${Number(/seg-(\d+)/.exec(String(l['name']))?.[1])}`));
    const missing = [...seen].filter((s) => !bucket.entries.has(s) && !removedEmpty.has(s));
    expect(missing).toEqual([]);
    expect([...removedEmpty].filter((s) => bucket.entries.has(s))).toEqual([]);
    const leftInSpool = (await readdir(join(spoolDir, session.id), { recursive: true }).catch(() => [] as string[])).map(String).filter((n) => /seg-\d+\.mp4$/.test(n));
    expect(leftInSpool).toEqual([]);
    expect([...bucket.entries].sort()).toEqual([...closedSegments(logs)].sort());
    report('disk-below-floor-then-full', {
      tmpfsMb: 16,
      floorMb: FLOOR_MB,
      floorErrorAfterMs: Date.parse(floorError.time) - lowAt,
      floorErrorLines: floorErrors.length,
      spooledBelowFloorWhileS3Down: spooledBelowFloor,
      ffmpegErrorOnFullDisk: String(ffmpegDied['error']).split('\n').slice(-2).join(' | '),
      ffmpegDownOnFullDiskMs: Number(String(resumed['runId']).slice(4)) - Date.parse(ffmpegDied.time),
      captureResumedAfterStoreBackMs: Number(String(resumed['runId']).slice(4)) - upAt,
      segmentFilesSeenInSpool: seen.size,
      segmentsInBucket: bucket.segments,
      unuploadedDeleted: missing.length,
      emptyFilesRemoved: removedEmpty.size,
      partialSegments: bucket.partialSegments,
      damagedByFullDisk: bucket.damaged,
      maxGapSeconds: bucket.maxGapSeconds,
    });
  } finally {
    watching = false;
    await s3.up();
    await rm(filler, { force: true });
    await cleanUp(recorder, spoolDir);
  }
});

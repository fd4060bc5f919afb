/**
 * Issue 9, figure 4: drain time (sentinel written → recorder exited) with 0, 1 and 5 segments
 * pending. Segments are made pending by a proxy in front of s3rver that answers every video PUT
 * with 503 SlowDown (as S3 does under load) until the wanted number of segments waits; then the
 * store answers normally again and the sentinel is written at once. The segment that is open when
 * the sentinel appears is always finalised and uploaded as well.
 */
import { join } from 'node:path';
import { startS3Proxy } from '../../test/helpers/s3Proxy';
import type { BenchContext, SectionResult } from '../lib/context';
import { RecorderRun, type LogLine } from '../lib/recorder';
import { startScene } from '../lib/scene';
import { median, round } from '../lib/stats';

interface DrainRun {
  readonly wanted: number;
  readonly pendingAtSentinel: number;
  readonly drainMs: number;
  readonly toFinalizedMs: number;
  readonly bytesDrained: number;
  readonly exitCode: number | null;
}

const isVideoDone = (l: LogLine) => l.msg === 'upload.done' && String(l['key'] ?? '').endsWith('-video.mp4');

export async function drainSection(ctx: BenchContext): Promise<SectionResult> {
  const { options, x, s3 } = ctx;
  const segmentSeconds = 2;
  const scene = await startScene(x, 'busy');
  const proxy = await startS3Proxy(s3.endpoint);
  const runs: DrainRun[] = [];
  try {
    for (let i = 0; i < options.runs; i++) {
      for (const wanted of [0, 1, 5]) {
        ctx.log(`drain: round ${i + 1}/${options.runs}: ${wanted} pending`);
        runs.push(await drainOnce(ctx, proxy, wanted, segmentSeconds, join(ctx.work, `drain-${i}-${wanted}`)));
      }
    }
  } finally {
    proxy.fault = undefined;
    await proxy.stop();
    await scene.stop();
  }
  const rows: Array<[string, string, string]> = [0, 1, 5].map((wanted) => {
    const of = runs.filter((r) => r.wanted === wanted);
    return [
      `4. drain, ${wanted} pending (+ the open segment): sentinel → exit`,
      `${round(median(of.map((r) => r.drainMs)), 0)} ms`,
      `target ≤ 3000 ms + upload time; pending seen ${of.map((r) => r.pendingAtSentinel).join('/')}, ` +
        `${round(median(of.map((r) => r.bytesDrained)) / 1e6, 2)} MB uploaded in the drain, all durable ${of.every((r) => r.exitCode === 0) ? 'yes' : 'NO'}; ` +
        `→ finalized ${round(median(of.map((r) => r.toFinalizedMs)), 0)} ms`,
    ];
  });
  return { name: 'drain', rows, data: { segmentSeconds, runs } };
}

async function drainOnce(ctx: BenchContext, proxy: Awaited<ReturnType<typeof startS3Proxy>>, wanted: number, segmentSeconds: number, work: string): Promise<DrainRun> {
  const { s3, x } = ctx;
  proxy.fault = undefined;
  const run = new RecorderRun({
    work, destination: `s3://${s3.bucket}/`, env: { ...process.env, ...s3.env }, display: x.display,
    segmentSeconds, frameRate: ctx.options.frameRate, extra: ['--endpoint', proxy.endpoint],
  });
  const timeout = 60_000;
  await run.waitFor('the first durable segment', isVideoDone, timeout);
  if (wanted === 0) {
    const closed = run.count('segment.closed');
    await run.waitFor('the next segment', (l) => l.msg === 'segment.closed' && run.count('segment.closed') > closed, timeout);
    await run.waitFor('its upload', () => run.lines.filter(isVideoDone).length >= run.count('segment.closed'), timeout);
    await new Promise((resolve) => setTimeout(resolve, 500));
  } else {
    proxy.fault = (req) => (req.method === 'PUT' && req.url.includes('-video.mp4') ? { status: 503, code: 'SlowDown', message: 'Please reduce your request rate.' } : undefined);
    const closed = run.count('segment.closed');
    await run.waitFor(`${wanted} pending segments`, () => run.count('segment.closed') >= closed + wanted, timeout + wanted * segmentSeconds * 1000);
    proxy.fault = undefined;
  }
  const pendingAtSentinel = run.count('segment.closed') - run.lines.filter(isVideoDone).length;
  const sentinelAt = run.writeSentinel();
  const exit = await run.exited;
  const finalized = run.lines.find((l) => l.msg === 'upload.finalized');
  const bytesDrained = run.lines
    .filter((l) => l.msg === 'segment durable' && l.timeMs >= sentinelAt)
    .reduce((sum, l) => sum + Number(l['bytes'] ?? 0), 0);
  return {
    wanted, pendingAtSentinel, drainMs: exit.atMs - sentinelAt, toFinalizedMs: (finalized?.timeMs ?? Number.NaN) - sentinelAt,
    bytesDrained, exitCode: exit.code,
  };
}

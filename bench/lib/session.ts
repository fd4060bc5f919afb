/**
 * One recorded session, ours or the original design's, analysed the same way: every file decoded,
 * each placed on the wall clock, and the share of the session's wall-clock time that decodable
 * video covers. Ours runs the built CLI against s3rver and reads back what landed in the bucket.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { TestS3Server } from '../../test/helpers/s3Server';
import { coveredShare, decodeTimeline, type Interval } from './media';
import { runOriginalSession } from './original';
import { RecorderRun, type LogLine, type ProcSample } from './recorder';

export interface SessionResult {
  readonly design: 'ours' | 'original';
  readonly segments: number;
  /** Share of [first frame, last frame end] covered by decodable video. */
  readonly coverage: number;
  /** Gaps between consecutive segments' decodable video, ms. */
  readonly gapsMs: number[];
  readonly decodeErrors: number;
  /** Wall-clock span from the first frame to the end of the last, seconds. */
  readonly spanS: number;
  readonly mbPerMin: number;
  /** FFmpeg CPU seconds per minute of capture. */
  readonly ffmpegCpuPerMin: number;
  /** Ours only (steady state, between the first durable segment and the sentinel). */
  readonly nodeCpuPerMin?: number;
  readonly helpersCpuPerMin?: number;
  readonly nodeRssMiB?: { min: number; median: number; max: number };
  /** segment.closed → upload.done, ms, per segment. */
  readonly closedToDurableMs?: number[];
  /** Segment content end (last frame) → upload.done, ms, per segment. */
  readonly contentEndToDurableMs?: number[];
  /** Sentinel written → recorder exited, ms; and → upload.finalized (everything durable). */
  readonly drainMs?: number;
  readonly drainToFinalizedMs?: number;
  readonly exitCode?: number | null;
}

interface ManifestEntry {
  key: string;
  start: string;
  end: string;
  bytes: number;
}

const segmentKey = (l: LogLine): string | undefined => (typeof l['key'] === 'string' ? (l['key'] as string) : undefined);

export async function runOurSession(options: {
  readonly display: string; readonly s3: TestS3Server; readonly work: string;
  readonly segmentSeconds: number; readonly segments: number; readonly frameRate: number; readonly extra?: readonly string[];
}): Promise<SessionResult & { run: RecorderRun }> {
  const { s3 } = options;
  mkdirSync(options.work, { recursive: true });
  const run = new RecorderRun({
    work: options.work, destination: `s3://${s3.bucket}/`, env: { ...process.env, ...s3.env }, display: options.display,
    segmentSeconds: options.segmentSeconds, frameRate: options.frameRate, extra: ['--endpoint', s3.endpoint, ...(options.extra ?? [])],
  });
  const started = await run.waitFor('ffmpeg.started', (l) => l.msg === 'ffmpeg.started', 30_000);
  await run.waitFor('first upload.done', (l) => l.msg === 'upload.done', (options.segmentSeconds + 20) * 1000);
  const a = run.sample();
  const endAt = started.timeMs + 400 + options.segments * options.segmentSeconds * 1000;
  await new Promise((resolve) => setTimeout(resolve, Math.max(0, endAt - Date.now())));
  const b = run.sample();
  run.writeSentinel();
  const exit = await run.exited;
  if (exit.code !== 0) throw new Error(`recorder exited ${exit.code}: ${run.stderr.slice(-2000)}`);

  const prefix = String(run.lines.find((l) => l.msg === 'recording session')?.['prefix'] ?? '');
  const manifest = JSON.parse((await s3.getObject(`${prefix}manifest.json`)).toString('utf8')) as { entries: ManifestEntry[] };
  const dir = join(options.work, 'fetched');
  mkdirSync(dir, { recursive: true });
  const intervals: Interval[] = [];
  let errors = 0;
  let bytes = 0;
  for (const [i, entry] of manifest.entries.entries()) {
    const file = join(dir, `${String(i).padStart(4, '0')}.mp4`);
    writeFileSync(file, await s3.getObject(entry.key));
    const d = await decodeTimeline(file, options.frameRate);
    if (d.errors) errors++;
    bytes += entry.bytes;
    const startMs = Date.parse(entry.start);
    intervals.push({ startMs: startMs + d.firstPts * 1000, endMs: startMs + (d.firstPts + d.seconds) * 1000 });
  }
  const cov = coverage(intervals);

  // While recording only: the segment closed by the drain is the drain's business (figure 4).
  const sentinelAt = run.sentinelAtMs as number;
  const closed = run.lines.filter((l) => l.msg === 'segment.closed');
  const done = run.lines.filter((l) => l.msg === 'upload.done' && segmentKey(l)?.endsWith('-video.mp4'));
  const closedToDurableMs = closed.slice(0, done.length).flatMap((c, i) => (c.timeMs < sentinelAt ? [(done[i] as LogLine).timeMs - c.timeMs] : []));
  const durableAt = new Map(done.filter((l) => l.timeMs < sentinelAt).map((l) => [segmentKey(l) as string, l.timeMs]));
  const contentEndToDurableMs = manifest.entries.flatMap((e) => {
    const at = durableAt.get(e.key);
    return at === undefined ? [] : [at - Date.parse(e.end)];
  });
  const finalized = run.lines.find((l) => l.msg === 'upload.finalized');
  const steady = steadyState(a, b);
  const windowSamples = run.samples.filter((s) => a && b && s.atMs >= a.atMs && s.atMs <= b.atMs).map((s) => s.nodeRssMiB).sort((x, y) => x - y);
  return {
    run, design: 'ours', segments: manifest.entries.length, ...cov, decodeErrors: errors,
    mbPerMin: (bytes / 1e6 / cov.spanS) * 60,
    // Capture = FFmpeg + the damage grabber feeding it (the default X11 capture).
    ffmpegCpuPerMin: steady.ffmpegPerMin + steady.grabberPerMin, nodeCpuPerMin: steady.nodePerMin, helpersCpuPerMin: steady.helpersPerMin,
    nodeRssMiB: { min: windowSamples[0] ?? Number.NaN, median: windowSamples[Math.floor(windowSamples.length / 2)] ?? Number.NaN, max: windowSamples.at(-1) ?? Number.NaN },
    closedToDurableMs, contentEndToDurableMs,
    drainMs: exit.atMs - (run.sentinelAtMs as number),
    drainToFinalizedMs: (finalized?.timeMs ?? Number.NaN) - (run.sentinelAtMs as number),
    exitCode: exit.code,
  };
}

export async function runOriginalDesign(options: {
  readonly display: string; readonly width: number; readonly height: number; readonly work: string;
  readonly segmentSeconds: number; readonly segments: number; readonly frameRate: number;
}): Promise<SessionResult> {
  mkdirSync(options.work, { recursive: true });
  const runs = await runOriginalSession({ ...options, dir: options.work });
  const intervals: Interval[] = [];
  let errors = 0;
  for (const r of runs) {
    const d = await decodeTimeline(r.file, options.frameRate);
    if (d.errors || d.frames === 0) errors++;
    if (r.firstFrameAtMs === null || d.frames === 0) continue;
    intervals.push({ startMs: r.firstFrameAtMs + d.firstPts * 1000, endMs: r.firstFrameAtMs + (d.firstPts + d.seconds) * 1000 });
  }
  const cov = coverage(intervals);
  const wallS = ((runs.at(-1)?.exitedAtMs ?? 0) - (runs[0]?.spawnedAtMs ?? 0)) / 1000;
  const cpu = runs.reduce((sum, r) => sum + r.cpuS, 0);
  const bytes = runs.reduce((sum, r) => sum + r.bytes, 0);
  return {
    design: 'original', segments: runs.length, ...cov, decodeErrors: errors,
    mbPerMin: (bytes / 1e6 / cov.spanS) * 60,
    // Every run's CPU, start-up and finalisation included, over the whole wall time of the runs.
    ffmpegCpuPerMin: (cpu / wallS) * 60,
  };
}

function coverage(intervals: Interval[]): { coverage: number; gapsMs: number[]; spanS: number } {
  if (intervals.length === 0) return { coverage: 0, gapsMs: [], spanS: Number.NaN };
  const window = { startMs: Math.min(...intervals.map((i) => i.startMs)), endMs: Math.max(...intervals.map((i) => i.endMs)) };
  const { share, gapsMs } = coveredShare(intervals, window);
  return { coverage: share, gapsMs, spanS: (window.endMs - window.startMs) / 1000 };
}

/** CPU per minute between two samples: FFmpeg, Node itself, and Node's other children (xev, probes). */
export function steadyState(a: ProcSample | undefined, b: ProcSample | undefined): { ffmpegPerMin: number; nodePerMin: number; helpersPerMin: number; grabberPerMin: number; windowS: number } {
  if (!a || !b || b.atMs <= a.atMs) return { ffmpegPerMin: Number.NaN, nodePerMin: Number.NaN, helpersPerMin: Number.NaN, grabberPerMin: Number.NaN, windowS: 0 };
  const windowS = (b.atMs - a.atMs) / 1000;
  const perMin = (s: number) => (s / windowS) * 60;
  let ffmpeg = 0;
  let helpers = 0;
  let grabber = 0;
  for (const p of b.live) {
    const before = a.live.find((q) => q.pid === p.pid)?.self ?? 0;
    if (p.comm === 'ffmpeg') ffmpeg += p.self - before;
    else if (p.comm === 'damage-grab') grabber += p.self - before;
    else helpers += p.self - before;
  }
  // Children that exited inside the window (short probes) are in Node's waited-for CPU.
  helpers += b.node.children - a.node.children;
  return { ffmpegPerMin: perMin(ffmpeg), nodePerMin: perMin(b.node.self - a.node.self), helpersPerMin: perMin(helpers), grabberPerMin: perMin(grabber), windowS };
}

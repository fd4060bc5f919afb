/**
 * Issue 9, figure 6: display change on a resizable X server (TigerVNC's Xvnc at 1920x1080 with the
 * busy scene). `xrandr -s` shrinks and grows the screen while the CLI records; for each change:
 * detection latency (xrandr started → the machine handled `display.changed`) and restart gap (end of
 * the last decodable frame of the old capture → first decodable frame of the new one, from the
 * segments that landed in the bucket), and whether the new segments have the new size.
 */
import { execFile } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { startVirtualDisplay } from '../../src/adapters/virtualDisplay';
import type { BenchContext, SectionResult } from '../lib/context';
import { decodeTimeline } from '../lib/media';
import { RecorderRun } from '../lib/recorder';
import { startScene } from '../lib/scene';
import { median, round } from '../lib/stats';

const run = promisify(execFile);

interface Change {
  readonly to: string;
  readonly detectMs: number;
  readonly gapMs: number;
  readonly changeToNewFrameMs: number;
  readonly newSegmentSize: string;
}

export async function displaySection(ctx: BenchContext): Promise<SectionResult> {
  const { options, s3 } = ctx;
  const sizes = options.quick ? ['1280x720', '1920x1080'] : ['1280x720', '1920x1080', '1280x720', '1920x1080', '1600x1200', '1920x1080'];
  const vnc = await startVirtualDisplay({ server: 'Xvnc', width: 1920, height: 1080, scene: false });
  const scene = await startScene({ env: vnc.env }, 'busy');
  const work = join(ctx.work, 'display');
  const changes: Array<{ to: string; atMs: number }> = [];
  let recorder: RecorderRun | undefined;
  try {
    recorder = new RecorderRun({
      work, destination: `s3://${s3.bucket}/`, env: { ...process.env, ...s3.env }, display: vnc.display,
      segmentSeconds: 30, frameRate: options.frameRate, extra: ['--endpoint', s3.endpoint],
    });
    await recorder.waitFor('ffmpeg.started', (l) => l.msg === 'ffmpeg.started', 30_000);
    await new Promise((resolve) => setTimeout(resolve, 3000));
    for (const size of sizes) {
      ctx.log(`display: xrandr -s ${size}`);
      const starts = recorder.count('ffmpeg.started');
      const atMs = Date.now();
      await run('xrandr', ['-s', size], { env: vnc.env });
      changes.push({ to: size, atMs });
      const r = recorder;
      await r.waitFor(`a new capture after the change to ${size}`, () => r.count('ffmpeg.started') > starts, 20_000);
      await new Promise((resolve) => setTimeout(resolve, 4000));
    }
    recorder.writeSentinel();
    const exit = await recorder.exited;
    if (exit.code !== 0) throw new Error(`recorder exited ${exit.code}: ${recorder.stderr}`);
  } finally {
    if (recorder && recorder.child.exitCode === null) recorder.child.kill('SIGTERM');
    await scene.stop();
    await vnc.stop();
  }

  // Every capture run's decodable span, from what landed in the bucket.
  const prefix = String(recorder.lines.find((l) => l.msg === 'recording session')?.['prefix'] ?? '');
  const manifest = JSON.parse((await s3.getObject(`${prefix}manifest.json`)).toString('utf8')) as { entries: Array<{ key: string; runId: string; start: string; width: number; height: number }> };
  const dir = join(work, 'fetched');
  mkdirSync(dir, { recursive: true });
  const runs = new Map<string, { firstMs: number; lastMs: number; size: string }>();
  for (const [i, e] of manifest.entries.entries()) {
    const file = join(dir, `${i}.mp4`);
    writeFileSync(file, await s3.getObject(e.key));
    const d = await decodeTimeline(file, options.frameRate);
    const startMs = Date.parse(e.start) + d.firstPts * 1000;
    const endMs = Date.parse(e.start) + (d.firstPts + d.seconds) * 1000;
    const r = runs.get(e.runId);
    runs.set(e.runId, r ? { firstMs: Math.min(r.firstMs, startMs), lastMs: Math.max(r.lastMs, endMs), size: r.size } : { firstMs: startMs, lastMs: endMs, size: `${e.width}x${e.height}` });
  }
  const ordered = [...runs.values()].sort((a, b) => a.firstMs - b.firstMs);
  const detected = recorder.lines.filter((l) => l.msg === 'display.changed');
  const results: Change[] = changes.map((c) => {
    const detection = detected.find((l) => l.timeMs >= c.atMs - 5);
    const next = ordered.find((r) => r.firstMs > c.atMs);
    const previous = [...ordered].reverse().find((r) => r.firstMs < c.atMs);
    return {
      to: c.to,
      detectMs: detection ? detection.timeMs - c.atMs : Number.NaN,
      gapMs: next && previous ? next.firstMs - previous.lastMs : Number.NaN,
      changeToNewFrameMs: next ? next.firstMs - c.atMs : Number.NaN,
      newSegmentSize: next?.size ?? '?',
    };
  });
  const rows: Array<[string, string, string]> = [
    ['6. display change: detection (xrandr → display.changed)', `${round(median(results.map((r) => r.detectMs)), 0)} ms median, max ${round(Math.max(...results.map((r) => r.detectMs)), 0)} ms`, `target < 100 ms; ${results.length} changes on Xvnc`],
    ['6. display change: restart gap (last old frame → first new frame)', `${round(median(results.map((r) => r.gapMs)), 0)} ms median, max ${round(Math.max(...results.map((r) => r.gapMs)), 0)} ms`, `target < 1000 ms; change → first new frame ${round(median(results.map((r) => r.changeToNewFrameMs)), 0)} ms`],
    ['6. display change: new segments have the new size', results.every((r) => r.newSegmentSize === r.to) ? 'yes' : `NO (${results.map((r) => `${r.to}→${r.newSegmentSize}`).join(', ')})`, `${ordered.length} capture runs`],
  ];
  return { name: 'display', rows, data: { sizes, changes: results } };
}

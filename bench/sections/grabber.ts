/**
 * Issue 16, fourth round: the damage grabber (the default X11 capture) against FFmpeg's x11grab +
 * mpdecimate (`--screen-grabber x11grab`), same build, alternating round by round on the idle,
 * quiet and busy scenes (1920x1080, 5 fps, 60 s segments, a window of steady recording before the
 * first segment closes). Per minute: the whole recorder (FFmpeg + grabber + Node + helpers), its
 * parts, the X server's own CPU (it does the XShm copies for both), and the bytes FFmpeg wrote
 * into the open segment (fragments flush every second).
 */
import { chmodSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { BenchContext, SectionResult } from '../lib/context';
import { readProcCpu } from '../lib/proc';
import { startScene, type SceneName } from '../lib/scene';
import { median, ratio, round } from '../lib/stats';
import { RecorderRun } from '../lib/recorder';
import { steadyState } from '../lib/session';

import { builtGrabberPath } from '../../src/recording/x11Capture';

/**
 * `damage-still-1s` (idle scene only): the damage grabber with a 1 s heartbeat instead of the
 * default, through a wrapper that appends `--still 1` (its last --still wins), to weigh the
 * heartbeat's CPU against its crash loss (section crash) in the same run.
 */
type Variant = 'damage' | 'x11grab' | 'damage-still-1s';
interface Window {
  readonly wholePerMin: number; readonly ffmpegPerMin: number; readonly grabberPerMin: number;
  readonly nodeAndHelpersPerMin: number; readonly xvfbPerMin: number; readonly kbPerMin: number;
}

/** Bytes of every segment file under a spool dir (the open one grows by a fragment a second). */
function spoolBytes(dir: string): number {
  let total = 0;
  const walk = (d: string): void => {
    let names: string[];
    try { names = readdirSync(d); } catch { return; }
    for (const n of names) {
      const p = join(d, n);
      try {
        const s = statSync(p);
        if (s.isDirectory()) walk(p);
        else if (/^seg-\d+\.mp4$/.test(n)) total += s.size;
      } catch { /* gone */ }
    }
  };
  walk(dir);
  return total;
}

function stillWrapper(work: string, seconds: number): string {
  const path = join(work, `damage-grab-still-${seconds}s.sh`);
  writeFileSync(path, `#!/bin/sh\nexec '${builtGrabberPath}' "$@" --still ${seconds}\n`);
  chmodSync(path, 0o755);
  return path;
}

async function measure(ctx: BenchContext, work: string, windowS: number, variant: Variant): Promise<Window> {
  const grabber = variant === 'x11grab' ? ['--screen-grabber', 'x11grab']
    : ['--screen-grabber', 'damage', ...(variant === 'damage-still-1s' ? ['--damage-grabber-path', stillWrapper(ctx.work, 1)] : [])];
  const run = new RecorderRun({
    work, destination: `s3://${ctx.s3.bucket}/`, env: { ...process.env, ...ctx.s3.env }, display: ctx.x.display,
    segmentSeconds: 60, frameRate: ctx.options.frameRate, extra: ['--endpoint', ctx.s3.endpoint, ...grabber],
  });
  const at = () => ({ sample: run.sample(), xvfb: readProcCpu(ctx.x.pid)?.self ?? Number.NaN, bytes: spoolBytes(run.spoolDir), atMs: Date.now() });
  try {
    await run.waitFor('ffmpeg.started', (l) => l.msg === 'ffmpeg.started', 30_000);
    await new Promise((resolve) => setTimeout(resolve, 5000));
    const a = at();
    await new Promise((resolve) => setTimeout(resolve, windowS * 1000));
    const b = at();
    if (run.count('segment.closed') > 0) throw new Error('a segment closed inside the window');
    run.writeSentinel();
    const exit = await run.exited;
    if (exit.code !== 0) throw new Error(`recorder exited ${exit.code}: ${run.stderr.slice(-2000)}`);
    const s = steadyState(a.sample, b.sample);
    const perMin = (v: number) => (v / ((b.atMs - a.atMs) / 1000)) * 60;
    return {
      wholePerMin: s.ffmpegPerMin + s.grabberPerMin + s.nodePerMin + s.helpersPerMin,
      ffmpegPerMin: s.ffmpegPerMin, grabberPerMin: s.grabberPerMin, nodeAndHelpersPerMin: s.nodePerMin + s.helpersPerMin,
      xvfbPerMin: perMin(b.xvfb - a.xvfb), kbPerMin: perMin(b.bytes - a.bytes) / 1000,
    };
  } finally {
    run.kill();
  }
}

export async function grabberSection(ctx: BenchContext): Promise<SectionResult> {
  const windowS = ctx.options.quick ? 20 : 40;
  const scenes: SceneName[] = ['idle', 'quiet', 'busy'];
  const data: Record<string, Array<Record<Variant, Window>>> = {};
  const rows: Array<[string, string, string]> = [];
  for (const sceneName of scenes) {
    const scene = await startScene(ctx.x, sceneName);
    const rounds: Array<Record<Variant, Window>> = []; // damage-still-1s: idle only
    try {
      for (let i = 0; i < ctx.options.runs; i++) {
        const both: Variant[] = i % 2 === 0 ? ['damage', 'x11grab'] : ['x11grab', 'damage'];
        const order: Variant[] = sceneName === 'idle' ? (i % 2 === 0 ? [...both, 'damage-still-1s'] : ['damage-still-1s', ...both]) : both;
        const round1: Partial<Record<Variant, Window>> = {};
        for (const v of order) {
          ctx.log(`grabber: ${sceneName} round ${i + 1}/${ctx.options.runs}: ${v}, ${windowS} s window`);
          round1[v] = await measure(ctx, join(ctx.work, `grabber-${sceneName}-${v}-${i}`), windowS, v);
        }
        rounds.push(round1 as Record<Variant, Window>);
      }
    } finally {
      await scene.stop();
    }
    data[sceneName] = rounds;
    if (sceneName === 'idle') {
      const m1 = (f: (w: Window) => number) => round(median(rounds.map((r) => f(r['damage-still-1s']))), 3);
      rows.push([`grabber: idle: damage with a 1 s heartbeat: whole recorder / FFmpeg / damage-grab CPU-s/min, kB/min`,
        `${m1((w) => w.wholePerMin)} / ${m1((w) => w.ffmpegPerMin)} / ${m1((w) => w.grabberPerMin)}, ${m1((w) => w.kbPerMin)}`,
        `ratio to the default heartbeat ${round(median(rounds.map((x) => ratio(x['damage-still-1s'].wholePerMin, x.damage.wholePerMin))), 2)}; goal ≤ 1`]);
    }
    const m = (f: (w: Window) => number, v: Variant) => round(median(rounds.map((r) => f(r[v]))), 3);
    const both = (f: (w: Window) => number) => `${m(f, 'damage')} vs ${m(f, 'x11grab')}`;
    const r = (f: (w: Window) => number) => `ratio ${round(median(rounds.map((x) => ratio(f(x.damage), f(x.x11grab)))), 2)}`;
    rows.push(
      [`grabber: ${sceneName}: whole recorder CPU-s/min (damage vs x11grab)`, both((w) => w.wholePerMin), `${r((w) => w.wholePerMin)}${sceneName === 'idle' ? '; goal ≤ 1' : ''}`],
      [`grabber: ${sceneName}: FFmpeg CPU-s/min`, both((w) => w.ffmpegPerMin), r((w) => w.ffmpegPerMin)],
      [`grabber: ${sceneName}: damage-grab CPU-s/min`, both((w) => w.grabberPerMin), ''],
      [`grabber: ${sceneName}: Node + helpers CPU-s/min`, both((w) => w.nodeAndHelpersPerMin), ''],
      [`grabber: ${sceneName}: Xvfb CPU-s/min (the X server's copies)`, both((w) => w.xvfbPerMin), r((w) => w.xvfbPerMin)],
      [`grabber: ${sceneName}: kB/min written`, both((w) => w.kbPerMin), `${r((w) => w.kbPerMin)}; ${rounds.length} round(s), ${windowS} s windows`],
    );
  }
  return { name: 'grabber', rows, data: { windowS, scenes: data } };
}

/**
 * Issue 16: the whole recorder's cost on an idle screen (the idle scene: a user reading; goal
 * ≤ 1 CPU-s per minute for the recorder itself), this build against another build given with
 * `--baseline DIR` (a checkout of another commit with `npm run build` done), alternating round by
 * round so both see the same machine. Whole recorder = FFmpeg + Node + Node's helpers (xev, the
 * layout probes, the watchdog's pings: children that exited are in Node's waited-for CPU), over a
 * window of steady recording with 60 s segments (5 s after FFmpeg started, before the first
 * segment closes: the per-segment cost is the same in both builds and is in section sessions).
 * Then this build alone on idle-minutes, the same screen with no second hand: a still screen, where
 * nearly every encoded frame is a heartbeat.
 */
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { BenchContext, SectionResult } from '../lib/context';
import { startScene } from '../lib/scene';
import { steadyState } from '../lib/session';
import { median, ratio, round } from '../lib/stats';
import { idleNode } from './sessions';

type Steady = ReturnType<typeof steadyState>;


const whole = (s: Steady) => s.ffmpegPerMin + s.grabberPerMin + s.nodePerMin + s.helpersPerMin;

export async function overheadSection(ctx: BenchContext): Promise<SectionResult> {
  const windowS = ctx.options.quick ? 20 : 40;
  const baselineCli = ctx.options.baseline === undefined ? undefined : join(resolve(ctx.options.baseline), 'dist', 'cli.js');
  if (baselineCli !== undefined && !existsSync(baselineCli)) throw new Error(`--baseline: ${baselineCli} is missing: build that checkout first (npm run build)`);
  const scene = await startScene(ctx.x, 'idle');
  const rounds: Array<{ ours: Steady; baseline?: Steady }> = [];
  try {
    for (let i = 0; i < ctx.options.runs; i++) {
      const ours = async () => {
        ctx.log(`overhead: round ${i + 1}/${ctx.options.runs}: this build, idle scene, ${windowS} s window`);
        return idleNode(ctx, join(ctx.work, `overhead-ours-${i}`), windowS);
      };
      const base = async () => {
        ctx.log(`overhead: round ${i + 1}/${ctx.options.runs}: baseline ${ctx.options.baseline}, idle scene, ${windowS} s window`);
        return idleNode(ctx, join(ctx.work, `overhead-base-${i}`), windowS, baselineCli);
      };
      if (baselineCli === undefined) rounds.push({ ours: await ours() });
      else if (i % 2 === 0) {
        const o = await ours();
        rounds.push({ ours: o, baseline: await base() });
      } else {
        const b = await base();
        rounds.push({ ours: await ours(), baseline: b });
      }
    }
  } finally {
    await scene.stop();
  }
  // The same screen without its second hand: every frame but two a minute is a heartbeat, so this
  // is what the heartbeats cost on a truly still screen (this build only).
  const still: Steady[] = [];
  const stillScene = await startScene(ctx.x, 'idle-minutes');
  try {
    for (let i = 0; i < ctx.options.runs; i++) {
      ctx.log(`overhead: round ${i + 1}/${ctx.options.runs}: this build, idle-minutes scene, ${windowS} s window`);
      still.push(await idleNode(ctx, join(ctx.work, `overhead-still-${i}`), windowS));
    }
  } finally {
    await stillScene.stop();
  }
  const m = (f: (s: Steady) => number, which: 'ours' | 'baseline') => median(rounds.map((r) => (r[which] === undefined ? Number.NaN : f(r[which] as Steady))));
  const figure = (f: (s: Steady) => number) =>
    baselineCli === undefined ? `${round(m(f, 'ours'), 3)}` : `${round(m(f, 'ours'), 3)} vs ${round(m(f, 'baseline'), 3)}`;
  const versus = baselineCli === undefined ? 'this build' : `this build vs ${ctx.options.baseline}`;
  const rows: Array<[string, string, string]> = [
    [`overhead: whole recorder CPU-s/min, idle scene (${versus})`, figure(whole),
      baselineCli === undefined ? 'goal ≤ 1 CPU-s/min for the recorder (FFmpeg + Node + helpers)' : `ratio ${round(median(rounds.map((r) => ratio(whole(r.ours), whole(r.baseline as Steady)))), 2)} (median of per-round ratios)`],
    [`overhead: the recorder without FFmpeg (Node + helpers) CPU-s/min (${versus})`, figure((s) => s.nodePerMin + s.helpersPerMin),
      baselineCli === undefined ? '' : `ratio ${round(median(rounds.map((r) => ratio(r.ours.nodePerMin + r.ours.helpersPerMin, (r.baseline as Steady).nodePerMin + (r.baseline as Steady).helpersPerMin))), 2)}`],
    [`overhead: FFmpeg CPU-s/min (${versus})`, figure((s) => s.ffmpegPerMin), ''],
    [`overhead: Node CPU-s/min (${versus})`, figure((s) => s.nodePerMin), ''],
    [`overhead: Node's helpers CPU-s/min (xev, probes, pings; ${versus})`, figure((s) => s.helpersPerMin), `${rounds.length} round(s), ${windowS} s windows`],
    ['overhead: whole recorder CPU-s/min, idle-minutes scene (a still screen: heartbeats only; this build)', `${round(median(still.map(whole)), 3)}`,
      `FFmpeg ${round(median(still.map((s) => s.ffmpegPerMin)), 3)}, grabber ${round(median(still.map((s) => s.grabberPerMin)), 3)}, Node + helpers ${round(median(still.map((s) => s.nodePerMin + s.helpersPerMin)), 3)}; rounds ${still.map((s) => round(whole(s), 3)).join(', ')}`],
  ];
  return { name: 'overhead', rows, data: { windowS, baseline: ctx.options.baseline ?? null, rounds, stillScreen: still } };
}

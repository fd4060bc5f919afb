/**
 * Issue 16: the whole recorder's cost on an idle screen (the idle scene: a user reading; goal
 * ≤ 1 CPU-s per minute for the recorder itself), this build against another build given with
 * `--baseline DIR` (a checkout of another commit with `npm run build` done), alternating round by
 * round so both see the same machine. Whole recorder = FFmpeg + Node + Node's helpers (xev, the
 * layout probes, the watchdog's pings: children that exited are in Node's waited-for CPU), over a
 * window of steady recording with 60 s segments (5 s after FFmpeg started, before the first
 * segment closes: the per-segment cost is the same in both builds and is in section sessions).
 * Then the same on idle-minutes, the same screen with no second hand: a still screen, where every
 * frame a build encodes inside the window is a heartbeat (this build since issue 16's ninth round
 * encodes none there: the grabber's still marks replace them).
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

type Round = { ours: Steady; baseline?: Steady };

/** Rounds on one scene, this build and the baseline (if any) alternating which goes first. */
async function roundsOn(ctx: BenchContext, sceneName: 'idle' | 'idle-minutes', windowS: number, baselineCli: string | undefined): Promise<Round[]> {
  const scene = await startScene(ctx.x, sceneName);
  const rounds: Round[] = [];
  try {
    for (let i = 0; i < ctx.options.runs; i++) {
      const ours = async () => {
        ctx.log(`overhead: round ${i + 1}/${ctx.options.runs}: this build, ${sceneName} scene, ${windowS} s window`);
        return idleNode(ctx, join(ctx.work, `overhead-${sceneName}-ours-${i}`), windowS);
      };
      const base = async () => {
        ctx.log(`overhead: round ${i + 1}/${ctx.options.runs}: baseline ${ctx.options.baseline}, ${sceneName} scene, ${windowS} s window`);
        return idleNode(ctx, join(ctx.work, `overhead-${sceneName}-base-${i}`), windowS, baselineCli);
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
  return rounds;
}

export async function overheadSection(ctx: BenchContext): Promise<SectionResult> {
  const windowS = ctx.options.quick ? 20 : 40;
  const baselineCli = ctx.options.baseline === undefined ? undefined : join(resolve(ctx.options.baseline), 'dist', 'cli.js');
  if (baselineCli !== undefined && !existsSync(baselineCli)) throw new Error(`--baseline: ${baselineCli} is missing: build that checkout first (npm run build)`);
  const rounds = await roundsOn(ctx, 'idle', windowS, baselineCli);
  // The same screen without its second hand: a still screen, where every frame a build encodes
  // between segment boundaries is a heartbeat.
  const still = await roundsOn(ctx, 'idle-minutes', windowS, baselineCli);
  const m = (of: Round[], f: (s: Steady) => number, which: 'ours' | 'baseline') => median(of.map((r) => (r[which] === undefined ? Number.NaN : f(r[which] as Steady))));
  const figure = (of: Round[], f: (s: Steady) => number) =>
    baselineCli === undefined ? `${round(m(of, f, 'ours'), 3)}` : `${round(m(of, f, 'ours'), 3)} vs ${round(m(of, f, 'baseline'), 3)}`;
  const versus = baselineCli === undefined ? 'this build' : `this build vs ${ctx.options.baseline}`;
  const ratioOf = (of: Round[], f: (s: Steady) => number) => round(median(of.map((r) => ratio(f(r.ours), f(r.baseline as Steady)))), 2);
  const parts = (of: Round[], which: 'ours' | 'baseline') => `FFmpeg ${round(m(of, (s) => s.ffmpegPerMin, which), 3)}, grabber ${round(m(of, (s) => s.grabberPerMin, which), 3)}, ` +
    `Node + helpers ${round(m(of, (s) => s.nodePerMin + s.helpersPerMin, which), 3)}; rounds ${of.map((r) => round(whole(r[which] as Steady), 3)).join(', ')}`;
  const rows: Array<[string, string, string]> = [
    [`overhead: whole recorder CPU-s/min, idle scene (${versus})`, figure(rounds, whole),
      baselineCli === undefined ? 'goal ≤ 1 CPU-s/min for the recorder (FFmpeg + Node + helpers)' : `ratio ${ratioOf(rounds, whole)} (median of per-round ratios)`],
    [`overhead: the recorder without FFmpeg (Node + helpers) CPU-s/min (${versus})`, figure(rounds, (s) => s.nodePerMin + s.helpersPerMin),
      baselineCli === undefined ? '' : `ratio ${ratioOf(rounds, (s) => s.nodePerMin + s.helpersPerMin)}`],
    [`overhead: FFmpeg CPU-s/min (${versus})`, figure(rounds, (s) => s.ffmpegPerMin), ''],
    [`overhead: Node CPU-s/min (${versus})`, figure(rounds, (s) => s.nodePerMin), ''],
    [`overhead: Node's helpers CPU-s/min (xev, probes, pings; ${versus})`, figure(rounds, (s) => s.helpersPerMin), `${rounds.length} round(s), ${windowS} s windows`],
    [`overhead: whole recorder CPU-s/min, idle-minutes scene (a still screen; ${versus})`, figure(still, whole),
      `this build: ${parts(still, 'ours')}${baselineCli === undefined ? '' : `; baseline: ${parts(still, 'baseline')}; ratio ${ratioOf(still, whole)}`}`],
  ];
  return { name: 'overhead', rows, data: { windowS, baseline: ctx.options.baseline ?? null, rounds, stillScreen: still } };
}

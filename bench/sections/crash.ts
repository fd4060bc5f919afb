/**
 * Issue 9, figure 7: crash loss. FFmpeg writing a segment is killed with SIGKILL; how many seconds
 * of that open segment still decode, for the original's plain MP4, our current defaults, ours
 * without zerolatency (x264 lookahead) and the previous defaults. Measurement code: bench/crashLoss.ts.
 * Each kill comes at a random moment in the second after the nominal time: a still screen's loss
 * depends on where the kill falls between two heartbeats, and a fixed time sampled one phase only.
 */
import { join } from 'node:path';
import { existsSync, rmSync, mkdirSync } from 'node:fs';
import { defaultGrabberStillFrameSeconds } from '../../src/adapters/damageGrabArgs';
import { buildEncoderArgs, buildSegmentArgs } from '../../src/adapters/ffmpegArgs';
import { stillMarksFile } from '../../src/adapters/stillMarks';
import { builtGrabberPath } from '../../src/recording/x11Capture';
import { measureCrashLoss, type CrashLoss } from '../crashLoss';
import type { BenchContext, SectionResult } from '../lib/context';
import { variantsNamed } from '../lib/encoders';
import { startScene } from '../lib/scene';
import { median, round } from '../lib/stats';

/**
 * The damage grabber feeding FFmpeg (the default X11 capture), per heartbeat (`--still`) and crash
 * bound: the segment journal (the default since issue 16's seventh round: the open segment rebuilt
 * from its TS journal, as the segment watcher does) against a fragment per frame (the MP4 alone,
 * the sixth round's default), and the fourth round's setts design.
 */
const grabberVariants: ReadonlyArray<{ name: string; describe: string; grabberOptions: (fps: number, dir: string) => string[]; output: (dir: string, fps: number) => string[] }> = [
  {
    name: 'damage-grab-marks',
    describe: 'the default since issue 16\'s ninth round: no heartbeat (a frame at least every 60 s), the grabber\'s still marks last the journal\'s newest frame until the screen was last seen still',
    grabberOptions: (fps: number, dir: string) => ['--fps', String(fps), '--still', String(defaultGrabberStillFrameSeconds), '--segment', '600', '--marks', join(dir, stillMarksFile)],
    output: (d: string, fps: number) => [...buildEncoderArgs(undefined, 600, fps), ...buildSegmentArgs({ runDir: d, segmentSeconds: 600, journal: true })],
  },
  ...[0.8, 1].flatMap((still) => [true, false].map((journal) => ({
    name: `damage-grab-still-${still}s${journal ? '' : '-no-journal'}`,
    describe: `damage grabber, a frame at least every ${still} s; ${journal ? 'the segment journal (the eighth round\'s default at 1 s)' : 'no journal: a fragment per frame'}`,
    grabberOptions: (fps: number) => ['--fps', String(fps), '--still', String(still), '--segment', '600'],
    output: (d: string, fps: number) => [...buildEncoderArgs(undefined, 600, fps), ...buildSegmentArgs({ runDir: d, segmentSeconds: 600, journal })],
  }))),
  {
    name: 'damage-grab-setts-0.4s',
    describe: 'the fourth round\'s default: a frame at least every 0.4 s, setts (NEXT_PTS) durations, a fragment a second',
    grabberOptions: (fps: number) => ['--fps', String(fps), '--still', '0.4'],
    output: (d: string) => [...buildEncoderArgs({ dropUnchanged: true }, 600), ...buildSegmentArgs({ runDir: d, segmentSeconds: 600, journal: false, fragmentEveryFrame: false })],
  },
];

export async function crashSection(ctx: BenchContext): Promise<SectionResult> {
  const { options, x } = ctx;
  const seconds = options.quick ? 6 : 8;
  // A fresh phase for every kill: uniform over one second (the longest heartbeat measured).
  const killAfter = (): number => round(seconds + Math.random(), 3);
  const plan: Array<{ scene: 'busy' | 'idle'; variants: ReturnType<typeof variantsNamed> }> = [
    { scene: 'busy', variants: variantsNamed(['original', 'ours', 'fragment-per-frame', 'keep-all', 'vf-still']) },
    // A still screen: with unchanged frames dropped, a kept frame lasts until the next (≤ 1 s later).
    { scene: 'idle', variants: variantsNamed(['ours', 'fragment-per-frame', 'still-0.6s', 'keep-all']) },
  ];
  const runs: Array<CrashLoss & { scene: string }> = [];
  for (const { scene: sceneName, variants } of plan) {
    const scene = await startScene(x, sceneName);
    try {
      for (let i = 0; i < options.runs; i++) {
        for (const v of variants) {
          const after = killAfter();
          ctx.log(`crash: ${sceneName} round ${i + 1}/${options.runs}: ${v.name}, SIGKILL after ${after} s`);
          const dir = join(ctx.work, 'crash', v.name);
          rmSync(dir, { recursive: true, force: true });
          mkdirSync(dir, { recursive: true });
          const loss = await measureCrashLoss(v.name, (d) => v.output(d, 600, options.frameRate), { display: x.display, layout: x.layout, seconds: after, fps: options.frameRate, dir });
          runs.push({ ...loss, scene: sceneName });
        }
        if (existsSync(builtGrabberPath)) {
          // Busy: a frame every tick whatever the heartbeat: only the default against the previous one.
          for (const g of grabberVariants.filter((v) => sceneName === 'idle' || v.name === 'damage-grab-marks' || v.name.startsWith('damage-grab-still-1s'))) {
            const after = killAfter();
            ctx.log(`crash: ${sceneName} round ${i + 1}/${options.runs}: ${g.name}, SIGKILL after ${after} s`);
            const dir = join(ctx.work, 'crash', g.name);
            rmSync(dir, { recursive: true, force: true });
            mkdirSync(dir, { recursive: true });
            const loss = await measureCrashLoss(g.name, (d) => g.output(d, options.frameRate), {
              display: x.display, layout: x.layout, seconds: after, fps: options.frameRate, dir, grabber: builtGrabberPath, grabberOptions: g.grabberOptions(options.frameRate, dir),
            });
            runs.push({ ...loss, scene: sceneName });
          }
        }
      }
    } finally {
      await scene.stop();
    }
  }
  const rows: Array<[string, string, string]> = plan.flatMap(({ scene, variants }) => variants.map((v): [string, string, string] => {
    const of = runs.filter((r) => r.variant === v.name && r.scene === scene);
    return [
      `7. crash loss after SIGKILL, ${scene}: ${v.name}`,
      `${round(median(of.map((r) => r.lostS)), 2)} s lost (worst ${round(Math.max(...of.map((r) => r.lostS)), 2)}) of ${round(median(of.map((r) => r.capturedS)), 1)} s`,
      `target ≤ 1 s; playable ${round(median(of.map((r) => r.playableS)), 1)} s in ${median(of.map((r) => r.frames))} frames, decode errors ${of.reduce((s, r) => s + r.decodeErrors, 0)}; ${v.describe}`,
    ];
  }));
  for (const { scene } of plan) {
    for (const g of grabberVariants) {
      const of = runs.filter((r) => r.variant === g.name && r.scene === scene);
      if (of.length === 0) continue;
      const lost = of.map((r) => r.lostS);
      rows.push([`7. crash loss after SIGKILL, ${scene}: ${g.name}`, `${round(median(lost), 2)} s lost (worst ${round(Math.max(...lost), 2)}) of ${round(median(of.map((r) => r.capturedS)), 1)} s`,
        `target ≤ 1 s; playable ${round(median(of.map((r) => r.playableS)), 1)} s in ${median(of.map((r) => r.frames))} frames, decode errors ${of.reduce((s, r) => s + r.decodeErrors, 0)}; FFmpeg + grabber ${round(median(of.map((r) => r.cpuSPerMin)), 2)} CPU-s/min (start-up included); ${g.describe}`]);
    }
  }
  return { name: 'crash', rows, data: { seconds, killedWithin: [seconds, seconds + 1], runs } };
}

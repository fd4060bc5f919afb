/**
 * Issue 9, figure 7: crash loss. FFmpeg writing a segment is killed with SIGKILL; how many seconds
 * of that open segment still decode, for the original's plain MP4, our current defaults, ours
 * without zerolatency (x264 lookahead) and the previous defaults. Measurement code: bench/crashLoss.ts.
 */
import { join } from 'node:path';
import { existsSync, rmSync, mkdirSync } from 'node:fs';
import { buildEncoderArgs, buildSegmentArgs } from '../../src/adapters/ffmpegArgs';
import { builtGrabberPath } from '../../src/recording/x11Capture';
import { measureCrashLoss, type CrashLoss } from '../crashLoss';
import type { BenchContext, SectionResult } from '../lib/context';
import { variantsNamed } from '../lib/encoders';
import { startScene } from '../lib/scene';
import { median, round } from '../lib/stats';

export async function crashSection(ctx: BenchContext): Promise<SectionResult> {
  const { options, x } = ctx;
  const seconds = options.quick ? 6 : 8;
  const plan: Array<{ scene: 'busy' | 'idle'; variants: ReturnType<typeof variantsNamed> }> = [
    { scene: 'busy', variants: variantsNamed(['original', 'ours', 'keep-all', 'vf-still']) },
    // A still screen: with unchanged frames dropped, a kept frame lasts until the next (≤ 1 s later).
    { scene: 'idle', variants: variantsNamed(['ours', 'still-0.6s', 'still-1s', 'keep-all']) },
  ];
  const runs: Array<CrashLoss & { scene: string }> = [];
  for (const { scene: sceneName, variants } of plan) {
    const scene = await startScene(x, sceneName);
    try {
      for (let i = 0; i < options.runs; i++) {
        for (const v of variants) {
          ctx.log(`crash: ${sceneName} round ${i + 1}/${options.runs}: ${v.name}, SIGKILL after ${seconds} s`);
          const dir = join(ctx.work, 'crash', v.name);
          rmSync(dir, { recursive: true, force: true });
          mkdirSync(dir, { recursive: true });
          const loss = await measureCrashLoss(v.name, (d) => v.output(d, 600, options.frameRate), { display: x.display, layout: x.layout, seconds, fps: options.frameRate, dir });
          runs.push({ ...loss, scene: sceneName });
        }
        if (existsSync(builtGrabberPath)) {
          // The default X11 capture: the damage grabber feeding FFmpeg (no mpdecimate; vfr + setts).
          ctx.log(`crash: ${sceneName} round ${i + 1}/${options.runs}: damage-grab, SIGKILL after ${seconds} s`);
          const dir = join(ctx.work, 'crash', 'damage-grab');
          rmSync(dir, { recursive: true, force: true });
          mkdirSync(dir, { recursive: true });
          const output = (d: string) => [...buildEncoderArgs(undefined, 600, true), ...buildSegmentArgs({ runDir: d, segmentSeconds: 600 })];
          const loss = await measureCrashLoss('damage-grab', output, { display: x.display, layout: x.layout, seconds, fps: options.frameRate, dir, grabber: builtGrabberPath });
          runs.push({ ...loss, scene: sceneName });
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
      `${round(median(of.map((r) => r.lostS)), 2)} s lost of ${round(median(of.map((r) => r.capturedS)), 1)} s`,
      `target ≤ 1 s; playable ${round(median(of.map((r) => r.playableS)), 1)} s in ${median(of.map((r) => r.frames))} frames, decode errors ${of.reduce((s, r) => s + r.decodeErrors, 0)}; ${v.describe}`,
    ];
  }));
  for (const { scene } of plan) {
    const of = runs.filter((r) => r.variant === 'damage-grab' && r.scene === scene);
    if (of.length === 0) continue;
    rows.push([`7. crash loss after SIGKILL, ${scene}: damage-grab`, `${round(median(of.map((r) => r.lostS)), 2)} s lost of ${round(median(of.map((r) => r.capturedS)), 1)} s`,
      `target ≤ 1 s; playable ${round(median(of.map((r) => r.playableS)), 1)} s in ${median(of.map((r) => r.frames))} frames, decode errors ${of.reduce((s, r) => s + r.decodeErrors, 0)}; the damage grabber feeding FFmpeg (the default X11 capture)`]);
  }
  return { name: 'crash', rows, data: { seconds, runs } };
}

/**
 * Issue 9, figure 7: crash loss. FFmpeg writing a segment is killed with SIGKILL; how many seconds
 * of that open segment still decode, for the original's plain MP4, our current defaults, ours
 * without zerolatency (x264 lookahead) and the previous defaults. Measurement code: bench/crashLoss.ts.
 */
import { join } from 'node:path';
import { rmSync, mkdirSync } from 'node:fs';
import { measureCrashLoss, type CrashLoss } from '../crashLoss';
import type { BenchContext, SectionResult } from '../lib/context';
import { variantsNamed } from '../lib/encoders';
import { startScene } from '../lib/scene';
import { median, round } from '../lib/stats';

export async function crashSection(ctx: BenchContext): Promise<SectionResult> {
  const { options, x } = ctx;
  const seconds = options.quick ? 6 : 8;
  const variants = variantsNamed(['original', 'ours', 'vf-still', 'previous']);
  const scene = await startScene(x, 'busy');
  const runs: CrashLoss[] = [];
  try {
    for (let i = 0; i < options.runs; i++) {
      for (const v of variants) {
        ctx.log(`crash: round ${i + 1}/${options.runs}: ${v.name}, SIGKILL after ${seconds} s`);
        const dir = join(ctx.work, 'crash', v.name);
        rmSync(dir, { recursive: true, force: true });
        mkdirSync(dir, { recursive: true });
        runs.push(await measureCrashLoss(v.name, (d) => v.output(d, 600, options.frameRate), { display: x.display, layout: x.layout, seconds, fps: options.frameRate, dir }));
      }
    }
  } finally {
    await scene.stop();
  }
  const rows: Array<[string, string, string]> = variants.map((v) => {
    const of = runs.filter((r) => r.variant === v.name);
    return [
      `7. crash loss after SIGKILL: ${v.name}`,
      `${round(median(of.map((r) => r.lostS)), 2)} s lost of ${round(median(of.map((r) => r.capturedS)), 1)} s`,
      `target ≤ 1 s; playable ${round(median(of.map((r) => r.playableS)), 1)} s, decode errors ${of.reduce((s, r) => s + r.decodeErrors, 0)}; ${v.describe}`,
    ];
  });
  return { name: 'crash', rows, data: { seconds, runs } };
}

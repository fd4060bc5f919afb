/**
 * Issue 9, figure 2 (settings level, live): FFmpeg alone capturing the live screen with the
 * recorder's own input arguments, for the original's settings, ours (current defaults) and ours
 * encoding every frame, on the busy, quiet and idle scenes. Variants alternate inside each round; ratios are taken per round.
 */
import { join } from 'node:path';
import type { BenchContext, SectionResult } from '../lib/context';
import { originalVariant, oursVariant, variantsNamed } from '../lib/encoders';
import { captureLive, type LiveResult } from '../lib/live';
import { startScene, type SceneName } from '../lib/scene';
import { median, ratio, round } from '../lib/stats';

export async function liveSection(ctx: BenchContext): Promise<SectionResult> {
  const { options, x } = ctx;
  // keep-all: ours encoding every frame, to show what dropping unchanged frames changes live.
  const variants = [originalVariant, oursVariant, ...variantsNamed(['keep-all'])];
  const sceneNames: readonly SceneName[] = ['busy', 'quiet', 'idle'];
  const seconds = options.quick ? 6 : 10;
  const rows: Array<[string, string, string]> = [];
  const data: Record<string, LiveResult[][]> = {};
  for (const sceneName of sceneNames) {
    const scene = await startScene(x, sceneName);
    const rounds: LiveResult[][] = [];
    try {
      for (let i = 0; i < options.runs; i++) {
        const order = i % 2 === 0 ? variants : [...variants].reverse();
        const round: LiveResult[] = [];
        for (const v of order) {
          ctx.log(`live: ${sceneName} round ${i + 1}/${options.runs}: ${v.name}`);
          round.push(await captureLive(v, { display: x.display, layout: x.layout, frameRate: options.frameRate, seconds, dir: join(ctx.work, 'live', v.name) }));
        }
        rounds.push(round);
      }
    } finally {
      await scene.stop();
    }
    data[sceneName] = rounds;
    const of = (r: LiveResult[], name: string) => r.find((v) => v.variant === name) as LiveResult;
    for (const v of variants) {
      const cpu = median(rounds.map((r) => of(r, v.name).cpuPerMin));
      const mb = median(rounds.map((r) => of(r, v.name).mbPerMin));
      const cpuRatio = median(rounds.map((r) => ratio(of(r, v.name).cpuPerMin, of(r, 'original').cpuPerMin)));
      const mbRatio = median(rounds.map((r) => ratio(of(r, v.name).mbPerMin, of(r, 'original').mbPerMin)));
      rows.push([
        `2. live x11grab, ${sceneName}: ${v.name}`,
        `${round(cpu, 2)} CPU-s/min, ${round(mb, 2)} MB/min`,
        v.name === 'original' ? v.describe : `× original: CPU ${round(cpuRatio, 2)}, bytes ${round(mbRatio, 2)} (target ≤ 0.5, ≤ 1.0)`,
      ]);
    }
  }
  return { name: 'live', rows, data: { seconds, variants: variants.map((v) => ({ name: v.name, describe: v.describe })), rounds: data } };
}

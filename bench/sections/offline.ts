/**
 * Issue 9, figure 2 (exploration): every encoder variant encodes the same lossless reference clip
 * of each scene, so bytes and quality (SSIM) compare on identical content and CPU is the encoder's
 * alone. Variants alternate inside each round; ratios to the original's settings per round.
 */
import { join } from 'node:path';
import type { BenchContext, SectionResult } from '../lib/context';
import { variantsNamed } from '../lib/encoders';
import { captureReference, encodeReference, type OfflineResult } from '../lib/offline';
import { sceneNames, startScene } from '../lib/scene';
import { median, ratio, round } from '../lib/stats';

export async function offlineSection(ctx: BenchContext): Promise<SectionResult> {
  const { options, x } = ctx;
  const variants = variantsNamed(options.variants);
  if (!variants.some((v) => v.name === 'original')) variants.unshift(variantsNamed(['original'])[0] as (typeof variants)[number]);
  const seconds = options.quick ? 6 : 15;
  const rows: Array<[string, string, string]> = [];
  const data: Record<string, unknown> = {};
  for (const sceneName of sceneNames) {
    const reference = join(ctx.work, `reference-${sceneName}.mkv`);
    ctx.log(`offline: grabbing a ${seconds} s lossless reference of the ${sceneName} scene`);
    const scene = await startScene(x, sceneName);
    try {
      await captureReference(x.display, x.layout.width, x.layout.height, options.frameRate, seconds, reference);
    } finally {
      await scene.stop();
    }
    const rounds: OfflineResult[][] = [];
    for (let i = 0; i < options.runs; i++) {
      const order = i % 2 === 0 ? variants : [...variants].reverse();
      const results: OfflineResult[] = [];
      for (const v of order) {
        ctx.log(`offline: ${sceneName} round ${i + 1}/${options.runs}: ${v.name}`);
        // Bytes and SSIM are the same every round (deterministic encode): SSIM once.
        results.push(await encodeReference(v, reference, options.frameRate, join(ctx.work, 'offline', v.name), i === 0));
      }
      rounds.push(results);
    }
    data[sceneName] = rounds;
    const of = (r: OfflineResult[], name: string) => r.find((v) => v.variant === name) as OfflineResult;
    for (const v of variants) {
      const cpu = median(rounds.map((r) => of(r, v.name).cpuPerMin));
      const mb = median(rounds.map((r) => of(r, v.name).mbPerMin));
      const cpuRatio = median(rounds.map((r) => ratio(of(r, v.name).cpuPerMin, of(r, 'original').cpuPerMin)));
      const mbRatio = median(rounds.map((r) => ratio(of(r, v.name).mbPerMin, of(r, 'original').mbPerMin)));
      const first = rounds[0] ? of(rounds[0], v.name) : undefined;
      rows.push([
        `2. same clip, ${sceneName}: ${v.name}`,
        `${round(cpu, 2)} CPU-s/min, ${round(mb, 2)} MB/min, SSIM ${round(first?.ssimDb ?? Number.NaN, 1)} dB`,
        `${v.name === 'original' ? '' : `× original: CPU ${round(cpuRatio, 2)}, bytes ${round(mbRatio, 2)}; `}${v.describe}`,
      ]);
    }
  }
  return { name: 'offline', rows, data: { seconds, variants: variants.map((v) => ({ name: v.name, describe: v.describe })), rounds: data } };
}

/**
 * Issue 16: what x264's own keyframes cost inside a segment. The recorder forces a keyframe at every
 * segment start; x264 adds its own every `keyint` frames (default 250: 50 s at 5 fps, so once in
 * every 60 s segment of a screen that changes every frame) and at scene cuts. The quality section's
 * 16 s clips never reach 250 frames, so this one encodes a 2-segment lossless reference (x264 qp 0,
 * 4:2:0) of each scene with the recorder's own arguments at 60 s segments, with and without
 * x264's periodic keyframes, and compares bytes, SSIM and keyframes per segment at the same CRF.
 */
import { mkdirSync, readdirSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { buildEncoderArgs, buildOutputFilterArgs, buildSegmentArgs, defaultEncoderSettings, type EncoderSettings } from '../../src/adapters/ffmpegArgs';
import type { BenchContext, SectionResult } from '../lib/context';
import { videoPackets } from '../lib/mp4Bytes';
import { captureReference } from '../lib/offline';
import { runFfmpeg } from '../lib/original';
import { startScene, type SceneName } from '../lib/scene';
import { round } from '../lib/stats';
import { ssimDb } from './quality';

const SEGMENT_S = 60;
const base = defaultEncoderSettings.x264Params ?? '';
// The defaults' own params come first; x264 applies them in order, so a later keyint wins.
const variants: ReadonlyArray<{ name: string; encoder: Partial<EncoderSettings> }> = [
  { name: 'defaults', encoder: {} },
  { name: 'keyint250', encoder: { x264Params: `${base}:keyint=250` } },
  { name: 'keyint-inf-noscenecut', encoder: { x264Params: `${base}:keyint=infinite:scenecut=0` } },
];

export async function keyintSection(ctx: BenchContext): Promise<SectionResult> {
  const seconds = ctx.options.quick ? 2 * SEGMENT_S - 5 : 2 * SEGMENT_S + 5;
  const rate = ctx.options.frameRate;
  const rows: Array<[string, string, string]> = [];
  const data: Record<string, unknown> = {};
  const scenes: SceneName[] = ['busy', 'quiet'];
  for (const sceneName of scenes) {
    const reference = join(ctx.work, `keyint-${sceneName}.mkv`);
    const scene = await startScene(ctx.x, sceneName, 3000);
    try {
      ctx.log(`keyint: grabbing ${seconds} s of the ${sceneName} scene losslessly`);
      await captureReference(ctx.x.display, ctx.x.layout.width, ctx.x.layout.height, rate, seconds, reference);
    } finally {
      await scene.stop();
    }
    const sceneData: Record<string, unknown> = {};
    try {
      for (const v of variants) {
        const dir = join(ctx.work, `keyint-${v.name}`);
        rmSync(dir, { recursive: true, force: true });
        mkdirSync(dir, { recursive: true });
        const r = await runFfmpeg(['-hide_banner', '-loglevel', 'error', '-nostats', '-y', '-i', reference,
          ...buildOutputFilterArgs(v.encoder, rate), ...buildEncoderArgs(v.encoder, SEGMENT_S), ...buildSegmentArgs({ runDir: dir, segmentSeconds: SEGMENT_S })]);
        if (r.code !== 0) throw new Error(`keyint ${v.name}: ffmpeg exited ${r.code}: ${r.stderr}`);
        const files = readdirSync(dir).filter((f) => f.endsWith('.mp4')).sort().map((f) => join(dir, f));
        const bytes = files.reduce((s, f) => s + statSync(f).size, 0);
        const keyframes: number[] = [];
        const keyBytes: number[] = [];
        for (const f of files) {
          const ps = await videoPackets(f);
          keyframes.push(ps.filter((p) => p.key).length);
          keyBytes.push(ps.filter((p) => p.key).reduce((s, p) => s + p.bytes, 0));
        }
        // SSIM over the first segment (a whole 60 s; the reference's first 60 s).
        const ssim = await ssimDb(files[0] as string, reference, rate, { shortest: true });
        sceneData[v.name] = { bytes, files: files.length, keyframes, keyBytes, ssimFirstSegmentDb: ssim, cpuS: r.cpuS };
        ctx.log(`keyint: ${sceneName}: ${v.name}: ${round((bytes / 1e6 / seconds) * 60, 3)} MB/min, keyframes per segment ${keyframes.join('/')}, SSIM (1st segment) ${round(ssim, 2)} dB`);
        rows.push([`keyint: ${sceneName}: ${v.name} (crf ${defaultEncoderSettings.crf}, 60 s segments)`, `${round((bytes / 1e6 / seconds) * 60, 3)} MB/min, SSIM ${round(ssim, 2)} dB`,
          `keyframes per segment ${keyframes.join('/')} (${keyBytes.map((b) => round(b / 1e3, 0)).join('/')} KB), ${round((r.cpuS / seconds) * 60, 2)} CPU-s/min`]);
      }
      data[sceneName] = sceneData;
    } finally {
      rmSync(reference, { force: true });
    }
  }
  return { name: 'keyint', rows, data };
}

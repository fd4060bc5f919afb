/**
 * Issue 16: the bytes goal on the path that records by default on X11 (the damage grabber feeding
 * FFmpeg), measured on what the grabber really wrote rather than on an emulation of it. For each
 * scene the built grabber (the recorder's own arguments: 5 fps, its default heartbeat) records 16 s into
 * an IVF file; that file is the reference. The recorder's encode of it (its own command line with
 * the IVF file for `pipe:3`) is swept over CRFs; the original's settings encode the same frames at
 * a constant 5 fps (the original grabs every frame), at their own CRF 23. SSIM compares both with
 * the reference expanded to a constant 5 fps (each frame lasts until the next one, as on screen),
 * frame N against frame N; bytes and CPU are read at the original's SSIM as in section `quality`.
 * The capture's own cost is not in it (sections `sessions`, `grabber`).
 */
import { execFile } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { buildCaptureArgs } from '../../src/adapters/ffmpegArgs';
import { buildGrabberArgs, defaultGrabberStillFrameSeconds } from '../../src/adapters/damageGrabArgs';
import { builtGrabberPath } from '../../src/recording/x11Capture';
import type { BenchContext, SectionResult } from '../lib/context';
import { runFfmpeg } from '../lib/original';
import { qualitySceneNames, startScene } from '../lib/scene';
import { round } from '../lib/stats';
import { interpolate, ssimDb, type SsimReference } from './quality';

/** The grabber's IVF as the reference: made constant-rate like the file it is compared with. */
const ivfReference = (rate: number): SsimReference => ({ inputArgs: ['-f', 'ivf'], filter: `fps=${rate},setpts=N/(${rate}*TB)`, shortest: true });

const run = promisify(execFile);
const SWEEP = [11, 15, 19, 23, 27];

interface Point {
  readonly crf: number;
  readonly cpuS: number;
  readonly bytes: number;
  readonly ssimDb: number;
}

/** Runs FFmpeg, returns its CPU and the bytes of the .mp4 files it wrote into `dir`, and their SSIM. */
async function encode(args: string[], dir: string, reference: string, rate: number, crf: number): Promise<Point> {
  const r = await runFfmpeg(args);
  if (r.code !== 0) throw new Error(`ffmpeg exited ${r.code}: ${r.stderr.slice(-2000)}`);
  const files = readdirSync(dir).filter((f) => f.endsWith('.mp4')).sort().map((f) => join(dir, f));
  if (files.length !== 1) throw new Error(`expected one file in ${dir}, got ${files.length}`);
  return { crf, cpuS: r.cpuS, bytes: statSync(files[0] as string).size, ssimDb: await ssimDb(files[0] as string, reference, rate, ivfReference(rate)) };
}

export async function grabPathSection(ctx: BenchContext): Promise<SectionResult> {
  const { options, x } = ctx;
  if (!existsSync(builtGrabberPath)) throw new Error(`${builtGrabberPath} is missing: npm run build makes it (needs libx11-dev libxext-dev libxdamage-dev libxfixes-dev)`);
  const seconds = options.quick ? 8 : 16;
  const rate = options.frameRate;
  const rows: Array<[string, string, string]> = [];
  const data: Record<string, unknown> = {};
  for (const sceneName of qualitySceneNames) {
    const reference = join(ctx.work, `grabpath-${sceneName}.ivf`);
    const scene = await startScene(x, sceneName, 3000);
    try {
      ctx.log(`grabpath: ${sceneName}: the damage grabber records ${seconds} s`);
      const grabberArgs = buildGrabberArgs({ display: x.display, frameRate: rate, stillFrameSeconds: defaultGrabberStillFrameSeconds, segmentSeconds: 600 }, x.layout);
      await run('timeout', ['-s', 'TERM', String(seconds), 'sh', '-c', `exec "$0" "$@" > '${reference}'`, builtGrabberPath, ...grabberArgs], { env: x.env }).catch((e: { code?: number }) => {
        if (e.code !== 124) throw e; // timeout's own exit when it stopped the grabber: expected
      });
    } finally {
      await scene.stop();
    }
    try {
      const dir = join(ctx.work, 'grabpath-out');
      const ours = (crf: number) => {
        rmSync(dir, { recursive: true, force: true });
        mkdirSync(dir, { recursive: true });
        const args = buildCaptureArgs({
          source: { kind: 'x11damage', display: x.display, grabberPath: builtGrabberPath }, layout: x.layout, frameRate: rate, segmentSeconds: 600,
          runDir: dir, encoder: { crf },
        }).map((a) => (a === 'pipe:3' ? reference : a)).filter((a) => a !== '-n');
        return encode(['-y', ...args], dir, reference, rate, crf);
      };
      rmSync(dir, { recursive: true, force: true });
      mkdirSync(dir, { recursive: true });
      const original = await encode(['-hide_banner', '-loglevel', 'error', '-nostats', '-y', '-f', 'ivf', '-i', reference, '-vf', `fps=${rate}`,
        '-c:v', 'libx264', '-pix_fmt', 'yuv420p', join(dir, 'original.mp4')], dir, reference, rate, 23);
      const points: Point[] = [];
      for (const crf of SWEEP) points.push(await ours(crf));
      const bytesAt = interpolate(points.map((p) => ({ x: p.ssimDb, y: Math.log(p.bytes) })), original.ssimDb);
      const cpuAt = interpolate(points.map((p) => ({ x: p.ssimDb, y: p.cpuS })), original.ssimDb);
      const crfAt = interpolate(points.map((p) => ({ x: p.ssimDb, y: p.crf })), original.ssimDb);
      const bytes = Math.exp(bytesAt.y);
      const frames = Number((await run('ffprobe', ['-v', 'error', '-count_packets', '-show_entries', 'stream=nb_read_packets', '-of', 'csv=p=0', reference])).stdout.trim());
      ctx.log(`grabpath: ${sceneName}: at ${round(original.ssimDb, 2)} dB (crf ≈ ${round(crfAt.y, 1)}): bytes ${round(bytes / original.bytes, 3)}×, CPU ${round(cpuAt.y / original.cpuS, 3)}× original`);
      rows.push([
        `16g. ${sceneName}: the damage grabber's stream, recorder's encode at the original's SSIM`,
        `bytes ${round(bytes / original.bytes, 3)}×, encode CPU ${round(cpuAt.y / original.cpuS, 3)}× (crf ≈ ${round(crfAt.y, 1)}${bytesAt.extrapolated ? ', extrapolated' : ''})`,
        `original (crf 23, every frame at ${rate} fps): ${round(original.ssimDb, 2)} dB, ${original.bytes} B; the grabber wrote ${frames} frames in ${seconds} s; ` +
          `sweep ${points.map((p) => `crf ${p.crf}: ${round(p.ssimDb, 2)} dB ${p.bytes} B`).join(', ')}`,
      ]);
      data[sceneName] = { seconds, frames, original, points, atOriginalSsim: { bytes, cpuS: cpuAt.y, crf: crfAt.y, extrapolated: bytesAt.extrapolated } };
      rmSync(dir, { recursive: true, force: true });
    } finally {
      rmSync(reference, { force: true });
    }
  }
  return { name: 'grabpath', rows, data: { sweep: SWEEP, scenes: data } };
}

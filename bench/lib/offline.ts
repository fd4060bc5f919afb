/**
 * Encoder settings compared on identical input: a short lossless reference clip of each scene is
 * grabbed once, then every variant encodes that same clip. CPU (exact, waited-for children), bytes,
 * and quality (SSIM against the reference) per minute of video.
 */
import { execFile } from 'node:child_process';
import { mkdirSync, readdirSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import type { Variant } from './encoders';
import { decodeTimeline, mbPerMinuteAtKeyframeInterval } from './media';
import { runFfmpeg } from './original';

const run = promisify(execFile);

/** Grabs `seconds` of the screen losslessly (x264 qp 0, 4:2:0: what every variant encodes from). */
export async function captureReference(display: string, width: number, height: number, frameRate: number, seconds: number, file: string): Promise<void> {
  const r = await runFfmpeg(['-hide_banner', '-loglevel', 'error', '-y', '-f', 'x11grab', '-framerate', String(frameRate), '-draw_mouse', '1',
    '-video_size', `${width}x${height}`, '-i', `${display}+0,0`, '-t', String(seconds),
    '-c:v', 'libx264', '-preset', 'ultrafast', '-qp', '0', '-pix_fmt', 'yuv420p', file]);
  if (r.code !== 0) throw new Error(`reference capture failed (${r.code}): ${r.stderr}`);
}

export interface OfflineResult {
  readonly variant: string;
  readonly cpuPerMin: number;
  /** Bytes normalised to one keyframe per 60 s (see mbPerMinuteAtKeyframeInterval); raw beside it. */
  readonly mbPerMin: number;
  readonly mbPerMinRaw: number;
  readonly ssim: number;
  /** The same SSIM in decibels (−10·log10(1−SSIM)): easier to compare near 1. */
  readonly ssimDb: number;
  readonly frames: number;
}

export async function encodeReference(variant: Variant, reference: string, frameRate: number, dir: string, withSsim: boolean): Promise<OfflineResult> {
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  // The fixed cost of starting FFmpeg (a one-frame encode) is subtracted: sessions start once per hours.
  const startupDir = `${dir}-startup`;
  rmSync(startupDir, { recursive: true, force: true });
  mkdirSync(startupDir, { recursive: true });
  const startup = await runFfmpeg(['-hide_banner', '-loglevel', 'error', '-nostats', '-y', '-i', reference, '-frames:v', '1', ...variant.output(startupDir, 600, frameRate)]);
  const r = await runFfmpeg(['-hide_banner', '-loglevel', 'error', '-nostats', '-y', '-i', reference, ...variant.output(dir, 600, frameRate)]);
  if (r.code !== 0 || startup.code !== 0) throw new Error(`${variant.name}: ffmpeg exited ${r.code}/${startup.code}: ${r.stderr}${startup.stderr}`);
  const files = readdirSync(dir).filter((f) => f.endsWith('.mp4')).map((f) => join(dir, f));
  const bytes = files.reduce((sum, f) => sum + statSync(f).size, 0);
  const ref = await decodeTimeline(reference, frameRate);
  const videoMin = ref.seconds / 60;
  const out = files[0] as string;
  const frames = (await decodeTimeline(out, frameRate)).frames;
  const quality = withSsim ? await ssim(out, reference, frameRate) : { ssim: Number.NaN, db: Number.NaN };
  return {
    variant: variant.name,
    cpuPerMin: (r.cpuS - startup.cpuS) / (videoMin - 1 / frameRate / 60),
    mbPerMin: await mbPerMinuteAtKeyframeInterval(files.map((path) => ({ path, bytes: statSync(path).size })), ref.seconds, 60),
    mbPerMinRaw: bytes / 1e6 / videoMin,
    ssim: quality.ssim,
    ssimDb: quality.db,
    frames,
  };
}

/** Mean SSIM (all planes) of `file` against `reference`, frame by frame on a constant-rate timeline. */
export async function ssim(file: string, reference: string, frameRate: number): Promise<{ ssim: number; db: number }> {
  const graph = `[0:v]fps=${frameRate},setpts=N/(${frameRate}*TB)[a];[1:v]setpts=N/(${frameRate}*TB)[b];[a][b]ssim`;
  const { stderr } = await run('ffmpeg', ['-hide_banner', '-nostats', '-i', file, '-i', reference, '-lavfi', graph, '-f', 'null', '-'], { maxBuffer: 16 * 1024 * 1024 });
  const match = /SSIM .*All:([\d.]+) \(([\d.]+|inf)\)/.exec(stderr);
  return match ? { ssim: Number(match[1]), db: Number(match[2]) } : { ssim: Number.NaN, db: Number.NaN };
}

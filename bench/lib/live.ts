/**
 * One encoder variant capturing the live screen (x11grab, the recorder's own input arguments) for a
 * few seconds, stopped with "q" like the recorder does. CPU is exact (the benchmark's waited-for
 * children) and covers every captured frame, including frames an encoder with lookahead (the
 * original's medium preset holds ~9 s at 5 fps) only encodes at the end; the fixed cost of starting
 * FFmpeg (measured by a one-frame run of the same variant) is subtracted, since a real session
 * starts once per hours. Bytes per minute of decoded video, with one keyframe per 60 s as in a
 * session (see mbPerMinuteAtKeyframeInterval).
 */
import { mkdirSync, readdirSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { buildInputArgs } from '../../src/adapters/ffmpegArgs';
import type { DisplayLayout } from '../../src/domain/displayLayout';
import type { Variant } from './encoders';
import { decodeTimeline, mbPerMinuteAtKeyframeInterval } from './media';
import { runFfmpeg } from './original';

export interface LiveResult {
  readonly variant: string;
  readonly cpuPerMin: number;
  /** Bytes as they were written (one keyframe in a short clip). */
  readonly mbPerMinRaw: number;
  /** Bytes normalised to one keyframe per 60 s, as in a real session with 60 s segments. */
  readonly mbPerMin: number;
  readonly videoS: number;
  /** CPU of a one-frame run (start-up and shutdown), subtracted above. */
  readonly startupCpuS: number;
}

export async function captureLive(variant: Variant, options: {
  readonly display: string; readonly layout: DisplayLayout; readonly frameRate: number;
  readonly seconds: number; readonly dir: string;
}): Promise<LiveResult> {
  const input = ['-hide_banner', '-loglevel', 'error', '-nostats', '-y',
    ...buildInputArgs({ kind: 'x11grab', display: options.display }, options.layout, options.frameRate)];
  const fresh = (dir: string) => {
    rmSync(dir, { recursive: true, force: true });
    mkdirSync(dir, { recursive: true });
    return dir;
  };
  const startupDir = fresh(`${options.dir}-startup`);
  const startup = await runFfmpeg([...input, '-frames:v', '1', ...variant.output(startupDir, 600, options.frameRate)]);
  const dir = fresh(options.dir);
  const r = await runFfmpeg([...input, ...variant.output(dir, 600, options.frameRate)], options.seconds * 1000);
  if (r.code !== 0 || startup.code !== 0) throw new Error(`${variant.name}: ffmpeg exited ${r.code}/${startup.code}: ${r.stderr}${startup.stderr}`);
  const files = readdirSync(dir).filter((f) => f.endsWith('.mp4')).map((f) => join(dir, f));
  let bytes = 0;
  let videoS = 0;
  for (const f of files) {
    bytes += statSync(f).size;
    videoS += (await decodeTimeline(f, options.frameRate)).seconds;
  }
  return {
    variant: variant.name,
    cpuPerMin: ((r.cpuS - startup.cpuS) / (videoS - 1 / options.frameRate)) * 60,
    mbPerMinRaw: (bytes / 1e6 / videoS) * 60,
    mbPerMin: await mbPerMinuteAtKeyframeInterval(files.map((path) => ({ path, bytes: statSync(path).size })), videoS, 60),
    videoS,
    startupCpuS: startup.cpuS,
  };
}

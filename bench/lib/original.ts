/**
 * The original design, as the issue describes it: FFmpeg restarted for every segment with `-t`,
 * plain MP4, libx264 with its default preset (medium), 5 fps. One run after the other, as fast as a
 * script can restart it. Each run's CPU is exact: the benchmark is its parent and reads its own
 * waited-for children's CPU before and after.
 */
import { spawn } from 'node:child_process';
import { statSync } from 'node:fs';
import { join } from 'node:path';
import { firstFrameAtMs, StderrScanner } from '../../src/adapters/ffmpegStderr';
import { waitedChildrenCpu } from './proc';

export interface OriginalRun {
  readonly file: string;
  readonly spawnedAtMs: number;
  readonly exitedAtMs: number;
  readonly firstFrameAtMs: number | null;
  readonly cpuS: number;
  readonly bytes: number;
  readonly code: number | null;
}

/** The original's command line for one segment (x11grab of the whole screen). */
export function originalArgs(display: string, width: number, height: number, frameRate: number, seconds: number, out: string): string[] {
  return ['-hide_banner', '-loglevel', 'info', '-nostats', '-y', '-f', 'x11grab', '-framerate', String(frameRate),
    '-video_size', `${width}x${height}`, '-i', `${display}+0,0`, '-t', String(seconds),
    '-c:v', 'libx264', '-pix_fmt', 'yuv420p', out];
}

/** Runs one FFmpeg process to completion; `stop` (if given) sends "q" after that many ms. */
export async function runFfmpeg(args: readonly string[], stopAfterMs?: number): Promise<{ spawnedAtMs: number; exitedAtMs: number; firstFrameAtMs: number | null; cpuS: number; code: number | null; stderr: string }> {
  const cpuBefore = waitedChildrenCpu();
  const spawnedAtMs = Date.now();
  const child = spawn('ffmpeg', args, { stdio: ['pipe', 'ignore', 'pipe'] });
  const scanner = new StderrScanner(8000);
  let firstFrame: number | null = null;
  child.stderr.on('data', (d: Buffer) => {
    for (const fact of scanner.push(d.toString())) {
      if (fact.kind === 'inputStart' && firstFrame === null) firstFrame = firstFrameAtMs(fact.seconds, spawnedAtMs);
    }
  });
  child.stdin.on('error', () => undefined);
  const timer = stopAfterMs === undefined ? undefined : setTimeout(() => child.stdin.write('q'), stopAfterMs);
  const code = await new Promise<number | null>((resolve, reject) => {
    child.once('error', reject);
    child.once('close', (c) => resolve(c));
  });
  clearTimeout(timer);
  scanner.end();
  return { spawnedAtMs, exitedAtMs: Date.now(), firstFrameAtMs: firstFrame, cpuS: waitedChildrenCpu() - cpuBefore, code, stderr: scanner.tail() };
}

/** `segments` back-to-back runs of `segmentSeconds` each. */
export async function runOriginalSession(options: {
  readonly display: string; readonly width: number; readonly height: number;
  readonly frameRate: number; readonly segmentSeconds: number; readonly segments: number; readonly dir: string;
}): Promise<OriginalRun[]> {
  const runs: OriginalRun[] = [];
  for (let i = 0; i < options.segments; i++) {
    const file = join(options.dir, `original-${String(i).padStart(3, '0')}.mp4`);
    const r = await runFfmpeg(originalArgs(options.display, options.width, options.height, options.frameRate, options.segmentSeconds, file));
    let bytes = 0;
    try {
      bytes = statSync(file).size;
    } catch {
      /* nothing written */
    }
    runs.push({ file, spawnedAtMs: r.spawnedAtMs, exitedAtMs: r.exitedAtMs, firstFrameAtMs: r.firstFrameAtMs, cpuS: r.cpuS, bytes, code: r.code });
  }
  return runs;
}

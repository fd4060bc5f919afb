/** What a video file really holds: every decoded frame's timestamp (ffprobe decodes them all). */
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';

const run = promisify(execFile);

export interface Decoded {
  readonly frames: number;
  /** Presentation time of the first and last decoded frame, seconds. */
  readonly firstPts: number;
  readonly lastPts: number;
  /**
   * Seconds of video a player shows: last − first frame time plus one frame duration (the
   * nominal 1/fps: the last frame's own duration is not stored reliably). 0 when nothing decodes.
   */
  readonly seconds: number;
  /** FFmpeg's error lines while decoding (empty when clean). */
  readonly errors: string;
}

export async function decodeTimeline(path: string, frameRate: number): Promise<Decoded> {
  let stdout = '';
  let stderr = '';
  try {
    ({ stdout, stderr } = await run('ffprobe', ['-v', 'error', '-select_streams', 'v:0', '-show_entries', 'frame=pts_time,pkt_dts_time',
      '-of', 'csv=p=0', path], { maxBuffer: 64 * 1024 * 1024 }));
  } catch (error) {
    const e = error as { stdout?: string; stderr?: string; message: string };
    stdout = e.stdout ?? '';
    stderr = e.stderr || e.message;
  }
  const times = stdout.split('\n').map((line) => {
    const [pts, dts] = line.split(',');
    const value = Number.parseFloat(pts && pts !== 'N/A' ? pts : (dts ?? ''));
    return value;
  }).filter(Number.isFinite);
  if (times.length === 0) return { frames: 0, firstPts: 0, lastPts: 0, seconds: 0, errors: stderr.trim() };
  const firstPts = Math.min(...times);
  const lastPts = Math.max(...times);
  // With unchanged frames dropped (VFR) a frame lasts until the next one: the container's duration
  // (the last frame's end) is the timeline; at a constant rate it equals the last pts + 1/fps.
  const containerEnd = await containerDuration(path);
  const seconds = Math.max(lastPts - firstPts + 1 / frameRate, containerEnd === null ? 0 : containerEnd - firstPts);
  return { frames: times.length, firstPts, lastPts, seconds, errors: stderr.trim() };
}

async function containerDuration(path: string): Promise<number | null> {
  try {
    const { stdout } = await run('ffprobe', ['-v', 'error', '-show_entries', 'format=duration', '-of', 'default=nw=1:nk=1', path]);
    const seconds = Number.parseFloat(stdout.trim());
    return Number.isFinite(seconds) ? seconds : null;
  } catch {
    return null;
  }
}

export interface Interval {
  readonly startMs: number;
  readonly endMs: number;
}

/** Share of [window] covered by the union of `intervals`. */
export function coveredShare(intervals: readonly Interval[], window: Interval): { coveredMs: number; share: number; gapsMs: number[] } {
  const sorted = intervals
    .map((i) => ({ startMs: Math.max(i.startMs, window.startMs), endMs: Math.min(i.endMs, window.endMs) }))
    .filter((i) => i.endMs > i.startMs)
    .sort((a, b) => a.startMs - b.startMs);
  let coveredMs = 0;
  let reach = window.startMs;
  const gapsMs: number[] = [];
  for (const i of sorted) {
    if (i.startMs > reach) gapsMs.push(i.startMs - reach);
    if (i.endMs > reach) {
      coveredMs += i.endMs - Math.max(i.startMs, reach);
      reach = i.endMs;
    }
  }
  if (window.endMs > reach) gapsMs.push(window.endMs - reach);
  const total = window.endMs - window.startMs;
  return { coveredMs, share: total > 0 ? coveredMs / total : Number.NaN, gapsMs };
}

export async function ffmpegVersion(): Promise<string> {
  const { stdout } = await run('ffmpeg', ['-version']);
  return stdout.split('\n')[0]?.split(' ')[2] ?? '?';
}

/**
 * Bytes per minute as a session with one keyframe per `keyframeEveryS` (the recorder's default
 * 60 s segments each start with one) would store them: a short benchmark clip holds one keyframe in
 * a few seconds, which would otherwise dominate its bytes (a 1080p keyframe of text is ~100 KB).
 * The file's other bytes (inter frames, container) count as they are.
 */
export async function mbPerMinuteAtKeyframeInterval(files: readonly { path: string; bytes: number }[], videoS: number, keyframeEveryS: number): Promise<number> {
  let bytes = 0;
  let keyBytes = 0;
  let keyframes = 0;
  for (const f of files) {
    bytes += f.bytes;
    const { stdout } = await run('ffprobe', ['-v', 'error', '-select_streams', 'v:0', '-show_entries', 'packet=size,flags', '-of', 'csv=p=0', f.path], { maxBuffer: 64 * 1024 * 1024 });
    for (const line of stdout.split('\n')) {
      const [size, flags] = line.split(',');
      if (flags?.includes('K')) {
        keyBytes += Number(size);
        keyframes++;
      }
    }
  }
  const normalized = keyframes === 0 ? bytes : bytes - keyBytes + (keyBytes / keyframes) * (videoS / keyframeEveryS);
  return (normalized / 1e6 / videoS) * 60;
}

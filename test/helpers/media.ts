import { execFile } from 'node:child_process';
import { promisify } from 'node:util';

const run = promisify(execFile);

export interface MediaInfo {
  readonly durationSeconds: number;
  readonly width: number;
  readonly height: number;
}

/** ffprobe's view of a file: container duration and the video stream's size. */
export async function probeMedia(path: string): Promise<MediaInfo> {
  const { stdout } = await run('ffprobe', ['-v', 'error', '-select_streams', 'v:0', '-show_entries', 'format=duration:stream=width,height', '-of', 'json', path]);
  const json = JSON.parse(stdout) as { format?: { duration?: string }; streams?: { width?: number; height?: number }[] };
  return {
    durationSeconds: Number(json.format?.duration ?? NaN),
    width: json.streams?.[0]?.width ?? 0,
    height: json.streams?.[0]?.height ?? 0,
  };
}

/** Decodes every frame; returns FFmpeg's error output (empty when the file is clean). */
export async function decodeErrors(path: string): Promise<string> {
  const { stderr } = await run('ffmpeg', ['-v', 'error', '-xerror', '-i', path, '-f', 'null', '-'], { maxBuffer: 16 * 1024 * 1024 }).catch(
    (error: { stderr?: string; message: string }) => ({ stderr: error.stderr || error.message }),
  );
  return stderr.trim();
}

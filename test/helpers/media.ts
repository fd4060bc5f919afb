import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
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

/** What `decodeChain` needs of a manifest entry. */
export interface ChainLink {
  readonly runId: string;
  readonly index: number;
  readonly continuesPrevious?: boolean;
}

/**
 * The entries a segment needs to be decoded, in order: the entries of its run back to one that
 * starts with a keyframe (no `continuesPrevious`), then itself. Throws when a link is not there.
 */
export function decodeChain<E extends ChainLink>(entries: readonly E[], entry: E): E[] {
  const chain = [entry];
  let at = entry;
  while (at.continuesPrevious === true) {
    const prev = entries.find((e) => e.runId === at.runId && e.index === at.index - 1);
    if (prev === undefined) throw new Error(`segment ${at.index} of run ${at.runId} continues segment ${at.index - 1}, which is not among the entries`);
    chain.unshift(prev);
    at = prev;
  }
  return chain;
}

/**
 * Decodes the files one after the other as one stream; FFmpeg's error output, empty when clean.
 * Joined by stream copy first (FFmpeg's concat demuxer, as `export` does), then decoded: the concat
 * demuxer probes each file alone on opening, and a file that continues the one before logs
 * "Missing reference picture" while being probed although the joined stream decodes clean.
 */
export async function decodeErrorsJoined(paths: readonly string[]): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'decode-joined-'));
  try {
    const joined = join(dir, 'joined.mp4');
    await joinByCopy(paths, joined);
    return await decodeErrors(joined);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/** Joins `paths` into `out` (MP4) by stream copy with FFmpeg's concat demuxer, as `export` does. */
export async function joinByCopy(paths: readonly string[], out: string): Promise<void> {
  const list = `ffconcat version 1.0\n${paths.map((p) => `file '${p.replace(/'/g, "'\\''")}'\n`).join('')}`;
  const listPath = `${out}.ffconcat`;
  await writeFile(listPath, list);
  try {
    await run('ffmpeg', ['-v', 'error', '-y', '-f', 'concat', '-safe', '0', '-i', listPath, '-map', '0:v', '-c', 'copy', '-f', 'mp4', out], { maxBuffer: 16 * 1024 * 1024 });
  } finally {
    await rm(listPath, { force: true });
  }
}

/**
 * What `export` makes of a session, decided from the manifest alone. Pure.
 *
 * Segments are joined without re-encoding (FFmpeg's concat demuxer, `-c copy`) as long as the
 * screen layout stays the same: an H.264 stream in MP4 has one set of parameters (size, SPS/PPS),
 * so a stream-copied join across a resolution change would not decode. At a resolution change:
 *
 * - default (`split`): one file per run of same-size segments, named `<out>-partN-WxH.mp4`
 *   (a session without a change gives exactly `<out>`). Lossless and fast; nothing re-encoded.
 * - `--single-file`: one file at the largest layout. Each run is first joined losslessly, then
 *   every run is scaled to fit and padded (letterboxed, never stretched or cropped) and encoded
 *   once with libx264. Slower, and the picture is re-encoded: use it when one file matters more.
 */
import { basename, dirname, extname, join } from 'node:path';
import type { ManifestEntry } from '../domain/manifest';

export type ExportMode = 'split' | 'single-file';

export interface LayoutRun {
  readonly width: number;
  readonly height: number;
  /** Consecutive manifest entries with this layout. */
  readonly entries: readonly ManifestEntry[];
  readonly seconds: number;
}

export function layoutRuns(entries: readonly ManifestEntry[]): LayoutRun[] {
  const runs: { width: number; height: number; entries: ManifestEntry[] }[] = [];
  for (const entry of entries) {
    const last = runs[runs.length - 1];
    if (last !== undefined && last.width === entry.width && last.height === entry.height) last.entries.push(entry);
    else runs.push({ width: entry.width, height: entry.height, entries: [entry] });
  }
  return runs.map((r) => ({ ...r, seconds: Math.round(r.entries.reduce((s, e) => s + e.durationSeconds * 1000, 0)) / 1000 }));
}

/** `<out>` for a single run; `<out without extension>-partN-WxH<ext>` for each of several. */
export function partPaths(out: string, runs: readonly LayoutRun[]): string[] {
  if (runs.length === 1) return [out];
  const ext = extname(out) || '.mp4';
  const stem = basename(out, extname(out));
  const digits = String(runs.length).length;
  return runs.map((r, i) => join(dirname(out), `${stem}-part${String(i + 1).padStart(digits, '0')}-${r.width}x${r.height}${ext}`));
}

/** The largest layout by area (the first of equals): nothing is scaled down when everything is fitted into it. */
export function targetLayout(runs: readonly LayoutRun[]): { width: number; height: number } {
  let best = runs[0] ?? { width: 0, height: 0 };
  for (const r of runs) if (r.width * r.height > best.width * best.height) best = r;
  return { width: best.width, height: best.height };
}

/**
 * An ffconcat list of absolute paths (quotes escaped as the concat demuxer wants). Each file may
 * be opened only by the MP4 demuxer and only from the local file system: FFmpeg must not guess
 * (an HLS playlist posing as a segment would pull in other files).
 */
export function concatList(files: readonly string[]): string {
  const options = `option format_whitelist ${MP4_DEMUXER}\noption protocol_whitelist file\n`;
  return `ffconcat version 1.0\n${files.map((f) => `file '${f.replace(/'/g, "'\\''")}'\n${options}`).join('')}`;
}

/** The FFmpeg demuxer that reads MP4 (and QuickTime): the only format segments are opened with. */
export const MP4_DEMUXER = 'mov,mp4,m4a,3gp,3g2,mj2';

const PROGRESS = ['-progress', 'pipe:1', '-nostats', '-v', 'error', '-y'];

/** Joins same-layout segments without re-encoding: fragmented MP4 in, regular MP4 with the index in front out. */
export function copyJoinArgs(listPath: string, outPath: string): string[] {
  return [...PROGRESS, '-f', 'concat', '-safe', '0', '-i', listPath, '-map', '0:v', '-c', 'copy', '-movflags', '+faststart', '-f', 'mp4', outPath];
}

/** Fits each run file into the target layout (scale down/up keeping the aspect ratio, pad) and encodes them as one. */
export function fitJoinArgs(runFiles: readonly string[], target: { width: number; height: number }, outPath: string): string[] {
  const { width: w, height: h } = target;
  const inputs = runFiles.flatMap((f) => ['-f', 'mp4', '-i', f]);
  const fits = runFiles.map(
    (_f, i) => `[${i}:v]scale=${w}:${h}:force_original_aspect_ratio=decrease,pad=${w}:${h}:(ow-iw)/2:(oh-ih)/2,setsar=1,format=yuv420p[v${i}]`,
  );
  const joined = `${runFiles.map((_f, i) => `[v${i}]`).join('')}concat=n=${runFiles.length}:v=1:a=0[out]`;
  return [
    ...PROGRESS, ...inputs,
    '-filter_complex', [...fits, joined].join(';'),
    '-map', '[out]', '-fps_mode', 'vfr', '-c:v', 'libx264', '-preset', 'veryfast', '-crf', '23', '-pix_fmt', 'yuv420p', '-movflags', '+faststart', '-f', 'mp4', outPath,
  ];
}

/** Seconds written so far, from one line of FFmpeg's `-progress` output (`out_time_us=12345678`). */
export function progressSeconds(line: string): number | undefined {
  const m = /^out_time_(?:us|ms)=(\d+)$/.exec(line.trim());
  return m ? Number(m[1]) / 1e6 : undefined;
}

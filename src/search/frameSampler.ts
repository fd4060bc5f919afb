/**
 * Which frames of a segment are read by OCR, as FFmpeg arguments (pure data), and the frame times
 * read back from FFmpeg's `showinfo` lines. The frames come out on FFmpeg's stdout as a stream of
 * 8-bit gray PGM images (pgmStream.ts): `search` compares each with the one before and reads only
 * the bands that changed (changedBands.ts). Pure.
 *
 * Sampling (measured: BENCHMARKS.md, `npm run bench -- --only search`):
 * - at most one frame a second (`select` on the time since the last selected frame), then
 * - only frames that differ from the last one kept (`mpdecimate`: a new line of text changes
 *   many 8x8 blocks; an unchanged screen gives no frame at all),
 * - scaled 3x with bicubic and made grayscale: tesseract 5.3 reads a 14 pt xterm line exactly at
 *   1x, 2x and 3x, but xterm's default 6x13 bitmap font only at 3x (at 1x and 2x not at all; a
 *   2.5x lanczos or 3x neighbor scale misread characters). Measured on 6 frames of a 1280x720
 *   x11grab, tesseract batch mode, one thread: 0.35 CPU-s at 1x, 0.70 at 2x, 1.35 at 3x. Terminals
 *   in the default font are common on these desktops, so reading them is worth ~4x the CPU.
 * Text that appears and is gone within a second may be missed; a sampled frame is shown up to
 * one second after the text appeared.
 */

/** Changing any of these changes what OCR reads: it is part of the cache entry (ocrCache.ts). */
export const SAMPLER = { id: 'sample-1s-mpdecimate-3x-bicubic-gray-changed-bands-psm3-then-sparse-psm6', intervalSeconds: 1, scale: 3, scaler: 'bicubic' } as const;

/**
 * Tesseract page segmentation modes. 3 (automatic layout) reads windows of different text sizes
 * apart, but on the bench's quiet 1920x1080 scene (a terminal grid of xterm's bitmap font: aligned
 * columns) it found no line at all; 6 (one uniform block) reads every line there, but joins
 * side-by-side windows into one line and loses small text next to large. Every crop is read with
 * 3; only crops where it found little (screenLines.ts `needsBlockPass`) with 6 as well.
 */
export const PSM_LAYOUT = '3';
export const PSM_BLOCK = '6';

/**
 * The filter chain: rate cap, change filter, upscale, grayscale, then showinfo (the times). With
 * `fromSeconds` (a segment decoded after the links of its chain, ocrChain.ts), the frames before
 * it are dropped first and the rest start from 0 again, so the segment is sampled and timed
 * exactly as one that decodes alone (its first frame always read whole).
 */
export function samplerFilter(sampler: typeof SAMPLER = SAMPLER, fromSeconds?: number): string {
  return [
    ...(fromSeconds === undefined ? [] : [`select='gte(t,${fromSeconds - 0.5})'`, `setpts=PTS-${fromSeconds}/TB`]),
    `select='isnan(prev_selected_t)+gte(t-prev_selected_t,${sampler.intervalSeconds})'`,
    'mpdecimate',
    `scale=iw*${sampler.scale}:ih*${sampler.scale}:flags=${sampler.scaler}`,
    'format=gray',
    'showinfo',
  ].join(',');
}

/**
 * FFmpeg arguments: decode `input`, write the sampled frames to stdout as binary PGM images, in
 * order. With `chain`, `input` is an ffconcat list of a segment's chain (ocrChain.ts) and only the
 * frames from `chain.fromSeconds` (the last link's start) are sampled.
 */
export function samplerArgs(input: string, sampler: typeof SAMPLER = SAMPLER, chain?: { readonly fromSeconds: number }): string[] {
  return [
    '-nostdin', '-hide_banner', '-nostats', '-loglevel', 'info',
    ...(chain === undefined ? [] : ['-f', 'concat', '-safe', '0']),
    '-i', input,
    '-map', '0:v:0', '-an', '-sn', '-dn',
    '-vf', samplerFilter(sampler, chain?.fromSeconds),
    // Every frame the filters give is written once: no duplication or dropping to a frame rate.
    '-fps_mode', 'passthrough',
    '-f', 'image2pipe', '-c:v', 'pgm',
    'pipe:1',
  ];
}

/** `[Parsed_showinfo_4 @ 0x…] n:   3 pts:  30720 pts_time:3  pos: …`: the frame's number and time in seconds. */
export function parseShowinfo(line: string): { n: number; ptsTime: number } | undefined {
  const m = /\[Parsed_showinfo_\d+ @ [^\]]*\] n:\s*(\d+) pts:\s*-?\d+ pts_time:(-?[\d.]+(?:e[-+]?\d+)?)/.exec(line);
  if (!m) return undefined;
  const n = Number(m[1]);
  const ptsTime = Number(m[2]);
  return Number.isFinite(ptsTime) ? { n, ptsTime } : undefined;
}

/** Every frame time (seconds) in `stderr`, indexed by frame number: index i is the i-th image on stdout (from 0). */
export function frameTimes(stderr: string): number[] {
  const times: number[] = [];
  for (const line of stderr.split('\n')) {
    const info = parseShowinfo(line);
    if (info !== undefined) times[info.n] = info.ptsTime;
  }
  return times;
}

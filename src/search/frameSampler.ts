/**
 * Which frames of a segment are read by OCR, as FFmpeg arguments (pure data), and the frame times
 * read back from FFmpeg's `showinfo` lines. Pure.
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
export const SAMPLER = { id: 'sample-1s-mpdecimate-3x-bicubic-gray-psm3+6', intervalSeconds: 1, scale: 3, scaler: 'bicubic' } as const;

/**
 * Tesseract page segmentation modes, each run over every frame; their lines are merged. 3 (automatic
 * layout) reads windows of different text sizes apart, but on the bench's quiet 1920x1080 scene (a
 * terminal grid of xterm's bitmap font: aligned columns) it found no line at all; 6 (one uniform
 * block) reads every line there, but joins side-by-side windows into one line and loses small text
 * next to large. Both together cost about 3x one pass (6 is the slower).
 */
export const PAGE_SEGMENTATION_MODES = ['3', '6'] as const;

/** The filter chain: rate cap, change filter, upscale, grayscale, then showinfo (the times). */
export function samplerFilter(sampler: typeof SAMPLER = SAMPLER): string {
  return [
    `select='isnan(prev_selected_t)+gte(t-prev_selected_t,${sampler.intervalSeconds})'`,
    'mpdecimate',
    `scale=iw*${sampler.scale}:ih*${sampler.scale}:flags=${sampler.scaler}`,
    'format=gray',
    'showinfo',
  ].join(',');
}

/** FFmpeg arguments: decode `input`, write the sampled frames as `<dir>/000001.png`, ... in order. */
export function samplerArgs(input: string, framesDir: string, sampler: typeof SAMPLER = SAMPLER): string[] {
  return [
    '-nostdin', '-hide_banner', '-nostats', '-loglevel', 'info',
    '-i', input,
    '-map', '0:v:0', '-an', '-sn', '-dn',
    '-vf', samplerFilter(sampler),
    // Every frame the filters give is written once: no duplication or dropping to a frame rate.
    '-fps_mode', 'passthrough',
    '-f', 'image2', '-c:v', 'png', '-compression_level', '1',
    `${framesDir}/%06d.png`,
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

/** Every frame time (seconds) in `stderr`, indexed by frame number: index i is file i+1. */
export function frameTimes(stderr: string): number[] {
  const times: number[] = [];
  for (const line of stderr.split('\n')) {
    const info = parseShowinfo(line);
    if (info !== undefined) times[info.n] = info.ptsTime;
  }
  return times;
}

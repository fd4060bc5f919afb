/**
 * libx264 settings of the capture encode, their defaults (each explained from the bench's data) and
 * the two pieces that keep a variable frame rate's timeline exact. Pure data; ffmpegArgs.ts builds
 * the command lines from them (and re-exports them).
 */

/** libx264 settings. Defaults measured on a 2-core machine (BENCHMARKS.md, `npm run bench -- --only quality`). */
export interface EncoderSettings {
  /** x264 preset. Default `veryfast`: ~35 % less CPU than `medium` for ~10 % more bytes. */
  readonly preset: string;
  /**
   * x264 tune, or null for none. Default `stillimage,zerolatency`: zerolatency means no lookahead
   * and no B-frames, so a killed FFmpeg loses ~0.2 s instead of ~3.5 s of encoder delay, and
   * segments close right at their end; stillimage lowers psychovisual settings that waste bits on text.
   */
  readonly tune: string | null;
  /**
   * Constant rate factor, 0–51, lower is better quality. Default 19: with `qcomp=0.9` (below) x264's
   * CRF scale moves by ~4 (the CRF reaching a given SSIM fell by 3.6–4.7 on every scene), so 19 keeps
   * the quality that 23 gave before (BENCHMARKS.md, issue 16, fourth round).
   */
  readonly crf: number;
  /**
   * Extra `-x264-params`, or null. Default `ref=2:me=umh:merange=32:qcomp=0.9:keyint=infinite`. The wider motion
   * search finds scrolled text that veryfast's 16-pixel search misses (−59 % bytes busy, −23 %
   * quiet, issue 9). `qcomp=0.9` (x264's default 0.6) keeps the quantiser nearly constant across
   * frames instead of coding complex frames (a keyframe, a scrolled page) coarser: on a screen
   * those frames are what the following frames copy for seconds or minutes, which is what x264's
   * macroblock tree would account for if zerolatency left it a lookahead. At the original's SSIM:
   * quiet 0.99–1.00× the original's bytes (1.12× before), idle 0.93× (1.03–1.06×), video 1.00×
   * (1.01–1.03×), busy 0.59× (0.57–0.67×), encoder CPU unchanged (issue 16, fourth round: bytes at
   * equal quality). `keyint=infinite`: keyframes only where the recorder forces them (each
   * segment's start); x264's own every 250 frames (50 s at 5 fps) put a second one into each 60 s
   * segment of a screen that changes: busy 1.85 → 1.76 MB/min, quiet 0.44 → 0.29 MB/min, SSIM
   * −0.15 dB (bench section keyint). Neither holds a frame in the encoder: crash loss unchanged.
   */
  readonly x264Params: string | null;
  /**
   * x264 threads (`threads=N` in -x264-params), or null for x264's own choice (sliced/frame threads
   * by core count). Default 1: at 5 fps one core encodes 1080p many times faster than real time, and
   * on 2 cores x264's threads cost CPU and bytes (issue 16's data: BENCHMARKS.md).
   */
  readonly threads: number | null;
  /**
   * swscale flags for the BGR→yuv420p conversion (`-sws_flags`), or null for FFmpeg's default
   * (bicubic). Default null. `neighbor` costs ~10 % less encode CPU and gives byte-identical output
   * on black-on-white text, but point-samples chroma: on coloured content it lost quality (quiet
   * scene 1.26× the original's bytes at equal SSIM against 1.06×, video −0.1 dB at equal CRF);
   * `fast_bilinear` lost 13 dB SSIM on the idle scene. Measured: BENCHMARKS.md, section quality.
   */
  readonly swsFlags: string | null;
  /**
   * Drop frames that did not change (mpdecimate after the conversion, variable frame rate), keeping
   * at least one every `stillFrameSeconds` so fragments still flush within the crash-loss budget.
   * Each kept frame lasts until the next kept one (`setts`, below), so the segment list and every
   * segment file still tile the run's timeline without a hole. Default true: encoder CPU at equal
   * SSIM 0.42× the original's against 0.49–0.53× encoding every frame on busy, quiet and idle
   * screens, equal bytes (BENCHMARKS.md, issue 16, second round).
   */
  readonly dropUnchanged: boolean;
  /**
   * With `dropUnchanged`: the longest stretch of a still screen without an encoded frame, in
   * seconds (at least one frame). A crash loses what the encoder holds: the last kept frame waits
   * for the next one (its duration) and for the fragment after it, so on a still screen a crash
   * loses between one and two of these stretches. Default 0.4 (at most one frame in a row dropped
   * at 5 fps): crash loss on the idle scene, median of 5, 0.64 s (0.6 s: 1.27 s; 1 s: 1.51 s;
   * every frame encoded: 0.59 s). BENCHMARKS.md, issue 16, second round.
   */
  readonly stillFrameSeconds: number;
}

export const defaultEncoderSettings: EncoderSettings = {
  preset: 'veryfast',
  tune: 'stillimage,zerolatency',
  crf: 19,
  x264Params: 'ref=2:me=umh:merange=32:qcomp=0.9:keyint=infinite',
  threads: 1,
  swsFlags: null,
  dropUnchanged: true,
  stillFrameSeconds: 0.4,
};

/**
 * The filter that drops unchanged frames (after the conversion to yuv420p, which mpdecimate needs):
 * a frame is kept when any 8x8 block differs by more than 64 (sum of absolute differences: one
 * level per pixel), and at least one frame every `stillFrameSeconds` is kept whatever happens.
 */
export function unchangedFrameFilter(frameRate: number, stillFrameSeconds = defaultEncoderSettings.stillFrameSeconds): string {
  const maxDropped = Math.max(0, Math.round(stillFrameSeconds * frameRate) - 1);
  return `format=yuv420p,mpdecimate=hi=64:lo=64:frac=0:max=${maxDropped}`;
}

/**
 * The bitstream filter that gives each kept frame the duration up to the next kept one (the screen
 * showed it until then). Without it a packet lasts one frame period, so after a dropped stretch
 * FFmpeg 5.1's segment muxer ends a segment at its last kept frame + 1/fps (measured on a still
 * screen, 4 s segments: 0–3.4 s, 4.2–7.4 s: holes at every boundary), and so does each file's
 * last sample. With it the list reads 0–4.8, 4.8–8.8 s (each cut at the first kept frame at or
 * after the boundary) and each file lasts that long. The last packet of a run (no next one) keeps
 * its own duration. It holds one packet back: one kept frame (≤ stillFrameSeconds) more to lose in
 * a crash, measured by the bench's crash section. Commas are escaped for FFmpeg's
 * bitstream-filter list parser.
 */
export const keptFrameDurationFilter = 'setts=duration=if(eq(NEXT_PTS\\,NOPTS)\\,DURATION\\,NEXT_PTS-PTS)';

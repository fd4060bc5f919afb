/**
 * Which horizontal bands of a frame changed since the previous sampled frame: with a line's height
 * of padding (screenLines.ts drops what a crop's edge cut), the part of the frame `search` reads
 * again by OCR. A line that stays on screen was read at
 * its first appearance; only a band that changed can show a new one. Bands are whole rows (the full
 * width of the frame) so that a line whose end was typed is read whole, not as its new characters.
 * Pure.
 *
 * Frames are compared every `stride` pixels (the sampler's upscale: one sample per source pixel).
 * A source pixel counts as changed when its gray value moved by more than NOISE_LEVEL: x264
 * re-encodes a still screen at each keyframe with small differences, while a glyph appearing or
 * going moves a pixel by far more.
 */
import type { GrayFrame } from './pgmStream';

/** A band of rows `[top, bottom)` in frame pixels. */
export interface Band {
  readonly top: number;
  readonly bottom: number;
}

/** Gray levels (of 255) a pixel may move by without counting as changed: encoder noise. */
export const NOISE_LEVEL = 40;
/** Changed pixels a source row needs to count as changed (one stray pixel is noise). */
const MIN_CHANGED_PIXELS = 2;

/** Rows (in frame pixels, multiples of `stride`) in which `next` differs from `prev`, as merged bands. */
export function changedRows(prev: GrayFrame, next: GrayFrame, stride: number): Band[] {
  if (prev.width !== next.width || prev.height !== next.height) return [{ top: 0, bottom: next.height }];
  const bands: Band[] = [];
  const { width, height } = next;
  let open: number | undefined;
  for (let y = 0; y < height; y += stride) {
    let changed = 0;
    const row = y * width;
    for (let x = 0; x < width && changed < MIN_CHANGED_PIXELS; x += stride) {
      const d = (prev.pixels[row + x] as number) - (next.pixels[row + x] as number);
      if (d > NOISE_LEVEL || d < -NOISE_LEVEL) changed++;
    }
    if (changed >= MIN_CHANGED_PIXELS) {
      if (open === undefined) open = y;
    } else if (open !== undefined) {
      bands.push({ top: open, bottom: y });
      open = undefined;
    }
  }
  if (open !== undefined) bands.push({ top: open, bottom: height });
  return bands;
}

/** `bands` grown by `pad` rows each way within `[0, height)`, merged where they meet. */
export function padBands(bands: readonly Band[], pad: number, height: number): Band[] {
  return mergeBands(bands.map((b) => ({ top: Math.max(0, b.top - pad), bottom: Math.min(height, b.bottom + pad) })));
}

/** Bands sorted, with overlapping or touching ones joined. */
export function mergeBands(bands: readonly Band[]): Band[] {
  const sorted = [...bands].filter((b) => b.bottom > b.top).sort((a, b) => a.top - b.top);
  const merged: Band[] = [];
  for (const b of sorted) {
    const last = merged.at(-1);
    if (last !== undefined && b.top <= last.bottom) merged[merged.length - 1] = { top: last.top, bottom: Math.max(last.bottom, b.bottom) };
    else merged.push(b);
  }
  return merged;
}

/** Rows of padding (source pixels) around a change: a text line's height, so a crop holds the whole line that changed. */
export const PAD_SOURCE_ROWS = 32;
/** Above this share of the frame changed, the frame is read whole (the layout pass does better on a whole screen, for about the same cost). */
export const WHOLE_FRAME_SHARE = 0.5;

/** What to read of `frame`: the rows that changed since `prev` (the whole frame for the first), and the crops that cover them. */
export function cropsFor(prev: GrayFrame | undefined, frame: GrayFrame, stride: number): { changed: Band[]; crops: Band[] } {
  const whole = [{ top: 0, bottom: frame.height }];
  if (prev === undefined) return { changed: whole, crops: whole };
  const changed = changedRows(prev, frame, stride);
  const crops = padBands(changed, PAD_SOURCE_ROWS * stride, frame.height);
  const rows = crops.reduce((s, b) => s + b.bottom - b.top, 0);
  return rows > frame.height * WHOLE_FRAME_SHARE ? { changed: whole, crops: whole } : { changed, crops };
}

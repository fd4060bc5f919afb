/**
 * What is on screen, line by line, as `search` reads a segment's sampled frames: the first frame is
 * read whole, each later one only in the bands that changed (changedBands.ts). A line read earlier
 * stays on screen until a change touches its rows; a line a crop read is kept unless the crop's
 * edge cut it (its ink touches an edge that is not the frame's: half a line, read whole elsewhere).
 * Each frame's text is every line on screen, so a match is still one per stretch shown
 * (screenMatches.ts) however the frame was read. Pure.
 */
import type { Band } from './changedBands';
import type { OcrLine } from './tesseractTsv';

/** A line of text and the frame rows `[top, bottom)` it covers. */
export type PlacedLine = OcrLine;

/** Rows (frame pixels) within which ink at a crop's edge means the crop cut the line. */
const EDGE_ROWS = 2;

/** Lines read from a crop of rows `crop` (their rows relative to the crop), in frame rows, without those the crop's edges cut. */
export function linesOfCrop(read: readonly OcrLine[], crop: Band, frameHeight: number): PlacedLine[] {
  const height = crop.bottom - crop.top;
  return read
    .filter((l) => (crop.top === 0 || l.top >= EDGE_ROWS) && (crop.bottom === frameHeight || l.bottom <= height - EDGE_ROWS))
    .map((l) => ({ text: l.text, top: l.top + crop.top, bottom: l.bottom + crop.top }));
}

/** The screen after a frame: earlier lines untouched by `changed` rows, then the lines read from this frame's crops. */
export function nextScreen(previous: readonly PlacedLine[], changed: readonly Band[], read: readonly PlacedLine[]): PlacedLine[] {
  const kept = previous.filter((l) => !changed.some((b) => l.bottom > b.top && l.top < b.bottom));
  return [...kept, ...read];
}

/** The screen's text lines, each once, in the order first seen. */
export function screenText(lines: readonly PlacedLine[]): string[] {
  return [...new Set(lines.map((l) => l.text))];
}

/**
 * Source rows per line below which the automatic layout (`--psm 3`) "found little": a screen full
 * of text has a line every 13 to 24 source rows; where `--psm 3` read fewer than one line per
 * SPARSE_SOURCE_ROWS rows, the uniform-block pass (`--psm 6`) reads the crop as well. Measured in
 * BENCHMARKS.md: on a terminal grid of xterm's bitmap font `--psm 3` reads no line at all.
 */
export const SPARSE_SOURCE_ROWS = 48;

/** Whether a crop of `sourceRows` rows (before upscaling) in which `--psm 3` read `linesRead` lines needs `--psm 6` too. */
export function needsBlockPass(linesRead: number, sourceRows: number): boolean {
  return linesRead * SPARSE_SOURCE_ROWS < sourceRows;
}

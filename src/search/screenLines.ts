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
    .map((l) => ({ ...l, top: l.top + crop.top, bottom: l.bottom + crop.top }));
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

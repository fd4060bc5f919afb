/**
 * How much of a crop's text-like ink the automatic layout pass (`--psm 3`) read: the share of the
 * crop's edge pixels (a gray step between horizontal neighbours, as glyph strokes give many of and
 * flat backgrounds none) that lie inside the lines it read. On a terminal of aligned columns,
 * `--psm 3` may read every line yet only one column of it ("finished status" of "job 1370 backup
 * finished status ok node2"): counting lines would call that enough, counting ink does not. Where
 * the share is low, the uniform-block pass (`--psm 6`) reads the crop too. Pure.
 */
import type { Band } from './changedBands';
import type { GrayFrame } from './pgmStream';
import type { OcrLine } from './tesseractTsv';

/** A gray step (of 255) between neighbouring source pixels that counts as a stroke's edge. */
const EDGE_STEP = 60;
/** Below this share of edges read, `--psm 6` reads the crop too (measured: BENCHMARKS.md). */
export const MIN_READ_SHARE = 0.7;
/** Fewer edges than this per crop: nothing worth a second pass (a cursor, a blank band). */
const MIN_EDGES = 40;

/** Edge pixels of `band` sampled every `stride` pixels: their positions in crop pixels (x, y pairs). */
export function edgePixels(frame: GrayFrame, band: Band, stride: number): Int32Array {
  const found: number[] = [];
  const { width, pixels } = frame;
  for (let y = band.top; y < band.bottom; y += stride) {
    const row = y * width;
    for (let x = stride; x < width; x += stride) {
      const d = (pixels[row + x] as number) - (pixels[row + x - stride] as number);
      if (d > EDGE_STEP || d < -EDGE_STEP) found.push(x, y - band.top);
    }
  }
  return Int32Array.from(found);
}

/** Share of `edges` inside the boxes of `lines` (crop pixels); 1 when there are too few edges to matter. */
export function readShare(edges: Int32Array, lines: readonly OcrLine[]): number {
  const total = edges.length / 2;
  if (total < MIN_EDGES) return 1;
  // The lines' boxes as row intervals, so that each edge is looked up among its row's lines only.
  const byRow = new Map<number, [number, number][]>();
  for (const l of lines) {
    for (let y = Math.max(0, l.top); y < l.bottom; y++) {
      let row = byRow.get(y);
      if (row === undefined) byRow.set(y, (row = []));
      row.push([l.left, l.right]);
    }
  }
  let inside = 0;
  for (let i = 0; i < edges.length; i += 2) {
    const row = byRow.get(edges[i + 1] as number);
    if (row === undefined) continue;
    const x = edges[i] as number;
    if (row.some(([left, right]) => x >= left && x < right)) inside++;
  }
  return inside / total;
}

/** Whether `--psm 6` should read a crop in which `--psm 3` read `lines`. */
export function needsBlockPass(edges: Int32Array, lines: readonly OcrLine[]): boolean {
  return readShare(edges, lines) < MIN_READ_SHARE;
}

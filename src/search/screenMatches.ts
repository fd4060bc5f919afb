/**
 * Screen-text matches from OCR'd frames: one match per stretch of consecutive sampled frames in
 * which some line contains the text, at the first frame of the stretch, with its tightest matching
 * line. Keyed by the text searched for, not by the whole line: a line being typed, or read with
 * the window beside it (which changes), is another string in every frame but the same moment on
 * screen. Frames are sampled only when the screen changed, at most about one a second, so
 * consecutive samples that both show the text mean it stayed. Pure.
 */
import { foldText, type TextQuery } from './textQuery';
import type { TimedText } from './windowMatches';

export interface OcrFrame {
  /** Epoch ms: the segment's start plus the frame's presentation time. */
  readonly atMs: number;
  readonly lines: readonly string[];
}

/** The shortest matching line (two OCR passes may read "INVOICE 4417" and, joined with the window beside it, "INVOICE 4417 Lorem"). */
function tightest(lines: readonly string[]): string | undefined {
  let best: string | undefined;
  for (const line of lines) if (best === undefined || foldText(line.trim()).length < foldText(best).length) best = line.trim();
  return best;
}

/**
 * `runs`: frames in time order, in runs of segments that follow each other; between two runs
 * (a segment that could not be read) text still shown counts as a new match.
 */
export function screenMatches(runs: readonly (readonly OcrFrame[])[], query: TextQuery): TimedText[] {
  const matches: TimedText[] = [];
  for (const frames of runs) {
    let shown = false;
    for (const frame of frames) {
      const line = tightest(frame.lines.filter((l) => query.matches(l)));
      if (line !== undefined && !shown) matches.push({ atMs: frame.atMs, text: line });
      shown = line !== undefined;
    }
  }
  return matches;
}

/**
 * Screen-text matches from OCR'd frames: a line that matches, at the time of the first sampled
 * frame that shows it; the frames after it that still show the same line (folded) belong to the
 * same stretch and give no new match. Frames are sampled only when the screen changed, at most
 * about one a second, so consecutive samples that both show a line mean it stayed. Pure.
 */
import { foldText, type TextQuery } from './textQuery';
import type { TimedText } from './windowMatches';

export interface OcrFrame {
  /** Epoch ms: the segment's start plus the frame's presentation time. */
  readonly atMs: number;
  readonly lines: readonly string[];
}

/**
 * `runs`: frames in time order, in runs of segments that follow each other; between two runs
 * (a segment that could not be read) a line still shown counts as a new match.
 */
/**
 * The matching lines of one frame without those that contain another one: two OCR passes may read
 * the same text as "INVOICE 4417" and, joined with the window beside it, "INVOICE 4417 Lorem".
 */
function tightest(lines: readonly string[]): string[] {
  const folded = lines.map((l) => foldText(l.trim()));
  return lines.filter((_, i) => !folded.some((other, j) => j !== i && other !== folded[i] && (folded[i] as string).includes(other)));
}

export function screenMatches(runs: readonly (readonly OcrFrame[])[], query: TextQuery): TimedText[] {
  const matches: TimedText[] = [];
  for (const frames of runs) {
    let open = new Set<string>();
    for (const frame of frames) {
      const now = new Set<string>();
      for (const line of tightest(frame.lines.filter((l) => query.matches(l)))) {
        const key = foldText(line.trim());
        if (now.has(key)) continue;
        now.add(key);
        if (!open.has(key)) matches.push({ atMs: frame.atMs, text: line.trim() });
      }
      open = now;
    }
  }
  return matches;
}

import { readFile } from 'node:fs/promises';
import { join } from 'node:path';

/**
 * The damage grabber's still marks (native/damage-grab/marks.h): one line it rewrites after every
 * tick, the pts of the last frame it wrote to FFmpeg and the last tick it checked the screen and
 * found it unchanged, both in ms from the run's first frame (FFmpeg's timeline starts there).
 *
 * Why: the grabber writes no heartbeat frames on a still screen, so the newest frame in a killed
 * FFmpeg's journal may be far older than the moment it was killed. The marks say until when that
 * frame was still on screen: the journal's rebuild (segmentJournal.ts) lasts it until then, and a
 * crash still loses at most one tick.
 */
export const stillMarksFile = 'still-marks';

export interface StillMarks {
  /** pts of the last frame the grabber wrote, ms from the run's first frame. */
  readonly frameMs: number;
  /** The last tick the screen was checked and still showed that frame (≥ frameMs). */
  readonly stillThroughMs: number;
}

const marksLine = /^(\d{13}) (\d{13})\n$/;

/** Parses the marks line; null for anything else (missing, torn, or not in order). */
export function parseStillMarks(text: string): StillMarks | null {
  const match = marksLine.exec(text);
  if (match === null) return null;
  const frameMs = Number(match[1]);
  const stillThroughMs = Number(match[2]);
  return stillThroughMs >= frameMs ? { frameMs, stillThroughMs } : null;
}

/** The run's marks, or null (a run without the grabber, one killed before its first tick, an unreadable file). */
export async function readStillMarks(runDir: string): Promise<StillMarks | null> {
  const text = await readFile(join(runDir, stillMarksFile), 'utf8').catch(() => null);
  return text === null ? null : parseStillMarks(text);
}

/** The marks in the times of a segment that starts `segmentStartSeconds` into the run. */
export interface SegmentStillMarks {
  /** The last frame the grabber wrote, seconds from the segment's start. */
  readonly frameSeconds: number;
  /** Until when that frame was on screen, seconds from the segment's start. */
  readonly stillThroughSeconds: number;
}

/** The marks relative to a segment's start; null when they end before it (they belong to an earlier segment). */
export function marksInSegment(marks: StillMarks, segmentStartSeconds: number): SegmentStillMarks | null {
  const startMs = Math.round(segmentStartSeconds * 1000);
  if (marks.stillThroughMs < startMs) return null;
  return { frameSeconds: (marks.frameMs - startMs) / 1000, stillThroughSeconds: (marks.stillThroughMs - startMs) / 1000 };
}

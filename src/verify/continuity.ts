/**
 * Time continuity of a session's segments, in manifest order. Pure.
 *
 * Inside one FFmpeg run (one runId) the segment muxer cuts without a gap: each segment starts
 * where the previous one ended, and indexes follow each other. So inside a run:
 *   - a missing index is `segments-skipped` (a problem: segments were never uploaded or were cut);
 *   - a jump beyond the tolerance is a `hole`, an overlap beyond it an `overlap` (problems).
 * Between runs FFmpeg was restarted (it died, or the display changed): a short gap is expected and
 * listed as a note, `resolution-change` when the size changed, `restart` otherwise; longer than
 * `maxRestartGapMs` it is a `hole` (a problem); a run starting before the previous ended means
 * the clock stepped back (a note).
 */
import type { ManifestEntry } from '../domain/manifest';
import { shown, type Finding, type NoteCode, type ProblemCode, type TimelineSummary } from './report';

export interface ContinuityLimits {
  /** Inside a run: a larger jump between consecutive segments is a hole. */
  readonly gapToleranceMs: number;
  /** Between runs: a larger gap is a hole. */
  readonly maxRestartGapMs: number;
  /** The manifest records runs and their ends: a long gap between runs is judged by coverage (with its cause), not here. */
  readonly betweenRunsJudgedElsewhere?: boolean;
}

export interface ContinuityResult {
  readonly problems: readonly Finding<ProblemCode>[];
  readonly notes: readonly Finding<NoteCode>[];
  readonly summary: TimelineSummary;
}

/** How an entry is named in findings (its object name, relative to the session). */
export type NameOf = (entry: ManifestEntry) => string;

const seconds = (ms: number): number => Math.round(ms) / 1000;
const layout = (e: ManifestEntry): string => `${e.width}x${e.height}`;

export function checkContinuity(entries: readonly ManifestEntry[], nameOf: NameOf, limits: ContinuityLimits): ContinuityResult {
  const problems: Finding<ProblemCode>[] = [];
  const notes: Finding<NoteCode>[] = [];
  let restarts = 0;
  let resolutionChanges = 0;
  let holes = 0;
  let videoMs = 0;
  const runs = new Set<string>();

  entries.forEach((entry, i) => {
    runs.add(entry.runId);
    videoMs += Math.round(entry.durationSeconds * 1000);
    if (!entry.complete) {
      notes.push({
        code: 'partial-segment',
        name: nameOf(entry),
        message: `${shown(nameOf(entry))} was not finalised by FFmpeg (it was stopped hard); it plays, but may end early`,
      });
    }
    const previous = entries[i - 1];
    if (previous === undefined) return;
    const gapMs = Date.parse(entry.start) - Date.parse(previous.end);
    const between = `between ${shown(nameOf(previous))} and ${shown(nameOf(entry))}`;
    const details = { after: nameOf(previous), before: nameOf(entry), gapSeconds: seconds(gapMs) };

    if (entry.runId === previous.runId) {
      if (entry.index > previous.index + 1) {
        holes += 1;
        problems.push({
          code: 'segments-skipped',
          name: nameOf(entry),
          message: `${entry.index - previous.index - 1} segment(s) of run ${shown(entry.runId)} (index ${previous.index + 1} to ${entry.index - 1}) are not in the manifest ${between}: ${seconds(gapMs)} s of video missing`,
          details: { ...details, fromIndex: previous.index, toIndex: entry.index },
        });
      } else if (entry.index <= previous.index) {
        problems.push({
          code: 'overlap',
          name: nameOf(entry),
          message: `index ${entry.index} follows index ${previous.index} of run ${shown(entry.runId)} ${between}: segments repeated or out of order`,
          details: { ...details, fromIndex: previous.index, toIndex: entry.index },
        });
      } else if (gapMs > limits.gapToleranceMs) {
        holes += 1;
        problems.push({ code: 'hole', name: nameOf(entry), message: `${seconds(gapMs)} s hole ${between} (same FFmpeg run: there should be none)`, details });
      } else if (-gapMs > limits.gapToleranceMs) {
        problems.push({ code: 'overlap', name: nameOf(entry), message: `${seconds(-gapMs)} s overlap ${between} (same FFmpeg run: there should be none)`, details });
      }
      return;
    }

    if (gapMs < 0) {
      notes.push({ code: 'clock-step', name: nameOf(entry), message: `the next FFmpeg run starts ${seconds(-gapMs)} s before the previous one ended ${between}: the clock stepped back`, details });
      return;
    }
    const resized = layout(entry) !== layout(previous);
    if (resized) resolutionChanges += 1;
    else restarts += 1;
    if (gapMs > limits.maxRestartGapMs && limits.betweenRunsJudgedElsewhere !== true) {
      holes += 1;
      problems.push({
        code: 'hole',
        name: nameOf(entry),
        message: `${seconds(gapMs)} s hole ${between}, at an FFmpeg ${resized ? `restart for a resolution change ${layout(previous)} → ${layout(entry)}` : 'restart'} (longer than the ${seconds(limits.maxRestartGapMs)} s a restart may take)`,
        details,
      });
      return;
    }
    notes.push(
      resized
        ? { code: 'resolution-change', name: nameOf(entry), message: `resolution ${layout(previous)} → ${layout(entry)} ${between}: ${seconds(gapMs)} s gap while FFmpeg restarted`, details: { ...details, from: layout(previous), to: layout(entry) } }
        : { code: 'restart', name: nameOf(entry), message: `FFmpeg restarted ${between}: ${seconds(gapMs)} s gap`, details },
    );
  });

  const first = entries[0];
  const last = entries[entries.length - 1];
  return {
    problems,
    notes,
    summary: {
      firstStart: first?.start ?? null,
      lastEnd: last?.end ?? null,
      videoSeconds: videoMs / 1000,
      spanSeconds: first && last ? seconds(Date.parse(last.end) - Date.parse(first.start)) : 0,
      runs: runs.size,
      restarts,
      resolutionChanges,
      holes,
    },
  };
}

/**
 * One continuous timeline for a session: each manifest entry placed at its wall-clock start
 * (seconds since the first segment began), so restarts and outages show as gaps; resolution
 * changes and idle stretches marked. Pure: the server builds it from the manifest, and `locate`
 * is bundled into the viewer page too (src/viewer/browser/player.ts): the page seeks as tested.
 */
import type { ManifestEntry } from '../domain/manifest';

export interface TimelineSegment {
  readonly index: number;
  /** Seconds from the session's first frame. */
  readonly offset: number;
  readonly duration: number;
  /** ISO 8601 UTC. */
  readonly start: string;
  readonly bytes: number;
  readonly width: number;
  readonly height: number;
  readonly runId: string;
  /** Little changed on screen: far fewer bytes per second than the session's busy segments. */
  readonly idle: boolean;
  /**
   * Its first frame is not a keyframe (manifest `continuesPrevious`): it plays from the chain back
   * to its keyframe joined into one file (/api/chain, chainMedia.ts). Absent when it plays alone.
   */
  readonly continuesPrevious?: true;
}

export interface TimelineSpan {
  readonly from: number;
  readonly to: number;
}

export interface LayoutChange {
  readonly at: number;
  readonly width: number;
  readonly height: number;
}

export interface Timeline {
  /** ISO 8601 UTC of offset 0. */
  readonly start: string;
  readonly totalSeconds: number;
  readonly segments: readonly TimelineSegment[];
  /** Stretches with no video (a restart, a lost machine, an outage). */
  readonly gaps: readonly TimelineSpan[];
  readonly idle: readonly TimelineSpan[];
  readonly layoutChanges: readonly LayoutChange[];
}

export interface TimelineOptions {
  /** A pause between segments longer than this is a gap. Default 0.5 s (a restart loses ~0.7 s). */
  readonly gapSeconds?: number;
  /** A segment is idle below this fraction of the busy segments' bytes per second. Default 0.15. */
  readonly idleRatio?: number;
}

const round3 = (n: number): number => Math.round(n * 1000) / 1000;

/** The 90th percentile of bytes per second: what a busy screen costs in this session. */
function busyRate(entries: readonly ManifestEntry[]): number {
  const rates = entries.filter((e) => e.durationSeconds >= 1).map((e) => e.bytes / e.durationSeconds).sort((a, b) => a - b);
  return rates.length === 0 ? 0 : (rates[Math.min(rates.length - 1, Math.floor(rates.length * 0.9))] ?? 0);
}

function mergeSpans(spans: TimelineSpan[]): TimelineSpan[] {
  const merged: TimelineSpan[] = [];
  for (const s of spans) {
    const last = merged[merged.length - 1];
    if (last !== undefined && s.from - last.to < 0.01) merged[merged.length - 1] = { from: last.from, to: Math.max(last.to, s.to) };
    else merged.push(s);
  }
  return merged;
}

export function buildTimeline(entries: readonly ManifestEntry[], options: TimelineOptions = {}): Timeline {
  const gapSeconds = options.gapSeconds ?? 0.5;
  const idleRatio = options.idleRatio ?? 0.15;
  const first = entries[0];
  if (first === undefined) return { start: new Date(0).toISOString(), totalSeconds: 0, segments: [], gaps: [], idle: [], layoutChanges: [] };
  const t0 = Date.parse(first.start);
  const busy = entries.length >= 3 ? busyRate(entries) : 0;
  const segments: TimelineSegment[] = [];
  const gaps: TimelineSpan[] = [];
  const idle: TimelineSpan[] = [];
  const layoutChanges: LayoutChange[] = [];
  let previousEnd = 0;
  entries.forEach((entry, index) => {
    // Wall-clock placement; a clock that stepped back never makes segments overlap.
    const offset = round3(Math.max((Date.parse(entry.start) - t0) / 1000, previousEnd));
    const duration = entry.durationSeconds;
    const previous = segments[segments.length - 1];
    if (previous !== undefined && offset - previousEnd > gapSeconds) gaps.push({ from: previousEnd, to: offset });
    if (previous === undefined || previous.width !== entry.width || previous.height !== entry.height) {
      layoutChanges.push({ at: offset, width: entry.width, height: entry.height });
    }
    const isIdle = busy > 0 && duration >= 1 && entry.bytes / duration < idleRatio * busy;
    if (isIdle) idle.push({ from: offset, to: round3(offset + duration) });
    segments.push({
      index, offset, duration, start: entry.start, bytes: entry.bytes, width: entry.width, height: entry.height, runId: entry.runId, idle: isIdle,
      ...(entry.continuesPrevious === true ? { continuesPrevious: true as const } : {}),
    });
    previousEnd = round3(offset + duration);
  });
  return { start: first.start, totalSeconds: previousEnd, segments, gaps, idle: mergeSpans(idle), layoutChanges };
}

/**
 * Where global time `t` plays: the segment that covers it, or in a gap the next segment's start.
 * Past the end: the last segment's end. Sent to the page as source, so no imports or helpers.
 */
export function locate(segments: readonly { offset: number; duration: number }[], t: number): { index: number; within: number } {
  let lo = 0;
  let hi = segments.length - 1;
  if (hi < 0) return { index: -1, within: 0 };
  // The last segment starting at or before t.
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if ((segments[mid] as { offset: number }).offset <= t) lo = mid;
    else hi = mid - 1;
  }
  const s = segments[lo] as { offset: number; duration: number };
  if (t < s.offset) return { index: lo, within: 0 };
  if (t < s.offset + s.duration) return { index: lo, within: t - s.offset };
  if (lo + 1 < segments.length) return { index: lo + 1, within: 0 };
  return { index: lo, within: s.duration };
}

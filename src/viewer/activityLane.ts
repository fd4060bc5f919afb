/**
 * The activity lane under the viewer's timeline, computed on the server from a session's activity
 * objects (domain/activity.ts): which window was in front when (the focused window, else the top
 * visible one), idle stretches, and what the recorder could not observe, with its cause. Times
 * are seconds from the timeline's start (its first segment), like every other mark on it.
 *
 * Two steps, so a live session's lane is recomputed without reading its old objects again:
 * `objectLane` reduces one verified object to its stretches (cached by the object's SHA-256),
 * `joinLanes` joins the segments' parts in order, merging a window that stays in front across
 * objects. Titles are the recorded user's text: the page renders them as text only. Pure.
 */
import type { ActivityObject, WindowInfo } from '../domain/activity';

export interface TimeSpan {
  readonly from: number;
  readonly to: number;
}

export interface WindowStretch extends TimeSpan {
  /** '' when the window has no title, or when no window was in front. */
  readonly title: string;
  readonly app: string | null;
  /** 'focused': the active window; 'top': none was focused, the top visible one; 'none': no window at all. */
  readonly how: 'focused' | 'top' | 'none';
}

export interface UnobservedStretch extends TimeSpan {
  readonly cause: string;
}

/** A segment whose activity object failed its check (missing, wrong size or SHA-256, unreadable): not trusted, not shown. */
export interface ActivityProblem extends TimeSpan {
  readonly problem: string;
}

export interface ObjectLane {
  readonly windows: readonly WindowStretch[];
  readonly idle: readonly TimeSpan[];
  readonly unobserved: readonly UnobservedStretch[];
}

export type LanePart =
  | { readonly kind: 'ok'; readonly lane: ObjectLane }
  | { readonly kind: 'problem'; readonly problem: ActivityProblem }
  /** The segment names no activity object (the track was off, or an older recorder). */
  | { readonly kind: 'none' };

export interface ActivityLane {
  /** false: no segment of the session names an activity object; the page shows no lane and says so. */
  readonly available: boolean;
  readonly segments: number;
  readonly segmentsWithActivity: number;
  readonly windows: readonly WindowStretch[];
  readonly idle: readonly TimeSpan[];
  readonly unobserved: readonly UnobservedStretch[];
  readonly problems: readonly ActivityProblem[];
  /** More stretches of a kind than LANE_LIMITS.maxStretches: only the first ones are kept (a runaway or hostile track cannot flood the page). */
  readonly truncated: boolean;
}

export const LANE_LIMITS = { maxStretches: 5_000, maxProblems: 200 } as const;

const round3 = (n: number): number => Math.round(n * 1000) / 1000;

/** Seconds from `t0Ms` to an ISO time. */
function offsetOf(iso: string, t0Ms: number): number {
  return round3((Date.parse(iso) - t0Ms) / 1000);
}

interface Label {
  readonly title: string;
  readonly app: string | null;
  readonly how: WindowStretch['how'];
}

/** What is in front: the focused window (its title as the window list has it now: a retitle shows), else the top visible one. */
function labelOf(focus: WindowInfo | null, windows: readonly WindowInfo[]): Label {
  if (focus !== null) {
    const current = windows.find((w) => w.id === focus.id) ?? focus;
    return { title: current.title, app: current.app, how: 'focused' };
  }
  const top = windows[windows.length - 1];
  return top === undefined ? { title: '', app: null, how: 'none' } : { title: top.title, app: top.app, how: 'top' };
}

const sameLabel = (a: Label, b: Label): boolean => a.title === b.title && a.app === b.app && a.how === b.how;

/** One activity object's stretches, in seconds from `t0Ms`; events outside the object's own span are clamped to it. */
export function objectLane(object: ActivityObject, t0Ms: number): ObjectLane {
  const start = offsetOf(object.start, t0Ms);
  const end = Math.max(start, offsetOf(object.end, t0Ms));
  const clamp = (t: number): number => Math.min(end, Math.max(start, t));
  const windows: WindowStretch[] = [];
  const idle: TimeSpan[] = [];
  let focus = object.initial.focus;
  let visible = object.initial.windows;
  let label = labelOf(focus, visible);
  let labelFrom = start;
  let idleFrom: number | null = object.initial.idleSince === null ? null : Math.min(start, offsetOf(object.initial.idleSince, t0Ms));
  const events = [...object.events].sort((a, b) => Date.parse(a.at) - Date.parse(b.at));
  for (const event of events) {
    const t = clamp(offsetOf(event.at, t0Ms));
    switch (event.kind) {
      case 'focus':
      case 'windows': {
        if (event.kind === 'focus') focus = event.window;
        else visible = event.windows;
        const next = labelOf(focus, visible);
        if (!sameLabel(next, label)) {
          if (t > labelFrom) windows.push({ from: labelFrom, to: t, ...label });
          label = next;
          labelFrom = t;
        }
        break;
      }
      case 'idle':
        // `since` is when input stopped, which may lie in an earlier object: the join merges them.
        if (idleFrom === null) idleFrom = Math.min(t, offsetOf(event.since, t0Ms));
        break;
      case 'active':
        if (idleFrom !== null && t > idleFrom) idle.push({ from: idleFrom, to: t });
        idleFrom = null;
        break;
      default:
        event satisfies never;
    }
  }
  if (end > labelFrom) windows.push({ from: labelFrom, to: end, ...label });
  if (idleFrom !== null && end > idleFrom) idle.push({ from: idleFrom, to: end });
  const unobserved = object.unobserved.map((u) => ({ from: clamp(offsetOf(u.start, t0Ms)), to: clamp(offsetOf(u.end, t0Ms)), cause: u.cause }));
  return { windows, idle, unobserved: unobserved.filter((u) => u.to > u.from) };
}

/** Sorted spans with overlapping or touching ones merged (`same` decides which may merge). */
function mergeSpans<T extends TimeSpan>(spans: readonly T[], same: (a: T, b: T) => boolean): T[] {
  const merged: T[] = [];
  for (const span of [...spans].sort((a, b) => a.from - b.from)) {
    const last = merged[merged.length - 1];
    if (last !== undefined && span.from - last.to < 0.01 && same(last, span)) merged[merged.length - 1] = { ...last, to: Math.max(last.to, span.to) };
    else merged.push(span);
  }
  return merged;
}

/** The lane of a whole session: one part per segment, in the manifest's order. */
export function joinLanes(parts: readonly LanePart[]): ActivityLane {
  const windows: WindowStretch[] = [];
  const idle: TimeSpan[] = [];
  const unobserved: UnobservedStretch[] = [];
  const problems: ActivityProblem[] = [];
  let withActivity = 0;
  for (const part of parts) {
    if (part.kind === 'none') continue;
    withActivity += 1;
    if (part.kind === 'problem') {
      if (problems.length < LANE_LIMITS.maxProblems) problems.push(part.problem);
      continue;
    }
    windows.push(...part.lane.windows);
    idle.push(...part.lane.idle);
    unobserved.push(...part.lane.unobserved);
  }
  const joined = mergeSpans(windows, (a, b) => sameLabel(a, b));
  const idleJoined = mergeSpans(idle, () => true);
  const unobservedJoined = mergeSpans(unobserved, (a, b) => a.cause === b.cause);
  const max = LANE_LIMITS.maxStretches;
  return {
    available: withActivity > 0,
    segments: parts.length,
    segmentsWithActivity: withActivity,
    windows: joined.slice(0, max),
    idle: idleJoined.slice(0, max),
    unobserved: unobservedJoined.slice(0, max),
    problems,
    truncated: joined.length > max || idleJoined.length > max || unobservedJoined.length > max,
  };
}

/** The window stretch at time `t` (binary search over sorted stretches); undefined between them. */
export function stretchAt<T extends TimeSpan>(stretches: readonly T[], t: number): T | undefined {
  let lo = 0;
  let hi = stretches.length - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    const s = stretches[mid] as T;
    if (t < s.from) hi = mid - 1;
    else if (t >= s.to) lo = mid + 1;
    else return s;
  }
  return undefined;
}

/**
 * The activity track's state and how a change of it becomes events: a source reports the whole
 * state it sees (focus and visible windows) and the idle time; this diff turns two states into
 * the events of domain/activity.ts. Used by the recorder's activity actor and by the cutter that
 * replays a journal. Pure.
 */
import { ACTIVITY_LIMITS, type ActivityEvent, type ActivityState, type WindowInfo } from './activity';

export const EMPTY_ACTIVITY_STATE: ActivityState = { focus: null, windows: [], idleSince: null };

function sameWindow(a: WindowInfo | null, b: WindowInfo | null): boolean {
  if (a === null || b === null) return a === b;
  return a.id === b.id && a.title === b.title && a.app === b.app && a.pid === b.pid;
}

function sameWindows(a: readonly WindowInfo[], b: readonly WindowInfo[]): boolean {
  return a.length === b.length && a.every((w, i) => sameWindow(w, b[i] ?? null));
}

/** The events that take `previous` to `next` at `at` (ISO): focus, windows, idle/active, in that order. */
export function diffActivity(previous: ActivityState, next: ActivityState, at: string): ActivityEvent[] {
  const events: ActivityEvent[] = [];
  if (!sameWindow(previous.focus, next.focus)) events.push({ at, kind: 'focus', window: next.focus });
  if (!sameWindows(previous.windows, next.windows)) events.push({ at, kind: 'windows', windows: next.windows });
  if (previous.idleSince === null && next.idleSince !== null) events.push({ at, kind: 'idle', since: next.idleSince });
  if (previous.idleSince !== null && next.idleSince === null) events.push({ at, kind: 'active' });
  return events;
}

/** The state after `event`. */
export function applyActivityEvent(state: ActivityState, event: ActivityEvent): ActivityState {
  switch (event.kind) {
    case 'focus':
      return { ...state, focus: event.window };
    case 'windows':
      return { ...state, windows: event.windows };
    case 'idle':
      return { ...state, idleSince: event.since };
    case 'active':
      return { ...state, idleSince: null };
    default:
      return event satisfies never;
  }
}

/**
 * A window as kept: title and app cut to ACTIVITY_LIMITS.maxTitleChars (whole code points: a cut
 * never splits a surrogate pair), pid only when it is a positive integer.
 */
export function boundedWindow(window: WindowInfo): WindowInfo {
  return {
    id: window.id.slice(0, 64),
    title: cutChars(window.title, ACTIVITY_LIMITS.maxTitleChars),
    app: window.app === null ? null : cutChars(window.app, ACTIVITY_LIMITS.maxTitleChars),
    pid: window.pid !== null && Number.isInteger(window.pid) && window.pid > 0 ? window.pid : null,
  };
}

/** At most ACTIVITY_LIMITS.maxWindows windows, keeping the top of the stack (the end of the list). */
export function boundedWindows(windows: readonly WindowInfo[]): WindowInfo[] {
  return windows.slice(Math.max(0, windows.length - ACTIVITY_LIMITS.maxWindows)).map(boundedWindow);
}

function cutChars(text: string, max: number): string {
  if (text.length <= max) return text;
  let cut = text.slice(0, max);
  const last = cut.charCodeAt(cut.length - 1);
  if (last >= 0xd800 && last <= 0xdbff) cut = cut.slice(0, -1);
  return cut;
}

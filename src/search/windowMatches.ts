/**
 * Window-title matches from a session's activity track: the stretches in which a window whose
 * title matches was visible or focused, one match per stretch, at the moment it appeared. Pure.
 *
 * A stretch is per title (folded): two matching windows with the same title overlapping are one
 * stretch; a window retitled to another matching title starts a new one. Objects of one session
 * follow each other; where one is missing or was not trusted (`null` in the list), what was on
 * screen is unknown, so a stretch ends there and a title still shown after it is a new match.
 */
import type { ActivityObject, ActivityState, WindowInfo } from '../domain/activity';
import { foldText, type TextQuery } from './textQuery';

export interface TimedText {
  /** Epoch ms. */
  readonly atMs: number;
  /** The matching title or line, whole. */
  readonly text: string;
}

interface Shown {
  focus: WindowInfo | null;
  windows: readonly WindowInfo[];
}

/** The matching titles on screen in one state, keyed by folded title (first spelling wins). */
function matchingTitles(shown: Shown, query: TextQuery): Map<string, string> {
  const titles = new Map<string, string>();
  for (const w of [...shown.windows, ...(shown.focus ? [shown.focus] : [])]) {
    if (w.title !== '' && query.matches(w.title)) {
      const key = foldText(w.title);
      if (!titles.has(key)) titles.set(key, w.title);
    }
  }
  return titles;
}

/**
 * `objects` in time order, one per segment that has one; `null` where a segment's object is
 * missing or failed its check. Returns matches in time order.
 */
export function windowMatches(objects: readonly (ActivityObject | null)[], query: TextQuery): TimedText[] {
  const matches: TimedText[] = [];
  let open = new Map<string, string>();
  const step = (shown: Shown, atMs: number): void => {
    const now = matchingTitles(shown, query);
    for (const [key, title] of now) if (!open.has(key)) matches.push({ atMs, text: title });
    open = now;
  };
  for (const object of objects) {
    if (object === null) {
      open = new Map();
      continue;
    }
    const initial: ActivityState = object.initial;
    const shown: Shown = { focus: initial.focus, windows: initial.windows };
    step(shown, Date.parse(object.start));
    const events = [...object.events].sort((a, b) => Date.parse(a.at) - Date.parse(b.at));
    for (const event of events) {
      if (event.kind === 'focus') shown.focus = event.window;
      else if (event.kind === 'windows') shown.windows = event.windows;
      else continue;
      step(shown, Date.parse(event.at));
    }
  }
  return matches;
}

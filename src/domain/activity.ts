/**
 * The activity track: what was on screen besides the pixels. One activity object per segment,
 * stored beside it as `<segmentStartUtc>-activity.json` and named in that segment's manifest
 * entry (`activity`: key, bytes, SHA-256), so it is in the entry chain and verified like the video.
 *
 * An object stands alone: `initial` is the state at `start`, `events` every change up to `end`
 * (in time order). Objects of one session follow each other without a hole: an object's `start`
 * is the previous object's `end` (restart gaps included: windows keep changing while the capture
 * restarts). What the recorder could not observe is said in `unobserved`, with its cause.
 *
 * Window titles are typed by the user and can be sensitive: `record --no-activity` turns the
 * track off. Pure.
 */
import { z } from 'zod';
import { parseJsonFile } from './jsonFile';

export const ACTIVITY_FORMAT = 'session-recorder.activity/1';

/** Where the recorder learned about windows. */
export const ACTIVITY_SOURCES = [
  /** X11 with a window manager: PropertyNotify of `_NET_ACTIVE_WINDOW` on the root window. */
  'x11-active-window',
  /** X11 without one: the input focus and the mapped top-level windows. */
  'x11-focus',
  /** Windows: the foreground window (GetForegroundWindow). */
  'windows-foreground',
] as const;
export type ActivitySource = (typeof ACTIVITY_SOURCES)[number];

export interface WindowInfo {
  /** Platform window id (X11: `0x` hex XID; Windows: HWND as hex). */
  readonly id: string;
  /** Window title (X11 `_NET_WM_NAME`, else `WM_NAME`); '' when it has none. */
  readonly title: string;
  /** The application: X11 `WM_CLASS` class part, Windows the process image name; null when unknown. */
  readonly app: string | null;
  readonly pid: number | null;
}

export type ActivityEvent =
  /** The active (foreground / focused) window changed; null: none (the desktop or root). */
  | { readonly at: string; readonly kind: 'focus'; readonly window: WindowInfo | null }
  /** The visible top-level windows changed (one opened, closed or was retitled): the whole list, top of the stack last. */
  | { readonly at: string; readonly kind: 'windows'; readonly windows: readonly WindowInfo[] }
  /** No keyboard or pointer input since `since` (reported once the idle threshold passed). */
  | { readonly at: string; readonly kind: 'idle'; readonly since: string }
  /** Input again after an idle stretch. */
  | { readonly at: string; readonly kind: 'active' };

export interface ActivityState {
  readonly focus: WindowInfo | null;
  readonly windows: readonly WindowInfo[];
  /** Idle since this time at `start`; null when the user was active (or idle time is not known). */
  readonly idleSince: string | null;
}

/** A stretch the recorder could not observe (the X connection was lost, the source failed). */
export interface Unobserved {
  readonly start: string;
  readonly end: string;
  readonly cause: string;
}

export interface ActivityObject {
  readonly format: typeof ACTIVITY_FORMAT;
  readonly sessionPrefix: string;
  readonly source: ActivitySource;
  /** ISO 8601 UTC: the stretch this object covers. */
  readonly start: string;
  readonly end: string;
  readonly initial: ActivityState;
  readonly events: readonly ActivityEvent[];
  readonly unobserved: readonly Unobserved[];
}

/** How a manifest entry names its segment's activity object. */
export interface ActivityRef {
  readonly key: string;
  readonly bytes: number;
  /** Hex SHA-256 of the object's bytes. */
  readonly sha256: string;
}

/** Upper bounds a reader enforces: a hostile or runaway object is that session's problem, not the reader's memory. */
export const ACTIVITY_LIMITS = { maxBytes: 4 * 1024 * 1024, maxTitleChars: 1024, maxWindows: 256, maxEvents: 20_000 } as const;

/** Shared with the spool journal (activityJournal.ts): one definition of a window and an event. */
export const isoTime = z.string().refine((s) => !Number.isNaN(Date.parse(s)), 'an ISO 8601 time');
export const windowSchema = z.object({
  id: z.string().max(64),
  title: z.string().max(ACTIVITY_LIMITS.maxTitleChars),
  app: z.string().max(ACTIVITY_LIMITS.maxTitleChars).nullable(),
  pid: z.number().int().nonnegative().nullable(),
});
export const eventSchema = z.discriminatedUnion('kind', [
  z.object({ at: isoTime, kind: z.literal('focus'), window: windowSchema.nullable() }),
  z.object({ at: isoTime, kind: z.literal('windows'), windows: z.array(windowSchema).max(ACTIVITY_LIMITS.maxWindows) }),
  z.object({ at: isoTime, kind: z.literal('idle'), since: isoTime }),
  z.object({ at: isoTime, kind: z.literal('active') }),
]);
const activitySchema = z.object({
  format: z.literal(ACTIVITY_FORMAT),
  sessionPrefix: z.string(),
  source: z.enum(ACTIVITY_SOURCES),
  start: isoTime,
  end: isoTime,
  initial: z.object({
    focus: windowSchema.nullable(),
    windows: z.array(windowSchema).max(ACTIVITY_LIMITS.maxWindows),
    idleSince: isoTime.nullable(),
  }),
  events: z.array(eventSchema).max(ACTIVITY_LIMITS.maxEvents),
  unobserved: z.array(z.object({ start: isoTime, end: isoTime, cause: z.string().max(512) })),
});

export const activityRefSchema = z.object({
  key: z.string().min(1),
  bytes: z.number().int().nonnegative(),
  sha256: z.string().regex(/^[0-9a-f]{64}$/, 'a 64-character lowercase hex SHA-256'),
});

/** The bytes stored for an activity object. */
export function serializeActivity(activity: ActivityObject): string {
  return `${JSON.stringify(activity)}\n`;
}

/** Parses an activity object's text; throws an Error saying what is wrong. */
export function parseActivity(text: string): ActivityObject {
  return parseJsonFile(text, activitySchema, 'activity object', `${ACTIVITY_FORMAT} activity object`) as ActivityObject;
}

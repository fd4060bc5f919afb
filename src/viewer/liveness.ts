/**
 * Whether a session is still being recorded, from what its store shows: no end.json yet means the
 * recorder has not closed it. A segment landed recently: `live`. Nothing landed for a while:
 * `silent` (the recorder may be stalled, cut off from the store, or dead: `recover` on that
 * machine finishes it), still watched, since it may come back. end.json there: `ended`.
 * Pure, no imports: bundled into the viewer page as well (the session list uses it).
 */

export type LiveState = 'live' | 'silent' | 'ended';

export interface LivenessInput {
  /** end.json is in the session's listing (valid or not: a broken one is a problem, not a live session). */
  readonly hasEnd: boolean;
  /** ISO 8601: the newest segment's end; undefined when none has landed. */
  readonly lastSegmentEnd?: string | undefined;
  /** ISO 8601: the session's start (metadata), used when no segment has landed yet. */
  readonly start?: string | undefined;
  /** The session's segment length in seconds, as its segments show it (the longest one). */
  readonly segmentSeconds?: number | undefined;
  readonly nowMs: number;
}

export interface Liveness {
  readonly state: LiveState;
  /** ISO 8601: what the state was judged from (the newest segment's end, else the start); null when unknown. */
  readonly since: string | null;
}

/**
 * Slack beyond two segment lengths before a session without news is `silent`: a segment closes
 * ~3 s after its nominal end (encoder delay), then is hashed and uploaded, with retries when the
 * store is slow; a restart costs seconds more.
 */
export const SILENT_SLACK_SECONDS = 120;

export function liveness(input: LivenessInput): Liveness {
  const since = input.lastSegmentEnd ?? input.start ?? null;
  if (input.hasEnd) return { state: 'ended', since };
  const at = since === null ? Number.NaN : Date.parse(since);
  if (Number.isNaN(at)) return { state: 'silent', since: null };
  const segment = input.segmentSeconds !== undefined && input.segmentSeconds > 0 ? input.segmentSeconds : 60;
  const ageSeconds = (input.nowMs - at) / 1000;
  return { state: ageSeconds <= 2 * segment + SILENT_SLACK_SECONDS ? 'live' : 'silent', since };
}

/**
 * A session row's end marker: `list` and the viewer's summary say "no end.json: ..." (sessionCheck.ts)
 * only when the listing has none; a present but broken one is a different problem.
 */
export function summaryHasEnd(summary: { readonly endReason?: string | undefined; readonly problems: readonly string[] }): boolean {
  return summary.endReason !== undefined || !summary.problems.some((p) => p.startsWith('no end.json'));
}

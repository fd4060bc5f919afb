/**
 * How much of a session the video shows, and where and why it does not. Pure: computed by the
 * recorder for end.json and again by `verify` from the manifest, the same way.
 *
 * The session runs from its start (the metadata's `startedAt`) to its end (the moment the
 * recorder was asked to stop; when it never was, because it died, the end of the session's
 * last record). Video is the union of the segments that hold frames, minus the stretches in
 * which the display was stalled. Every other stretch is a gap, with the causes found in it:
 * how the runs that ended inside it ended, a stall, a segment without a decodable frame, or a
 * missing segment. A gap is explained when it is part of normal operation and within its bound:
 * start-up before the first frame, the stop at session end, a restart for a layout change.
 */
import { countTamperBursts, isExplainedCause, type CaptureRunRecord, type RunEndCause, type StallRecord } from './captureRuns';

export type GapCause = RunEndCause | 'start-up' | 'display-stalled' | 'no-decodable-frame' | 'missing-video';

/** Upper bounds of the gaps normal operation leaves (docs/evidence.md says why these values). */
export interface CoverageBounds {
  /** Session start to first frame: metadata upload (store check), display probe, FFmpeg start (~0.4 s). */
  readonly startUpMs: number;
  /** Last frame to session end when the capture was asked to stop there (encoder flush, "q"). */
  readonly stopMs: number;
  /** A restart for a layout change (measured 0.6–1.2 s). */
  readonly layoutChangeMs: number;
}

export const DEFAULT_COVERAGE_BOUNDS: CoverageBounds = { startUpMs: 5_000, stopMs: 3_000, layoutChangeMs: 5_000 };

/** Shorter seams than this between pieces of video are rounding, not gaps (a frame at 10 fps). */
const SEAM_MS = 100;

export interface CoverageGap {
  readonly kind: 'head' | 'between' | 'tail' | 'whole';
  readonly start: string;
  readonly end: string;
  readonly seconds: number;
  /** Distinct causes, most telling first. */
  readonly causes: readonly GapCause[];
  readonly explained: boolean;
}

export interface Coverage {
  readonly startedAt: string;
  /** The session's end: the stop request, or the last record when there was none. */
  readonly endedAt: string;
  readonly wallSeconds: number;
  readonly videoSeconds: number;
  readonly explainedGapSeconds: number;
  readonly unexplainedGapSeconds: number;
  /** videoSeconds ÷ (wallSeconds − explainedGapSeconds), 0..1 (1 when nothing is left to cover). */
  readonly ratio: number;
  readonly gaps: readonly CoverageGap[];
  /** Runs that ended for another reason than the session's stop, by cause; stalls as display-stalled. */
  readonly interruptions: Readonly<Partial<Record<GapCause, number>>>;
  /** Bursts of interruptions (see countTamperBursts): each was logged as "tamper suspected". */
  readonly tamperBursts: number;
}

/** What coverage is computed from: the manifest's records and its segments. */
export interface CoverageInput {
  readonly startedAtMs: number;
  /** When the recorder was asked to stop; null when it never was (it died). */
  readonly stopRequestedAtMs: number | null;
  readonly runs: readonly CaptureRunRecord[];
  readonly stalls: readonly StallRecord[];
  readonly segments: readonly { readonly runId: string; readonly startMs: number; readonly endMs: number; readonly noFrames?: boolean }[];
}

type Span = [number, number];

function merge(spans: Span[]): Span[] {
  const sorted = spans.filter(([a, b]) => b > a).sort((x, y) => x[0] - y[0]);
  const out: Span[] = [];
  for (const [a, b] of sorted) {
    const last = out[out.length - 1];
    if (last && a <= last[1] + SEAM_MS) last[1] = Math.max(last[1], b);
    else out.push([a, b]);
  }
  return out;
}

function subtract(spans: Span[], holes: Span[]): Span[] {
  let out = spans;
  for (const [ha, hb] of holes) {
    out = out.flatMap(([a, b]): Span[] => (hb <= a || ha >= b ? [[a, b]] : [...(ha > a ? [[a, ha] as Span] : []), ...(hb < b ? [[hb, b] as Span] : [])]));
  }
  return out;
}

const overlaps = (a: Span, b: Span): boolean => a[0] < b[1] && b[0] < a[1];
const iso = (ms: number): string => new Date(ms).toISOString();

export function computeCoverage(input: CoverageInput, bounds: CoverageBounds = DEFAULT_COVERAGE_BOUNDS): Coverage {
  const start = input.startedAtMs;
  const lastRecordMs = Math.max(start, ...input.runs.map((r) => r.endedAtMs), ...input.segments.map((s) => s.endMs),
    ...input.stalls.map((s) => s.endMs ?? s.startMs));
  const end = Math.max(start, input.stopRequestedAtMs ?? lastRecordMs);
  const clip = ([a, b]: Span): Span => [Math.max(start, Math.min(end, a)), Math.max(start, Math.min(end, b))];

  const stalls = merge(input.stalls.map((s): Span => clip([s.startMs, s.endMs ?? end])));
  const frameless = merge(input.segments.filter((s) => s.noFrames).map((s): Span => clip([s.startMs, s.endMs])));
  const video = subtract(merge(input.segments.filter((s) => !s.noFrames).map((s): Span => clip([s.startMs, s.endMs]))), stalls)
    .filter(([a, b]) => b > a);
  const videoMs = video.reduce((sum, [a, b]) => sum + (b - a), 0);

  const gapSpans: Span[] = [];
  let cursor = start;
  for (const [a, b] of video) {
    if (a - cursor > SEAM_MS || (cursor === start && a > start)) gapSpans.push([cursor, a]);
    cursor = b;
  }
  if (end > cursor) gapSpans.push([cursor, end]);

  const lastRun = input.runs.reduce<CaptureRunRecord | undefined>((l, r) => (l === undefined || r.startedAtMs > l.startedAtMs ? r : l), undefined);
  const gaps = gapSpans.map(([a, b]): CoverageGap => {
    const kind: CoverageGap['kind'] = video.length === 0 ? 'whole' : a === start ? 'head' : b === end ? 'tail' : 'between';
    const causes: GapCause[] = [];
    const add = (c: GapCause): void => void (causes.includes(c) ? undefined : causes.push(c));
    if (stalls.some((s) => overlaps(s, [a, b]))) add('display-stalled');
    if (frameless.some((s) => overlaps(s, [a, b]))) add('no-decodable-frame');
    // A run whose end falls in the gap (its last frame is the gap's start) explains it.
    for (const run of input.runs) {
      if (run.endedAtMs >= a - 1_000 && run.endedAtMs <= b + 1_000 && run.end.cause !== 'stop-requested') add(run.end.cause);
    }
    if (kind === 'head' || kind === 'whole') {
      if (causes.length === 0) add('start-up');
    } else if (kind === 'tail' && causes.length === 0 && lastRun?.end.cause === 'stop-requested') {
      add('stop-requested');
    }
    if (causes.length === 0) add('missing-video');
    const ms = b - a;
    const only = (c: GapCause): boolean => causes.length === 1 && causes[0] === c;
    const explained =
      (kind === 'head' && only('start-up') && ms <= bounds.startUpMs) ||
      (kind === 'tail' && only('stop-requested') && ms <= bounds.stopMs) ||
      (kind === 'between' && only('layout-change') && ms <= bounds.layoutChangeMs);
    return { kind, start: iso(a), end: iso(b), seconds: ms / 1000, causes, explained };
  });

  const wallMs = end - start;
  const explainedMs = gaps.filter((g) => g.explained).reduce((s, g) => s + Math.round(g.seconds * 1000), 0);
  const unexplainedMs = gaps.filter((g) => !g.explained).reduce((s, g) => s + Math.round(g.seconds * 1000), 0);
  const interruptions: Partial<Record<GapCause, number>> = {};
  const lost: number[] = [];
  for (const run of input.runs) {
    if (run.end.cause === 'stop-requested') continue;
    interruptions[run.end.cause] = (interruptions[run.end.cause] ?? 0) + 1;
    if (!isExplainedCause(run.end.cause)) lost.push(run.endedAtMs);
  }
  if (input.stalls.length > 0) interruptions['display-stalled'] = input.stalls.length;
  lost.push(...input.stalls.map((s) => s.startMs));
  const denominator = wallMs - explainedMs;
  return {
    startedAt: iso(start),
    endedAt: iso(end),
    wallSeconds: wallMs / 1000,
    videoSeconds: videoMs / 1000,
    explainedGapSeconds: explainedMs / 1000,
    unexplainedGapSeconds: unexplainedMs / 1000,
    ratio: denominator <= 0 ? (videoMs > 0 || wallMs === 0 ? 1 : 0) : Math.min(1, videoMs / denominator),
    gaps,
    interruptions,
    tamperBursts: countTamperBursts(lost),
  };
}

/** "1.2 s" / "3 min 4.0 s": gap lengths in reports. */
export function formatSeconds(seconds: number): string {
  if (seconds < 60) return `${seconds.toFixed(1)} s`;
  return `${Math.floor(seconds / 60)} min ${(seconds % 60).toFixed(1)} s`;
}

/**
 * Completeness: how much of the session the video shows, judged against the auditor's limits.
 * Pure. Each gap is named with its time, length and cause: explained ones (start-up, the stop,
 * a layout change, within their bounds) as notes; unexplained ones as problems when longer than
 * --max-gap, as notes otherwise; coverage below --min-coverage and a session without video are
 * problems. end.json's own account is checked against the same computation.
 */
import { describeRunEnd, type RunEndCause } from '../domain/captureRuns';
import { formatSeconds, type Coverage, type CoverageGap, type GapCause } from '../domain/coverage';
import type { EndMarker, Manifest } from '../domain/manifest';
import { manifestCoverage } from '../domain/manifestCoverage';
import { shown, type Finding, type NoteCode, type ProblemCode } from './report';

export interface CoverageLimits {
  /** 0..1: below it the session fails. */
  readonly minCoverage: number;
  /** Longer unexplained gaps fail the session. */
  readonly maxGapMs: number;
}

export const COVERAGE_PROBLEMS: readonly ProblemCode[] = ['gap', 'low-coverage', 'no-video'];

export interface CoverageResult {
  readonly coverage: Coverage | null;
  readonly problems: readonly Finding<ProblemCode>[];
  readonly notes: readonly Finding<NoteCode>[];
}

const CAUSE_WORDS: Record<Exclude<GapCause, RunEndCause>, string> = {
  'start-up': 'start-up before the first frame',
  'display-stalled': 'display stalled (it did not answer: server grabbed?)',
  'no-decodable-frame': 'a segment with no decodable frame (disk full?)',
  'missing-video': 'no segment covers it (missing video)',
};

export function causeText(cause: GapCause): string {
  return cause in CAUSE_WORDS ? CAUSE_WORDS[cause as keyof typeof CAUSE_WORDS] : describeRunEnd({ cause: cause as RunEndCause });
}

function gapLine(gap: CoverageGap): string {
  const where = gap.kind === 'head' ? 'at the start' : gap.kind === 'tail' ? 'at the end' : gap.kind === 'whole' ? 'over the whole session' : 'in the session';
  return `${formatSeconds(gap.seconds)} without video ${where}, ${shown(gap.start)} → ${shown(gap.end)}: ${gap.causes.map(causeText).join('; ')}`;
}

const percent = (ratio: number): string => `${(Math.floor(ratio * 1000) / 10).toFixed(1)} %`;

/** The default limits of `verify` (--min-coverage 99, --max-gap 2): `list` and the viewer judge with them. */
export const DEFAULT_COVERAGE_LIMITS: CoverageLimits = { minCoverage: 0.99, maxGapMs: 2_000 };

/** One line per reason the coverage fails the limits (empty: it passes): what `list` and the viewer show. */
export function coverageShortfalls(coverage: Coverage, limits: CoverageLimits = DEFAULT_COVERAGE_LIMITS): string[] {
  const out: string[] = [];
  if (coverage.videoSeconds === 0) out.push('no video at all');
  else if (coverage.ratio < limits.minCoverage) out.push(`coverage ${percent(coverage.ratio)} (below ${limits.minCoverage * 100} %)`);
  for (const gap of coverage.gaps) if (!gap.explained && gap.seconds * 1000 > limits.maxGapMs) out.push(gapLine(gap));
  return out;
}

export function coverageFindings(manifest: Manifest, end: EndMarker | undefined, limits: CoverageLimits): CoverageResult {
  const coverage = manifestCoverage(manifest);
  const problems: Finding<ProblemCode>[] = [];
  const notes: Finding<NoteCode>[] = [];
  if (coverage === null) {
    notes.push({ code: 'coverage-unknown', message: 'coverage is unknown: this manifest has no record of capture runs (written by a recorder before coverage was recorded); only integrity was checked' });
    return { coverage, problems, notes };
  }
  for (const gap of coverage.gaps) {
    const details = { start: gap.start, end: gap.end, seconds: gap.seconds, causes: gap.causes.join(','), kind: gap.kind };
    if (gap.explained) notes.push({ code: 'explained-gap', message: `${gapLine(gap)} (explained)`, details });
    else if (gap.seconds * 1000 > limits.maxGapMs) problems.push({ code: 'gap', message: `${gapLine(gap)} (longer than --max-gap ${limits.maxGapMs / 1000} s)`, details });
    else notes.push({ code: 'unexplained-gap', message: gapLine(gap), details });
  }
  if (coverage.videoSeconds === 0) {
    problems.push({ code: 'no-video', message: `the session has no video at all (${formatSeconds(coverage.wallSeconds)} from ${shown(coverage.startedAt)} to ${shown(coverage.endedAt)})` });
  } else if (coverage.ratio < limits.minCoverage) {
    problems.push({
      code: 'low-coverage',
      message: `coverage ${percent(coverage.ratio)}: ${formatSeconds(coverage.videoSeconds)} of video for ${formatSeconds(coverage.wallSeconds - coverage.explainedGapSeconds)} to cover (below --min-coverage ${limits.minCoverage * 100} %)`,
      details: { ratio: coverage.ratio, videoSeconds: coverage.videoSeconds, wallSeconds: coverage.wallSeconds, explainedGapSeconds: coverage.explainedGapSeconds },
    });
  }
  if (coverage.tamperBursts > 0) {
    notes.push({ code: 'tamper-suspected', message: `${coverage.tamperBursts} burst(s) of capture interruptions (3 or more within a minute): tamper suspected`, details: { bursts: coverage.tamperBursts } });
  }
  if (end !== undefined) problems.push(...endCoverageFindings(end, coverage));
  return { coverage, problems, notes };
}

/** end.json's account of coverage against verify's (the parts that do not depend on the limits). */
function endCoverageFindings(end: EndMarker, coverage: Coverage): Finding<ProblemCode>[] {
  const recorded = end.coverage as Partial<Coverage> | undefined;
  const mismatch = (field: string, expected: string | number, actual: unknown): Finding<ProblemCode> => ({
    code: 'end-mismatch',
    name: 'end.json',
    message: `end.json coverage.${field} is ${shown(String(actual))}, the manifest gives ${shown(String(expected))}: the coverage records changed after the session ended`,
    details: { field: `coverage.${field}`, expected, actual: String(actual) },
  });
  if (recorded === undefined) return [mismatch('(all)', 'coverage records', 'absent')];
  const out: Finding<ProblemCode>[] = [];
  const close = (a: unknown, b: number): boolean => typeof a === 'number' && Math.abs(a - b) < 0.0005;
  if (!close(recorded.wallSeconds, coverage.wallSeconds)) out.push(mismatch('wallSeconds', coverage.wallSeconds, recorded.wallSeconds));
  if (!close(recorded.videoSeconds, coverage.videoSeconds)) out.push(mismatch('videoSeconds', coverage.videoSeconds, recorded.videoSeconds));
  const gaps = Array.isArray(recorded.gaps) ? recorded.gaps.length : NaN;
  if (gaps !== coverage.gaps.length) out.push(mismatch('gaps', coverage.gaps.length, gaps));
  if (JSON.stringify(recorded.interruptions ?? null) !== JSON.stringify(coverage.interruptions)) {
    out.push(mismatch('interruptions', JSON.stringify(coverage.interruptions), JSON.stringify(recorded.interruptions ?? null)));
  }
  return out;
}

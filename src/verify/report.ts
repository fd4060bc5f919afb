/**
 * What `verify` found about one session, as data: the text report, the JSON output and the exit
 * code are all made from this. Names are object names relative to the session URL.
 */

import type { Coverage } from '../domain/coverage';

/** Something wrong with the evidence: the session is not provably complete and unaltered. */
export type ProblemCode =
  | 'no-objects'
  | 'manifest-missing'
  | 'manifest-invalid'
  | 'end-missing'
  | 'end-invalid'
  | 'end-mismatch'
  | 'session-incomplete'
  | 'chain-broken'
  | 'duplicate-entry'
  | 'key-outside-session'
  | 'metadata-missing'
  | 'metadata-altered'
  | 'segment-missing'
  | 'segment-altered'
  | 'segment-undecodable'
  | 'unexpected-object'
  | 'activity-missing'
  | 'activity-altered'
  | 'activity-invalid'
  | 'activity-hole'
  | 'hole'
  | 'segments-skipped'
  | 'overlap'
  // completeness (the evidence is intact but does not show the whole session): exit 7 alone
  | 'gap'
  | 'low-coverage'
  | 'no-video';

/** Worth knowing, not wrong: the timeline's expected seams and other context. */
export type NoteCode =
  | 'restart' | 'resolution-change' | 'partial-segment' | 'clock-step' | 'relocated' | 'metadata-unparsed'
  | 'explained-gap' | 'unexplained-gap' | 'coverage-unknown' | 'tamper-suspected'
  | 'no-activity-track' | 'activity-partial' | 'activity-unobserved';

/** A check that could not be made (the store refused or failed a read): nothing is proven either way. */
export type ErrorCode = 'list-failed' | 'read-failed';

export interface Finding<C extends string = string> {
  readonly code: C;
  /** One line, for people; every untrusted value in it is quoted and escaped. */
  readonly message: string;
  /** The object concerned, relative to the session URL. */
  readonly name?: string;
  /** Machine-readable specifics (sizes, hashes, seconds). */
  readonly details?: Readonly<Record<string, string | number | boolean | null>>;
}

export interface TimelineSummary {
  readonly firstStart: string | null;
  readonly lastEnd: string | null;
  /** Sum of the segments' durations. */
  readonly videoSeconds: number;
  /** From the first segment's start to the last one's end. */
  readonly spanSeconds: number;
  readonly runs: number;
  readonly restarts: number;
  readonly resolutionChanges: number;
  readonly holes: number;
}

export interface VerifyReport {
  readonly format: 'session-recorder.verify/1';
  readonly url: string;
  /** verified: exit 0; problems: exit 5; incomplete (only completeness problems): exit 7; unverifiable: exit 6. */
  readonly verdict: 'verified' | 'problems' | 'incomplete' | 'unverifiable';
  readonly sessionPrefix: string | null;
  /** Raw values from the metadata file (as recorded: may hold anything the user typed). */
  readonly metadata: Readonly<Record<string, string>> | null;
  readonly manifest: { readonly segments: number; readonly bytes: number; readonly seconds: number; readonly chainIntact: boolean } | null;
  readonly end: { readonly endedAt: string; readonly reason: string; readonly complete: boolean } | null;
  readonly objects: { readonly listed: number; readonly segmentsHashed: number; readonly segmentsMatching: number };
  readonly timeline: TimelineSummary;
  /** How much of the session the video shows; null when unknown (an older manifest) or unreadable. */
  readonly coverage: Coverage | null;
  readonly problems: readonly Finding<ProblemCode>[];
  readonly notes: readonly Finding<NoteCode>[];
  readonly errors: readonly Finding<ErrorCode>[];
}

/** Exit codes of `verify` (0 and 2 as for every command). */
export const VerifyExit = {
  verified: 0,
  usage: 2,
  problems: 5,
  unverifiable: 6,
  incomplete: 7,
} as const;

const COMPLETENESS: readonly string[] = ['gap', 'low-coverage', 'no-video'];

export function verdictOf(problems: readonly { code: string }[], errors: readonly unknown[]): VerifyReport['verdict'] {
  if (problems.some((p) => !COMPLETENESS.includes(p.code))) return 'problems';
  if (problems.length > 0) return 'incomplete';
  if (errors.length > 0) return 'unverifiable';
  return 'verified';
}

export function verifyExitCode(report: Pick<VerifyReport, 'verdict'>): number {
  switch (report.verdict) {
    case 'verified':
      return VerifyExit.verified;
    case 'problems':
      return VerifyExit.problems;
    case 'unverifiable':
      return VerifyExit.unverifiable;
    case 'incomplete':
      return VerifyExit.incomplete;
    default:
      return report.verdict satisfies never;
  }
}

/**
 * A value from the bucket or the metadata, safe to print on a terminal: plain names stay as they
 * are, anything else becomes a JSON string with control, format (bidi) and separator characters
 * escaped, so a hostile value can neither forge a report line nor drive the terminal.
 */
export function shown(value: string): string {
  if (/^[\p{L}\p{M}\p{N}\-_.@/:+]+$/u.test(value) && !/\p{Cf}/u.test(value)) return value;
  return quoted(value);
}

/** Always a JSON string, escaped like `shown`: for values printed as values (user names...). */
export function quoted(value: string): string {
  return JSON.stringify(value).replace(/[\p{Cc}\p{Cf}\p{Zl}\p{Zp}]/gu, (c) =>
    Array.from({ length: c.length }, (_, i) => `\\u${c.charCodeAt(i).toString(16).padStart(4, '0')}`).join(''),
  );
}

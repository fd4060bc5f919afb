/**
 * The evidence of how the capture went: every FFmpeg run with how it ended, and every stretch in
 * which the display stopped answering (a stall). Recorded by the recorder in the manifest so
 * `verify` can tell what part of the session has no video, and why. Pure.
 */

/**
 * Why a capture run ended. Kebab-case codes (stable, for JSON and counting); `describeRunEnd`
 * says them in words.
 */
export type RunEndCause =
  /** The session ended (sentinel, SIGTERM/SIGINT, max duration): FFmpeg was asked to stop. */
  | 'stop-requested'
  /** The screen layout changed: FFmpeg was stopped (or exited on the shrunk screen) and restarted. */
  | 'layout-change'
  /** x11grab lost its X connection (another client disconnected it, or the server went away). */
  | 'x-connection-lost'
  /** FFmpeg could not write: the spool's file system is full. */
  | 'disk-full'
  /** The damage grabber feeding FFmpeg ended on its own (killed, crashed): FFmpeg read EOF and exited. */
  | 'grabber-exited'
  /** Any other exit nobody asked for (code 0 included). */
  | 'ffmpeg-exited'
  /** FFmpeg could not be started (missing executable, spool not writable). */
  | 'failed-to-start'
  /** FFmpeg did not exit even after SIGKILL of its tree; the recorder stopped waiting for it. */
  | 'abandoned'
  /** The recorder itself stopped (killed, machine lost) while this run was capturing. */
  | 'recorder-lost';

export const RUN_END_CAUSES: readonly RunEndCause[] = [
  'stop-requested', 'layout-change', 'x-connection-lost', 'disk-full', 'grabber-exited', 'ffmpeg-exited', 'failed-to-start', 'abandoned', 'recorder-lost',
];

/** How one capture run ended. */
export interface RunEnd {
  readonly cause: RunEndCause;
  /** FFmpeg's exit code or signal, when it exited. */
  readonly code?: number | null;
  readonly signal?: string | null;
}

/** One FFmpeg run, as recorded in the manifest. Times are epoch ms. */
export interface CaptureRunRecord {
  readonly runId: string;
  /** When FFmpeg was spawned (or its start was attempted). */
  readonly startedAtMs: number;
  /** The first captured frame, when FFmpeg reported one; null when it never captured. */
  readonly firstFrameAtMs: number | null;
  readonly endedAtMs: number;
  readonly end: RunEnd;
}

/**
 * A stretch in which the display did not answer the recorder (another client held the server
 * grabbed, or the X server hung): FFmpeg's frames in it repeat the last image, so it is a gap
 * even where segments cover it. `endMs` null: still stalled when last recorded.
 */
export interface StallRecord {
  readonly startMs: number;
  readonly endMs: number | null;
}

/** Causes a restart of which is part of normal operation, not an interruption. */
export function isExplainedCause(cause: RunEndCause): boolean {
  return cause === 'stop-requested' || cause === 'layout-change';
}

/**
 * How an exit nobody asked for is classified, from FFmpeg's own words. x11grab whose X
 * connection was cut (XKillClient) logs "Failed to query xcb pointer" / "Generic error in an
 * external library" and exits 0 (measured, FFmpeg 5.1); a full disk logs ENOSPC. A damage grabber
 * that ended first is told by the line the ffmpeg actor adds ("damage-grab ended first (...)").
 */
export function classifyExit(code: number | null, signal: string | null, stderrTail: string): RunEnd {
  const base = { code, signal };
  if (/No space left on device/i.test(stderrTail)) return { cause: 'disk-full', ...base };
  if (/\[x11grab[^\]]*\].*(xcb|failed)|Generic error in an external library|X IO error|Cannot open display/i.test(stderrTail)) {
    return { cause: 'x-connection-lost', ...base };
  }
  // The damage grabber's end, added by the ffmpeg actor (adapters/damageGrabArgs.ts grabberEndLine).
  const grabber = /^damage-grab ended first \(([^)]*)\)(.*)$/m.exec(stderrTail);
  if (grabber !== null) {
    if (/lost the X connection|cannot open display/i.test(grabber[0])) return { cause: 'x-connection-lost', ...base };
    return { cause: 'grabber-exited', ...base };
  }
  return { cause: 'ffmpeg-exited', ...base };
}

/** One line about how a run ended, e.g. "FFmpeg exited (code 0)". */
export function describeRunEnd(end: RunEnd): string {
  const how = end.signal ? `signal ${end.signal}` : end.code !== undefined && end.code !== null ? `code ${end.code}` : null;
  const withHow = (text: string): string => (how ? `${text} (${how})` : text);
  switch (end.cause) {
    case 'stop-requested': return 'asked to stop at session end';
    case 'layout-change': return 'restarted for a layout change';
    case 'x-connection-lost': return withHow('X connection lost');
    case 'disk-full': return withHow('disk full');
    case 'grabber-exited': return 'the screen grabber ended';
    case 'ffmpeg-exited': return withHow('FFmpeg exited');
    case 'failed-to-start': return 'FFmpeg failed to start';
    case 'abandoned': return 'FFmpeg did not exit after SIGKILL';
    case 'recorder-lost': return 'the recorder stopped while capturing';
    default: return end.cause satisfies never;
  }
}

/** A burst: this many interruptions (lost captures) within `TAMPER_WINDOW_MS`. */
export const TAMPER_BURST = 3;
export const TAMPER_WINDOW_MS = 60_000;

/**
 * How many bursts of interruptions the runs show: a burst starts when the TAMPER_BURST-th
 * interruption falls within TAMPER_WINDOW_MS of the first of them, and takes every interruption
 * in that window. The recorder logs each as "tamper suspected"; end.json counts them.
 */
export function countTamperBursts(interruptionTimesMs: readonly number[]): number {
  const times = [...interruptionTimesMs].sort((a, b) => a - b);
  let bursts = 0;
  let i = 0;
  while (i + TAMPER_BURST - 1 < times.length) {
    const first = times[i] as number;
    if ((times[i + TAMPER_BURST - 1] as number) - first <= TAMPER_WINDOW_MS) {
      bursts += 1;
      while (i < times.length && (times[i] as number) - first <= TAMPER_WINDOW_MS) i += 1;
    } else {
      i += 1;
    }
  }
  return bursts;
}

/** True when the interruption at `nowMs`, after `earlierMs`, completes a new burst. */
export function startsTamperBurst(earlierMs: readonly number[], nowMs: number): boolean {
  return countTamperBursts([...earlierMs, nowMs]) > countTamperBursts(earlierMs);
}

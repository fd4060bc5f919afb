import type { RunEndCause } from '../domain/captureRuns';
import type { DisplayLayout } from '../domain/displayLayout';
import type { EndedRun } from './recorderEvents';

/** Timings the machine needs; all in milliseconds. Defaults live in the config table. */
export interface RecorderMachineConfig {
  /** After "q" on stdin, how long FFmpeg gets to finalize its segment before SIGTERM. */
  readonly stopTimeoutMs: number;
  /** After SIGTERM (and again after SIGKILL of the tree), how long to wait for the exit. */
  readonly killTimeoutMs: number;
  /** The whole drain, sentinel to exit; must fit the 60 s AppStream gives a termination hook. */
  readonly drainTimeoutMs: number;
  /** Part of the drain kept for manifest.json and end.json. */
  readonly finalizeReserveMs: number;
  /** How long to wait for the segment watcher to report an ended run's last segments. */
  readonly settleTimeoutMs: number;
  /** Crash-loop backoff: first delay after the second consecutive crash, doubling up to the cap. */
  readonly restartBackoffBaseMs: number;
  readonly restartBackoffMaxMs: number;
  /** A capture that ran this long resets the crash counter. */
  readonly stableRunMs: number;
  /**
   * After a restart for a display change, further changes are held this long and then applied
   * at once with the newest layout: a flapping display costs one restart per cooldown, not one
   * per change. Default DEFAULT_DISPLAY_RESTART_COOLDOWN_MS.
   */
  readonly displayRestartCooldownMs?: number;
}

/** 2 s: a restart costs a ~0.7 s gap, so a flapping display loses at most ~25 % of its time. */
export const DEFAULT_DISPLAY_RESTART_COOLDOWN_MS = 2_000;

export interface RecorderInput {
  readonly config: RecorderMachineConfig;
}

export interface CaptureRun {
  readonly runId: string;
  readonly pid: number;
  readonly startedAtMs: number;
  /** Its first captured frame; null until FFmpeg reported one. A run that captured and is lost restarts at once. */
  readonly firstFrameAtMs: number | null;
}

export interface CaptureExit {
  readonly code: number | null;
  readonly signal: string | null;
  readonly stderrTail: string;
}

/** Data only: no process, watcher or socket handles (those live in the actors). */
export interface RecorderContext {
  readonly config: RecorderMachineConfig;
  /** The newest layout the display poller reported. */
  readonly layout: DisplayLayout | null;
  /** The layout the running (or last started) capture was started with. */
  readonly captureLayout: DisplayLayout | null;
  /** Display changes are being held after a restart for a display change (see the cooldown). */
  readonly displayCooldown: boolean;
  /** The FFmpeg run currently alive, if any. */
  readonly run: CaptureRun | null;
  readonly runCount: number;
  /** Runs that ended but whose last segments the watcher has not confirmed yet. */
  readonly unsettledRuns: readonly string[];
  readonly lastExit: CaptureExit | null;
  /** Consecutive runs that never captured a frame (failed to start): these back off. */
  readonly consecutiveFailures: number;
  /** Why the machine is stopping the current run (recorded as the run's end); null when it is not. */
  readonly stopCause: Extract<RunEndCause, 'layout-change' | 'stop-requested'> | null;
  /** Recent interruptions (lost captures, stalls), epoch ms, for burst detection. */
  readonly interruptionTimesMs: readonly number[];
  /**
   * Runs lost without being asked (and the capture layout each was started with) since a run last
   * captured a frame. A shrunk screen makes x11grab exit (code 0) at once, often before the display
   * poller reports the change; when the change then arrives, these ends were the layout change's
   * doing and are recorded again as such (see explainEndsByLayout in captureRecords.ts).
   */
  readonly unexplainedEnds: readonly UnexplainedEnd[];
  readonly restartReason: 'display' | 'crash' | null;
  readonly pendingUploads: number;
  readonly segmentsClosed: number;
  readonly segmentsUploaded: number;
  readonly bytesUploaded: number;
  readonly failedAttempts: number;
  readonly stopReason: string | null;
  readonly leftInSpool: number | null;
  /** Seconds of video the session has, from end.json's coverage; null until finalized or unknown. */
  readonly videoSeconds: number | null;
  readonly lastDisplayProblem: string | null;
}

export interface RecorderOutput {
  /** 0: everything durable; 3: drained, but something is left in the spool for `recover`. */
  readonly exitCode: 0 | 3;
  readonly leftInSpool: number | null;
  readonly segmentsUploaded: number;
  readonly bytesUploaded: number;
  readonly stopReason: string | null;
  readonly videoSeconds: number | null;
}

/** A run lost without being asked, kept until a later run captures: see `unexplainedEnds`. */
export interface UnexplainedEnd {
  readonly run: EndedRun;
  readonly captureLayout: DisplayLayout | null;
}

export function initialContext(input: RecorderInput): RecorderContext {
  return {
    config: input.config,
    layout: null,
    captureLayout: null,
    displayCooldown: false,
    run: null,
    runCount: 0,
    unsettledRuns: [],
    lastExit: null,
    consecutiveFailures: 0,
    stopCause: null,
    interruptionTimesMs: [],
    unexplainedEnds: [],
    restartReason: null,
    pendingUploads: 0,
    segmentsClosed: 0,
    segmentsUploaded: 0,
    bytesUploaded: 0,
    failedAttempts: 0,
    stopReason: null,
    leftInSpool: null,
    videoSeconds: null,
    lastDisplayProblem: null,
  };
}

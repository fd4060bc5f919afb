import type { DisplayLayout } from '../domain/displayLayout';
import type { RunEnd, StallRecord } from '../domain/captureRuns';
import type { ClosedSegment, DurableSegment } from '../domain/segment';

/**
 * Every event the recorder machine handles. Named `<source>.<what>` so logs read well and
 * wildcards like `ffmpeg.*` work. Actors check what they send with `satisfies RecorderEvent`.
 */
export type RecorderEvent =
  // display poller
  | { type: 'display.detected'; layout: DisplayLayout }
  | { type: 'display.changed'; layout: DisplayLayout }
  | { type: 'display.lost'; message: string }
  // display watchdog: the display stopped answering a round trip (another client grabbed the
  // server?) since `sinceMs`, and answered again at `atMs`
  | { type: 'display.stalled'; sinceMs: number }
  | { type: 'display.answering'; sinceMs: number; atMs: number }
  // ffmpeg child
  | { type: 'ffmpeg.started'; runId: string; pid: number; startedAtMs: number }
  /** The run captured its first frame: it is running, and losing it is an interruption. */
  | { type: 'ffmpeg.capturing'; runId: string; firstFrameAtMs: number }
  | { type: 'ffmpeg.exited'; runId: string; code: number | null; signal: string | null; stderrTail: string; exitedAtMs: number }
  | { type: 'ffmpeg.failedToStart'; runId: string; message: string; atMs: number }
  // segment watcher
  | { type: 'segment.closed'; segment: ClosedSegment }
  /** Reply to `segments.runEnded`: every segment of that run (the partial one too) was reported. */
  | { type: 'segments.runSettled'; runId: string }
  // sentinel watcher and process signals
  | { type: 'sentinel.appeared'; path: string }
  | { type: 'recorder.stop'; reason: string }
  // uploader
  | { type: 'upload.started'; key: string; attempt: number }
  | { type: 'upload.done'; segment: DurableSegment; pending: number }
  | { type: 'upload.failed'; key: string; attempt: number; retryInMs: number; message: string }
  | { type: 'upload.idle' }
  /** `videoSeconds`: the session's seconds of video by end.json's coverage (absent when unknown). */
  | { type: 'upload.finalized'; leftInSpool: number; message?: string; videoSeconds?: number };

/**
 * The recovery machine's events: the recorder's (it runs the same watcher and uploader), and
 * `recover.stop`, sent by whoever runs the recovery to cut it short (straight to the manifest and
 * end marker).
 */
export type RecoveryEvent = RecorderEvent | { type: 'recover.stop' };

/** Commands the machine sends to its ffmpeg child. */
export type FfmpegCommand = { type: 'ffmpeg.finish' } | { type: 'ffmpeg.terminate' } | { type: 'ffmpeg.kill' };

/**
 * Commands the machine sends to its segment watcher. After an FFmpeg run ended, the watcher
 * re-reads that run's list, reports what is left (including an unlisted partial segment) and
 * answers `segments.runSettled`, so a drain never finalizes before the last segment is queued.
 */
export type SegmentWatcherCommand = { type: 'segments.runEnded'; runId: string };

/** Commands the machine sends to its uploader child. */
export type UploaderCommand =
  | { type: 'uploader.enqueue'; segment: ClosedSegment }
  /** The session ended: keep retrying, with short delays; the machine's drain budget bounds the time. */
  | { type: 'uploader.drain' }
  /** Write manifest.json and end.json, then report `upload.finalized`. */
  | { type: 'uploader.finalize'; reason: string }
  /** The session ended (sentinel, signal, max duration): its end time, recorded in the manifest. */
  | { type: 'uploader.stopRequested' }
  /** A capture run ended: record it in the manifest (`endedAtMs` null: the uploader's clock now). */
  | { type: 'uploader.runEnded'; run: EndedRun }
  /** A display stall began (`endMs` null) or ended: record it in the manifest. */
  | { type: 'uploader.stall'; stall: StallRecord };

/** What the machine knows of an ended run; times are epoch ms from the actors' events. */
export interface EndedRun {
  readonly runId: string;
  readonly startedAtMs: number | null;
  readonly firstFrameAtMs: number | null;
  readonly endedAtMs: number | null;
  readonly end: RunEnd;
}

/** Emitted (actor.on) when interruptions come in a burst: the CLI logs "tamper suspected" as an error. */
export type RecorderEmitted = { type: 'recorder.tamperSuspected'; atMs: number; recentInterruptions: number; windowMs: number };

import { assertEvent } from 'xstate';
import type { RecoveryEvent, UploaderCommand } from './recorderEvents';

/**
 * What the recorder and the recovery machine both keep about uploads: segments handed to the
 * uploader and not yet durable, what became durable, failed attempts, and ended runs whose last
 * segments the watcher has not reported yet. Both machines drain the same way (settle the runs,
 * wait for the uploads, finalize), so the counting, its guards and the uploader commands live
 * here once, as pure functions of (tally, event).
 *
 * Each machine names them in its own `setup()` with a one-line `assign`/`sendTo`: XState types an
 * action by its machine's whole context and actors, so one action object cannot serve both.
 */
export interface UploadTally {
  readonly unsettledRuns: readonly string[];
  readonly pendingUploads: number;
  readonly segmentsUploaded: number;
  readonly bytesUploaded: number;
  readonly failedAttempts: number;
  /** Set by `upload.finalized`: what could not be made durable; null until then. */
  readonly leftInSpool: number | null;
}

/** Guard: every segment of every ended run has been reported by the watcher. */
export const allRunsSettled = ({ context }: { context: UploadTally }): boolean => context.unsettledRuns.length === 0;

/** Guard: every segment handed to the uploader is durable. */
export const nothingPending = ({ context }: { context: UploadTally }): boolean => context.pendingUploads === 0;

/** 0 when everything is durable, 3 when something stays in the spool for a later `recover`. */
export function uploadExitCode(tally: UploadTally): 0 | 3 {
  return tally.leftInSpool === 0 && tally.pendingUploads === 0 ? 0 : 3;
}

/** A segment was handed to the uploader (each machine adds its own "closed" or "found" count). */
export function countQueued(tally: UploadTally): Pick<UploadTally, 'pendingUploads'> {
  return { pendingUploads: tally.pendingUploads + 1 };
}

/** `upload.done`: one segment less pending, its bytes durable. */
export function countDurable(tally: UploadTally, event: RecoveryEvent): Pick<UploadTally, 'pendingUploads' | 'segmentsUploaded' | 'bytesUploaded'> {
  assertEvent(event, 'upload.done');
  return {
    pendingUploads: Math.max(0, tally.pendingUploads - 1),
    segmentsUploaded: tally.segmentsUploaded + 1,
    bytesUploaded: tally.bytesUploaded + event.segment.bytes,
  };
}

/** `upload.failed`: the uploader retries by itself; the tally only counts. */
export function countFailed(tally: UploadTally): Pick<UploadTally, 'failedAttempts'> {
  return { failedAttempts: tally.failedAttempts + 1 };
}

/** `segments.runSettled`: the watcher reported every segment of that run. */
export function settleRun(tally: UploadTally, event: RecoveryEvent): Pick<UploadTally, 'unsettledRuns'> {
  assertEvent(event, 'segments.runSettled');
  return { unsettledRuns: tally.unsettledRuns.filter((id) => id !== event.runId) };
}

/** `segment.closed` becomes the uploader's queue entry. */
export function enqueueCommand(event: RecoveryEvent): UploaderCommand {
  assertEvent(event, 'segment.closed');
  return { type: 'uploader.enqueue', segment: event.segment };
}

/** The session ended: the uploader retries with short delays; the machine's budget bounds it. */
export const drainCommand = { type: 'uploader.drain' } as const satisfies UploaderCommand;

/** Write manifest.json and end.json, with why the session ended. */
export function finalizeCommand(reason: string): UploaderCommand {
  return { type: 'uploader.finalize', reason };
}

import type { ActorRefFrom } from 'xstate';
import { initialContext } from './recorderContext';
import { recorderSetup } from './recorderSetup';
import { uploadExitCode } from './uploadBookkeeping';

export { restartDelayMs } from './restartPolicy';
export type { FfmpegActorInput } from './recorderSetup';

/**
 * A graceful stop of FFmpeg as states, shared by `restarting` and `draining`:
 * "q" on stdin → (stopTimeout) SIGTERM → (killTimeout) SIGKILL of the tree → (killTimeout) give up
 * waiting. Whichever way FFmpeg exits, the segment watcher is asked to settle that run, and the
 * machine moves on to `next` (a sibling state name).
 */
function stopCaptureStates<const TNext extends string>(next: TNext) {
  const onExit = {
    'ffmpeg.exited': { guard: 'isCurrentRun', target: next, actions: [{ type: 'reportRunEnded', params: { how: 'asked' } }, 'recordRunEnded', 'askWatcherToSettleRun'] },
  } as const;
  return {
    stopping: {
      description: 'Asked FFmpeg to quit ("q" on stdin) so it finalizes its last segment.',
      entry: { type: 'sendToFfmpeg', params: { command: 'ffmpeg.finish' } },
      on: onExit,
      after: { stopTimeout: 'terminating' },
    },
    terminating: {
      description: 'FFmpeg did not quit in time: SIGTERM (it still finalizes the segment).',
      entry: { type: 'sendToFfmpeg', params: { command: 'ffmpeg.terminate' } },
      on: onExit,
      after: { killTimeout: 'killing' },
    },
    killing: {
      description: 'FFmpeg ignored SIGTERM: SIGKILL of its whole process tree.',
      entry: { type: 'sendToFfmpeg', params: { command: 'ffmpeg.kill' } },
      on: onExit,
      after: { killTimeout: { target: next, actions: 'abandonRun' } },
    },
  } as const;
}

/**
 * The recorder's statechart: one streaming session, from the first display layout to the last
 * upload. Only the state tree is here; what it names (actors, guards, delays, actions) is in
 * recorderSetup.ts, recorderGuards.ts and recorderDelays.ts, the counting of uploads it shares
 * with the recovery machine in uploadBookkeeping.ts. docs/statechart.md is generated from it
 * (`npm run docs:statechart`).
 *
 * States
 *   idle                      waiting for the display's layout
 *   recording                 FFmpeg runs; closed segments are uploaded at once
 *   restarting                stopping → terminating → killing (stopCaptureStates above), then
 *     .waiting                backoff after a crash, none after a layout change
 *   draining.flushing         checkingCapture, the same stop states, settling, uploading:
 *                             bounded by the drain budget
 *   draining.finalizing       manifest.json and end.json, bounded by the reserve
 *   finished                  final; output exit code 0 (all durable) or 3 (spool not empty)
 *
 * Events (recorderEvents.ts), by source
 *   display.detected/changed/lost, display.stalled/answering   display poller, watchdog
 *   ffmpeg.started/capturing/exited/failedToStart               the ffmpeg child
 *   segment.closed, segments.runSettled                         segment watcher
 *   sentinel.appeared, recorder.stop                            sentinel watcher, signals
 *   upload.done/failed/finalized                                uploader
 * In every state a closed segment is queued and a durable one counted: uploads run during
 * recording, restarting and draining alike.
 */
export const recorderMachine = recorderSetup.createMachine({
  id: 'recorder',
  description: 'Records one streaming session: capture, upload while recording, drain at session end.',
  context: ({ input }) => initialContext(input),
  invoke: [
    { id: 'displayPoller', src: 'displayPoller' },
    { id: 'segmentWatcher', src: 'segmentWatcher' },
    { id: 'sentinelWatcher', src: 'sentinelWatcher' },
    { id: 'uploader', src: 'uploader' },
    { id: 'displayWatchdog', src: 'displayWatchdog' },
    { id: 'activity', src: 'activity' },
  ],
  on: {
    'segment.closed': { actions: ['countClosedSegment', 'queueUpload'] },
    'upload.done': { actions: 'countDurableSegment' },
    'upload.failed': { actions: 'countFailedAttempt' },
    'segments.runSettled': { actions: 'recordRunSettled' },
    'display.lost': { actions: 'noteDisplayLost' },
    'ffmpeg.capturing': { guard: 'isCurrentRun', actions: ['noteFirstFrame', 'forgetUnexplainedEnds'] },
    'display.stalled': { actions: ['forwardStall', 'noteInterruption'] },
    'display.answering': { actions: 'forwardStall' },
  },
  initial: 'idle',
  states: {
    idle: {
      description: "Waiting for the user's display before the first capture.",
      on: {
        'display.detected': { target: 'recording', actions: 'rememberLayout' },
        'display.changed': { target: 'recording', actions: 'rememberLayout' },
        'sentinel.appeared': { target: 'draining', actions: 'noteStopReason' },
        'recorder.stop': { target: 'draining', actions: 'noteStopReason' },
      },
    },
    recording: {
      description: 'FFmpeg captures the whole screen into segments; each closed segment is uploaded at once.',
      entry: ['startCapture', 'noteCaptureLayout', 'startDisplayCooldown'],
      after: {
        stableRun: { actions: 'forgiveFailures' },
        // End of the cooldown: the newest layout wins; a layout that flapped back needs nothing.
        displayRestartCooldown: [
          { guard: 'captureOutdated', target: 'restarting', actions: ['endDisplayCooldown', 'noteLayoutChange'] },
          { actions: 'endDisplayCooldown' },
        ],
      },
      on: {
        'ffmpeg.started': { guard: 'isCurrentRun', actions: 'recordRunStarted' },
        'ffmpeg.exited': [
          // A held change explains the exit (a shrunk screen makes FFmpeg exit 0): not a crash.
          {
            guard: 'exitExplainedByLayout',
            target: 'restarting.waiting',
            actions: [{ type: 'reportRunEnded', params: { how: 'layout' } }, 'recordRunEnded', 'askWatcherToSettleRun', 'noteLayoutChange'],
          },
          // Any other exit nobody asked for, code 0 included.
          {
            guard: 'isCurrentRun',
            target: 'restarting.waiting',
            actions: [{ type: 'reportRunEnded', params: { how: 'unasked' } }, 'noteUnexplainedEnd', 'noteCrash', 'noteInterruption', 'recordRunEnded', 'askWatcherToSettleRun'],
          },
        ],
        'ffmpeg.failedToStart': {
          guard: 'isCurrentRun',
          target: 'restarting.waiting',
          actions: [{ type: 'reportRunEnded', params: { how: 'unasked' } }, 'noteUnexplainedEnd', 'noteCrash', 'noteInterruption', 'recordRunEnded'],
        },
        'display.changed': [
          // Still covered (monitors split differently inside the same root): no gap for nothing.
          { guard: 'captureStillFits', actions: 'rememberLayout' },
          // Cooling down after a display restart: remember; the cooldown's end restarts once.
          { guard: 'holdingDisplayChanges', actions: ['explainEndsByLayout', 'rememberLayout'] },
          { target: 'restarting', actions: ['explainEndsByLayout', 'rememberLayout', 'noteLayoutChange'] },
        ],
        'sentinel.appeared': { target: 'draining', actions: 'noteStopReason' },
        'recorder.stop': { target: 'draining', actions: 'noteStopReason' },
      },
    },
    restarting: {
      description: 'Stops the running capture cleanly (its last segment is kept) and starts a new one.',
      initial: 'stopping',
      entry: { type: 'setStopCause', params: { cause: 'layout-change' } },
      on: {
        // The newest layout wins: the next capture starts with it.
        'display.changed': { actions: ['explainEndsByLayout', 'rememberLayout'] },
        'display.detected': { actions: 'rememberLayout' },
        'sentinel.appeared': { target: 'draining', actions: 'noteStopReason' },
        'recorder.stop': { target: 'draining', actions: 'noteStopReason' },
      },
      states: {
        ...stopCaptureStates('waiting'),
        waiting: {
          description: 'FFmpeg is gone; wait (no wait after a layout change, backoff after crashes) and capture again.',
          entry: 'discardCapture',
          after: { restartDelay: '#recorder.recording' },
          // A new layout is a reason to try at once, even during a crash backoff.
          on: { 'display.changed': { guard: 'changesCapture', target: '#recorder.recording', actions: ['explainEndsByLayout', 'rememberLayout', 'noteLayoutChange'] } },
        },
      },
    },
    draining: {
      description: 'Session ended: stop capture, upload what is left within the drain budget, close the session.',
      entry: [{ type: 'setStopCause', params: { cause: 'stop-requested' } }, 'noteStopRequestTime', 'switchUploaderToDrain'],
      initial: 'flushing',
      states: {
        flushing: {
          description: 'Bounded by the drain budget minus the reserve kept for the manifest and end marker.',
          after: { drainFlushBudget: '#recorder.draining.finalizing' },
          initial: 'checkingCapture',
          states: {
            checkingCapture: {
              always: [{ guard: 'hasLiveCapture', target: 'stopping' }, { target: 'settling' }],
            },
            ...stopCaptureStates('settling'),
            settling: {
              description: "Wait until the segment watcher has reported every segment of the ended runs.",
              entry: 'discardCapture',
              always: { guard: 'allRunsSettled', target: 'uploading' },
              after: { settleTimeout: 'uploading' },
            },
            uploading: {
              description: 'Every segment is queued; wait for the uploader to make them durable.',
              always: { guard: 'nothingPending', target: '#recorder.draining.finalizing' },
            },
          },
        },
        finalizing: {
          description: 'Write manifest.json and end.json; what could not be uploaded stays in the spool.',
          entry: 'finalizeUploads',
          on: { 'upload.finalized': { target: '#recorder.finished', actions: 'recordFinalized' } },
          after: { finalizeReserve: '#recorder.finished' },
        },
      },
    },
    finished: {
      description: 'Done: exit 0 when everything is durable, 3 when something is left in the spool.',
      type: 'final',
    },
  },
  output: ({ context }) => ({
    exitCode: uploadExitCode(context),
    leftInSpool: context.leftInSpool,
    segmentsUploaded: context.segmentsUploaded,
    bytesUploaded: context.bytesUploaded,
    stopReason: context.stopReason,
    videoSeconds: context.videoSeconds,
  }),
});


export type RecorderMachine = typeof recorderMachine;
export type RecorderActorRef = ActorRefFrom<RecorderMachine>;

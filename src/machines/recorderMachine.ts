import { assign, enqueueActions, type EventObject, fromCallback, sendTo, setup, spawnChild, stopChild, type ActorRefFrom } from 'xstate';
import { sameCapture, type DisplayLayout } from '../domain/displayLayout';
import type { FfmpegCommand, RecorderEmitted, RecorderEvent, SegmentWatcherCommand, UploaderCommand } from './recorderEvents';
import { burstSuspected, endedRun, interruptionTimes, stallCommand } from './captureRecords';
import { restartDelayMs } from './restartPolicy';
import { mustBeProvided } from './mustBeProvided';
import { DEFAULT_DISPLAY_RESTART_COOLDOWN_MS, initialContext, type RecorderContext, type RecorderInput, type RecorderOutput } from './recorderContext';
import { stopCaptureStates } from './stopCaptureStates';

export { restartDelayMs } from './restartPolicy';

/** Input of the ffmpeg actor: the layout to capture. Everything else is in the actor's factory. */
export interface FfmpegActorInput {
  readonly layout: DisplayLayout;
}

export const recorderMachine = setup({
  types: {
    context: {} as RecorderContext,
    events: {} as RecorderEvent,
    input: {} as RecorderInput,
    output: {} as RecorderOutput,
    emitted: {} as RecorderEmitted,
  },
  actors: {
    ffmpeg: mustBeProvided<FfmpegCommand, FfmpegActorInput>('ffmpeg'),
    displayPoller: mustBeProvided<EventObject, undefined>('displayPoller'),
    segmentWatcher: mustBeProvided<SegmentWatcherCommand, undefined>('segmentWatcher'),
    sentinelWatcher: mustBeProvided<EventObject, undefined>('sentinelWatcher'),
    uploader: mustBeProvided<UploaderCommand, undefined>('uploader'),
    // Where the display has no round trip to watch (lavfi, Windows, macOS for now), none is made.
    displayWatchdog: fromCallback<EventObject, undefined>(() => undefined),
  },
  guards: {
    // A layout the running capture does not cover (a monitor-only change on X11 is covered: the
    // root window is grabbed whole).
    changesCapture: ({ context, event }) =>
      event.type === 'display.changed' && (context.captureLayout === null || !sameCapture(context.captureLayout, event.layout)),
    // The newest known layout is not what the running capture was started with.
    captureOutdated: ({ context }) =>
      context.captureLayout !== null && context.layout !== null && !sameCapture(context.captureLayout, context.layout),
    holdingDisplayChanges: ({ context }) => context.displayCooldown,
    // Named (not not(changesCapture)) so the inspector prints what it means.
    captureStillFits: ({ context, event }) =>
      event.type === 'display.changed' && context.captureLayout !== null && sameCapture(context.captureLayout, event.layout),
    // The current run ended while a held layout change was pending: the change explains the exit.
    exitExplainedByLayout: ({ context, event }) =>
      event.type === 'ffmpeg.exited' && (context.run === null || context.run.runId === event.runId) &&
      context.captureLayout !== null && context.layout !== null && !sameCapture(context.captureLayout, context.layout),
    isCurrentRun: ({ context, event }) =>
      (event.type === 'ffmpeg.exited' || event.type === 'ffmpeg.failedToStart' || event.type === 'ffmpeg.started' || event.type === 'ffmpeg.capturing') &&
      (context.run === null || context.run.runId === event.runId),
    hasLiveCapture: ({ context }) => context.run !== null,
    allRunsSettled: ({ context }) => context.unsettledRuns.length === 0,
    nothingPending: ({ context }) => context.pendingUploads === 0,
  },
  delays: {
    stopTimeout: ({ context }) => context.config.stopTimeoutMs,
    killTimeout: ({ context }) => context.config.killTimeoutMs,
    restartDelay: ({ context }) => restartDelayMs(context),
    stableRun: ({ context }) => context.config.stableRunMs,
    displayRestartCooldown: ({ context }) => context.config.displayRestartCooldownMs ?? DEFAULT_DISPLAY_RESTART_COOLDOWN_MS,
    drainFlushBudget: ({ context }) => Math.max(0, context.config.drainTimeoutMs - context.config.finalizeReserveMs),
    finalizeReserve: ({ context }) => context.config.finalizeReserveMs,
    settleTimeout: ({ context }) => context.config.settleTimeoutMs,
  },
  actions: {
    rememberLayout: assign({
      layout: ({ context, event }) =>
        event.type === 'display.detected' || event.type === 'display.changed' ? event.layout : context.layout,
    }),
    startCapture: spawnChild('ffmpeg', {
      id: 'ffmpeg',
      input: ({ context }) => {
        if (context.layout === null) throw new Error('startCapture needs a display layout');
        return { layout: context.layout };
      },
    }),
    noteCaptureLayout: assign({ captureLayout: ({ context }) => context.layout }),
    // After a restart for a display change, further changes wait for the cooldown (flapping
    // layouts must not restart FFmpeg back to back); the first change never waits.
    startDisplayCooldown: assign({ displayCooldown: ({ context }) => context.restartReason === 'display' }),
    endDisplayCooldown: assign({ displayCooldown: () => false }),
    discardCapture: stopChild('ffmpeg'),
    sendToFfmpeg: sendTo('ffmpeg', (_, params: { command: FfmpegCommand['type'] }) => ({ type: params.command }) satisfies FfmpegCommand),
    // FFmpeg did not exit even after SIGKILL of its tree (a hung kernel call): stop waiting for
    // it, but still have the watcher report whatever that run wrote.
    abandonRun: enqueueActions(({ context, event, enqueue }) => {
      const run = context.run;
      if (run === null) return;
      const ended = endedRun(context, event, 'abandon');
      if (ended !== null) enqueue.sendTo('uploader', { type: 'uploader.runEnded', run: ended } satisfies UploaderCommand);
      enqueue.sendTo('segmentWatcher', { type: 'segments.runEnded', runId: run.runId } satisfies SegmentWatcherCommand);
      enqueue.assign({ unsettledRuns: [...context.unsettledRuns, run.runId], run: null });
    }),
    recordRunStarted: assign({
      run: ({ event, context }) =>
        event.type === 'ffmpeg.started'
          ? { runId: event.runId, pid: event.pid, startedAtMs: event.startedAtMs, firstFrameAtMs: null }
          : context.run,
      runCount: ({ context, event }) => (event.type === 'ffmpeg.started' ? context.runCount + 1 : context.runCount),
    }),
    recordRunEnded: assign({
      unsettledRuns: ({ context, event }) =>
        event.type === 'ffmpeg.exited' && !context.unsettledRuns.includes(event.runId)
          ? [...context.unsettledRuns, event.runId]
          : context.unsettledRuns,
      run: () => null,
      lastExit: ({ context, event }) =>
        event.type === 'ffmpeg.exited'
          ? { code: event.code, signal: event.signal, stderrTail: event.stderrTail }
          : event.type === 'ffmpeg.failedToStart'
            ? { code: null, signal: null, stderrTail: event.message }
            : context.lastExit,
    }),
    askWatcherToSettleRun: sendTo('segmentWatcher', ({ event }) => {
      if (event.type !== 'ffmpeg.exited') throw new Error(`askWatcherToSettleRun cannot handle ${event.type}`);
      return { type: 'segments.runEnded', runId: event.runId } satisfies SegmentWatcherCommand;
    }),
    recordRunSettled: assign({
      unsettledRuns: ({ context, event }) =>
        event.type === 'segments.runSettled' ? context.unsettledRuns.filter((id) => id !== event.runId) : context.unsettledRuns,
    }),
    noteFirstFrame: assign({
      run: ({ context, event }) =>
        event.type === 'ffmpeg.capturing' && context.run !== null ? { ...context.run, firstFrameAtMs: event.firstFrameAtMs } : context.run,
    }),
    // The run's record goes to the uploader (the manifest); run before recordRunEnded clears the run.
    reportRunEnded: enqueueActions(({ context, event, enqueue }, params: { how: 'asked' | 'unasked' | 'layout' }) => {
      const ended = endedRun(context, event, params.how);
      if (ended !== null) enqueue.sendTo('uploader', { type: 'uploader.runEnded', run: ended } satisfies UploaderCommand);
    }),
    setStopCause: assign({ stopCause: (_, params: { cause: 'layout-change' | 'stop-requested' }) => params.cause }),
    // A lost capture or a stall; the one that completes a burst is emitted as "tamper suspected".
    noteInterruption: enqueueActions(({ context, event, enqueue }) => {
      const burst = burstSuspected(context, event);
      if (burst !== null) enqueue.emit(burst);
      enqueue.assign({ interruptionTimesMs: interruptionTimes(context, event) });
    }),
    forwardStall: sendTo('uploader', ({ event }) => stallCommand(event)),
    // A run that captured and was lost restarts at once; one that never captured backs off.
    noteCrash: assign({
      consecutiveFailures: ({ context }) => (context.run?.firstFrameAtMs != null ? 0 : context.consecutiveFailures + 1),
      restartReason: () => 'crash' as const,
    }),
    noteLayoutChange: assign({ restartReason: () => 'display' as const }),
    forgiveFailures: assign({ consecutiveFailures: () => 0 }),
    noteStopReason: assign({
      stopReason: ({ event }) =>
        event.type === 'sentinel.appeared' ? `sentinel ${event.path}` : event.type === 'recorder.stop' ? event.reason : event.type,
    }),
    queueUpload: sendTo('uploader', ({ event }) => {
      if (event.type !== 'segment.closed') throw new Error(`queueUpload cannot handle ${event.type}`);
      return { type: 'uploader.enqueue', segment: event.segment } satisfies UploaderCommand;
    }),
    countClosedSegment: assign({
      pendingUploads: ({ context }) => context.pendingUploads + 1,
      segmentsClosed: ({ context }) => context.segmentsClosed + 1,
    }),
    countDurableSegment: assign({
      pendingUploads: ({ context }) => Math.max(0, context.pendingUploads - 1),
      segmentsUploaded: ({ context }) => context.segmentsUploaded + 1,
      bytesUploaded: ({ context, event }) => context.bytesUploaded + (event.type === 'upload.done' ? event.segment.bytes : 0),
    }),
    countFailedAttempt: assign({ failedAttempts: ({ context }) => context.failedAttempts + 1 }),
    switchUploaderToDrain: sendTo('uploader', { type: 'uploader.drain' } satisfies UploaderCommand),
    noteStopRequestTime: sendTo('uploader', { type: 'uploader.stopRequested' } satisfies UploaderCommand),
    finalizeUploads: sendTo('uploader', ({ context }) => ({
      type: 'uploader.finalize',
      reason: context.stopReason ?? 'stopped',
    }) satisfies UploaderCommand),
    recordFinalized: assign({
      leftInSpool: ({ event }) => (event.type === 'upload.finalized' ? event.leftInSpool : null),
      videoSeconds: ({ event }) => (event.type === 'upload.finalized' ? (event.videoSeconds ?? null) : null),
    }),
    noteDisplayLost: assign({
      lastDisplayProblem: ({ event, context }) => (event.type === 'display.lost' ? event.message : context.lastDisplayProblem),
    }),
  },
}).createMachine({
  id: 'recorder',
  description: 'Records one streaming session: capture, upload while recording, drain at session end.',
  context: ({ input }) => initialContext(input),
  invoke: [
    { id: 'displayPoller', src: 'displayPoller' },
    { id: 'segmentWatcher', src: 'segmentWatcher' },
    { id: 'sentinelWatcher', src: 'sentinelWatcher' },
    { id: 'uploader', src: 'uploader' },
    { id: 'displayWatchdog', src: 'displayWatchdog' },
  ],
  // Whatever the state, a closed segment is queued and a durable one counted: uploads run
  // during recording, restarting and draining alike.
  on: {
    'segment.closed': { actions: ['countClosedSegment', 'queueUpload'] },
    'upload.done': { actions: 'countDurableSegment' },
    'upload.failed': { actions: 'countFailedAttempt' },
    'segments.runSettled': { actions: 'recordRunSettled' },
    'display.lost': { actions: 'noteDisplayLost' },
    'ffmpeg.capturing': { guard: 'isCurrentRun', actions: 'noteFirstFrame' },
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
            actions: [{ type: 'reportRunEnded', params: { how: 'unasked' } }, 'noteCrash', 'noteInterruption', 'recordRunEnded', 'askWatcherToSettleRun'],
          },
        ],
        'ffmpeg.failedToStart': {
          guard: 'isCurrentRun',
          target: 'restarting.waiting',
          actions: [{ type: 'reportRunEnded', params: { how: 'unasked' } }, 'noteCrash', 'noteInterruption', 'recordRunEnded'],
        },
        'display.changed': [
          // Still covered (monitors split differently inside the same root): no gap for nothing.
          { guard: 'captureStillFits', actions: 'rememberLayout' },
          // Cooling down after a display restart: remember; the cooldown's end restarts once.
          { guard: 'holdingDisplayChanges', actions: 'rememberLayout' },
          { target: 'restarting', actions: ['rememberLayout', 'noteLayoutChange'] },
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
        'display.changed': { actions: 'rememberLayout' },
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
          on: { 'display.changed': { guard: 'changesCapture', target: '#recorder.recording', actions: ['rememberLayout', 'noteLayoutChange'] } },
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
              on: { 'segments.runSettled': { actions: 'recordRunSettled', target: 'settling', reenter: true } },
              after: { settleTimeout: 'uploading' },
            },
            uploading: {
              description: 'Every segment is queued; wait for the uploader to make them durable.',
              always: { guard: 'nothingPending', target: '#recorder.draining.finalizing' },
              on: { 'upload.done': { actions: 'countDurableSegment', target: 'uploading', reenter: true } },
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
    exitCode: context.leftInSpool === 0 && context.pendingUploads === 0 ? 0 : 3,
    leftInSpool: context.leftInSpool,
    segmentsUploaded: context.segmentsUploaded,
    bytesUploaded: context.bytesUploaded,
    stopReason: context.stopReason,
    videoSeconds: context.videoSeconds,
  }),
});


export type RecorderMachine = typeof recorderMachine;
export type RecorderActorRef = ActorRefFrom<RecorderMachine>;

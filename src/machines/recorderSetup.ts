import { assertEvent, assign, enqueueActions, fromCallback, sendTo, setup, spawnChild, stopChild, type EventObject } from 'xstate';
import type { DisplayLayout } from '../domain/displayLayout';
import { burstSuspected, endedRun, explainEndsByLayout, interruptionTimes, stallCommand, withUnexplainedEnd } from './captureRecords';
import { mustBeProvided } from './mustBeProvided';
import type { RecorderContext, RecorderInput, RecorderOutput } from './recorderContext';
import { recorderDelays } from './recorderDelays';
import type { FfmpegCommand, RecorderEmitted, RecorderEvent, SegmentWatcherCommand, UploaderCommand } from './recorderEvents';
import { recorderGuards } from './recorderGuards';
import { countDurable, countFailed, countQueued, drainCommand, enqueueCommand, finalizeCommand, settleRun } from './uploadBookkeeping';

/**
 * Everything the recorder statechart (recorderMachine.ts) names: its types, actors, guards,
 * delays and actions. Each is named so tests can swap it with `provide()` and the inspector can
 * print it. The actions are here, inline in `setup()`, because XState infers their context and
 * event types only there.
 */

/** Input of the ffmpeg actor: the layout to capture. Everything else is in the actor's factory. */
export interface FfmpegActorInput {
  readonly layout: DisplayLayout;
}

export const recorderSetup = setup({
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
    // The activity track (window titles, idle) journaled to the spool; none with --no-activity or
    // where no source exists (lavfi, macOS): the uploader then names no activity objects.
    activity: fromCallback<EventObject, undefined>(() => undefined),
  },
  guards: recorderGuards,
  delays: recorderDelays,
  actions: {
    rememberLayout: assign(({ event }) => {
      assertEvent(event, ['display.detected', 'display.changed']);
      return { layout: event.layout };
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
    recordRunStarted: assign(({ context, event }) => {
      assertEvent(event, 'ffmpeg.started');
      return {
        run: { runId: event.runId, pid: event.pid, startedAtMs: event.startedAtMs, firstFrameAtMs: null },
        runCount: context.runCount + 1,
      };
    }),
    recordRunEnded: assign(({ context, event }) => {
      assertEvent(event, ['ffmpeg.exited', 'ffmpeg.failedToStart']);
      if (event.type === 'ffmpeg.failedToStart') return { run: null, lastExit: { code: null, signal: null, stderrTail: event.message } };
      return {
        unsettledRuns: context.unsettledRuns.includes(event.runId) ? context.unsettledRuns : [...context.unsettledRuns, event.runId],
        run: null,
        lastExit: { code: event.code, signal: event.signal, stderrTail: event.stderrTail },
      };
    }),
    askWatcherToSettleRun: sendTo('segmentWatcher', ({ event }) => {
      assertEvent(event, 'ffmpeg.exited');
      return { type: 'segments.runEnded', runId: event.runId } satisfies SegmentWatcherCommand;
    }),
    noteFirstFrame: assign(({ context, event }) => {
      assertEvent(event, 'ffmpeg.capturing');
      return { run: context.run === null ? null : { ...context.run, firstFrameAtMs: event.firstFrameAtMs } };
    }),
    // The run's record goes to the uploader (the manifest); run before recordRunEnded clears the run.
    reportRunEnded: enqueueActions(({ context, event, enqueue }, params: { how: 'asked' | 'unasked' | 'layout' }) => {
      const ended = endedRun(context, event, params.how);
      if (ended !== null) enqueue.sendTo('uploader', { type: 'uploader.runEnded', run: ended } satisfies UploaderCommand);
    }),
    // Kept until a later run captures: a layout change reported after the loss may explain it.
    noteUnexplainedEnd: assign(({ context, event }) => ({ unexplainedEnds: withUnexplainedEnd(context, event) })),
    forgetUnexplainedEnds: assign({ unexplainedEnds: () => [] }),
    explainEndsByLayout: enqueueActions(({ context, event, enqueue }) => {
      assertEvent(event, 'display.changed');
      const explained = explainEndsByLayout(context, event.layout);
      if (explained === null) return;
      for (const command of explained.commands) enqueue.sendTo('uploader', command);
      enqueue.assign({ interruptionTimesMs: explained.interruptionTimesMs, unexplainedEnds: [] });
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
    noteStopReason: assign(({ event }) => {
      assertEvent(event, ['sentinel.appeared', 'recorder.stop']);
      return { stopReason: event.type === 'sentinel.appeared' ? `sentinel ${event.path}` : event.reason };
    }),
    queueUpload: sendTo('uploader', ({ event }) => enqueueCommand(event)),
    countClosedSegment: assign(({ context }) => ({ ...countQueued(context), segmentsClosed: context.segmentsClosed + 1 })),
    countDurableSegment: assign(({ context, event }) => countDurable(context, event)),
    countFailedAttempt: assign(({ context }) => countFailed(context)),
    recordRunSettled: assign(({ context, event }) => settleRun(context, event)),
    switchUploaderToDrain: sendTo('uploader', drainCommand),
    noteStopRequestTime: sendTo('uploader', { type: 'uploader.stopRequested' } satisfies UploaderCommand),
    finalizeUploads: sendTo('uploader', ({ context }) => finalizeCommand(context.stopReason ?? 'stopped')),
    recordFinalized: assign(({ event }) => {
      assertEvent(event, 'upload.finalized');
      return { leftInSpool: event.leftInSpool, videoSeconds: event.videoSeconds ?? null };
    }),
    noteDisplayLost: assign(({ event }) => {
      assertEvent(event, 'display.lost');
      return { lastDisplayProblem: event.message };
    }),
  },
});

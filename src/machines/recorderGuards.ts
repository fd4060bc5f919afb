import { assertEvent } from 'xstate';
import { sameCapture } from '../domain/displayLayout';
import type { RecorderContext } from './recorderContext';
import type { RecorderEvent } from './recorderEvents';
import { allRunsSettled, nothingPending } from './uploadBookkeeping';

/**
 * The recorder machine's guards, named so tests can swap them and the inspector (and
 * docs/statechart.md) print what each transition waits for. Pure functions of (context, event).
 */
interface GuardArgs {
  readonly context: RecorderContext;
  readonly event: RecorderEvent;
}

/** The running capture and the newest layout differ in what FFmpeg grabs. */
function layoutOutgrewCapture(context: RecorderContext): boolean {
  return context.captureLayout !== null && context.layout !== null && !sameCapture(context.captureLayout, context.layout);
}

export const recorderGuards = {
  // A layout the running capture does not cover (a monitor-only change on X11 is covered: the
  // root window is grabbed whole).
  changesCapture: ({ context, event }: GuardArgs) => {
    assertEvent(event, 'display.changed');
    return context.captureLayout === null || !sameCapture(context.captureLayout, event.layout);
  },
  // The newest known layout is not what the running capture was started with.
  captureOutdated: ({ context }: GuardArgs) => layoutOutgrewCapture(context),
  holdingDisplayChanges: ({ context }: GuardArgs) => context.displayCooldown,
  // Named (not not(changesCapture)) so the inspector prints what it means.
  captureStillFits: ({ context, event }: GuardArgs) => {
    assertEvent(event, 'display.changed');
    return context.captureLayout !== null && sameCapture(context.captureLayout, event.layout);
  },
  // The current run ended while a held layout change was pending: the change explains the exit.
  exitExplainedByLayout: ({ context, event }: GuardArgs) => {
    assertEvent(event, 'ffmpeg.exited');
    return (context.run === null || context.run.runId === event.runId) && layoutOutgrewCapture(context);
  },
  // Events of an FFmpeg run that was already given up on (abandoned, replaced) change nothing.
  isCurrentRun: ({ context, event }: GuardArgs) => {
    assertEvent(event, ['ffmpeg.exited', 'ffmpeg.failedToStart', 'ffmpeg.started', 'ffmpeg.capturing']);
    return context.run === null || context.run.runId === event.runId;
  },
  hasLiveCapture: ({ context }: GuardArgs) => context.run !== null,
  allRunsSettled,
  nothingPending,
};

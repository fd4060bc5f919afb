/**
 * The recorder machine's account of its capture runs, as pure functions of (context, event):
 * how a run ended, whether losing it was an interruption, and whether interruptions come in a
 * burst. recorderMachine.ts wires them into named actions; the uploader keeps the records.
 */
import { classifyExit, startsTamperBurst, TAMPER_WINDOW_MS, type RunEnd } from '../domain/captureRuns';
import { sameCapture, type DisplayLayout } from '../domain/displayLayout';
import type { RecorderContext, UnexplainedEnd } from './recorderContext';
import type { EndedRun, RecorderEmitted, RecorderEvent, UploaderCommand } from './recorderEvents';

/**
 * How the current run ended, from the event that ended it and why the machine was stopping it:
 * a stop it asked for is `context.stopCause`; an exit nobody asked for is classified from FFmpeg's
 * stderr; `abandon` is a run that did not exit even after SIGKILL.
 */
export function endedRun(context: RecorderContext, event: RecorderEvent, how: 'asked' | 'unasked' | 'layout' | 'abandon'): EndedRun | null {
  const run = context.run;
  const base = { startedAtMs: run?.startedAtMs ?? null, firstFrameAtMs: run?.firstFrameAtMs ?? null };
  if (how === 'abandon') return run === null ? null : { runId: run.runId, ...base, endedAtMs: null, end: { cause: 'abandoned' } };
  if (event.type === 'ffmpeg.failedToStart') {
    return { runId: event.runId, startedAtMs: base.startedAtMs ?? event.atMs, firstFrameAtMs: null, endedAtMs: event.atMs, end: { cause: 'failed-to-start' } };
  }
  if (event.type !== 'ffmpeg.exited') return null;
  const exit = { code: event.code, signal: event.signal };
  let end: RunEnd;
  if (how === 'layout') end = { cause: 'layout-change', ...exit };
  else if (how === 'asked') end = { cause: context.stopCause ?? 'stop-requested', ...exit };
  else end = classifyExit(event.code, event.signal, event.stderrTail);
  return { runId: event.runId, ...base, endedAtMs: event.exitedAtMs, end };
}

/** When an interruption (a lost capture, a stall) happened, from its event; null for other events. */
export function interruptionAtMs(event: RecorderEvent): number | null {
  switch (event.type) {
    case 'ffmpeg.exited': return event.exitedAtMs;
    case 'ffmpeg.failedToStart': return event.atMs;
    case 'display.stalled': return event.sinceMs;
    default: return null;
  }
}

function recentBefore(context: RecorderContext, atMs: number): number[] {
  return context.interruptionTimesMs.filter((t) => atMs - t <= TAMPER_WINDOW_MS);
}

/** The interruption times still inside the burst window, with this event's (unchanged when it is none). */
export function interruptionTimes(context: RecorderContext, event: RecorderEvent): readonly number[] {
  const atMs = interruptionAtMs(event);
  return atMs === null ? context.interruptionTimesMs : [...recentBefore(context, atMs), atMs];
}

/** "tamper suspected" when this interruption completes a burst; null otherwise. */
export function burstSuspected(context: RecorderContext, event: RecorderEvent): RecorderEmitted | null {
  const atMs = interruptionAtMs(event);
  if (atMs === null || !startsTamperBurst(recentBefore(context, atMs), atMs)) return null;
  return { type: 'recorder.tamperSuspected', atMs, recentInterruptions: recentBefore(context, atMs).length + 1, windowMs: TAMPER_WINDOW_MS };
}

/** A stall's start (display.stalled) or end (display.answering), for the uploader's manifest. */
export function stallCommand(event: RecorderEvent): UploaderCommand {
  if (event.type === 'display.stalled') return { type: 'uploader.stall', stall: { startMs: event.sinceMs, endMs: null } };
  if (event.type === 'display.answering') return { type: 'uploader.stall', stall: { startMs: event.sinceMs, endMs: event.atMs } };
  throw new Error(`stallCommand cannot handle ${event.type}`);
}

/** `context.unexplainedEnds` with the run the event (an exit or a failed start nobody asked for) ended. */
export function withUnexplainedEnd(context: RecorderContext, event: RecorderEvent): readonly UnexplainedEnd[] {
  const run = endedRun(context, event, 'unasked');
  return run === null ? context.unexplainedEnds : [...context.unexplainedEnds, { run, captureLayout: context.captureLayout }];
}

/**
 * A layout change that arrives after runs were lost without being asked, before any later run
 * captured a frame, explains those losses when it changes what each run grabbed: a shrunk screen
 * makes x11grab exit at once (and a restart with the old size fail) before the display poller, on
 * a loaded machine, reports the change. Their records are sent again as `layout-change` (the
 * manifest keeps the newer record of a run) and their times leave the burst window. A user who
 * cuts the capture and then changes the resolution gets the same explained gap that changing the
 * resolution alone gives (bounded by verify's layout-change bound); the change itself is recorded.
 */
export function explainEndsByLayout(
  context: RecorderContext,
  layout: DisplayLayout,
): { readonly commands: readonly UploaderCommand[]; readonly interruptionTimesMs: readonly number[] } | null {
  const explained = context.unexplainedEnds.filter((u) => u.captureLayout !== null && !sameCapture(u.captureLayout, layout));
  if (explained.length === 0) return null;
  const commands = explained.map(
    (u): UploaderCommand => ({ type: 'uploader.runEnded', run: { ...u.run, end: { ...u.run.end, cause: 'layout-change' } } }),
  );
  const times = new Set(explained.map((u) => u.run.endedAtMs ?? u.run.startedAtMs));
  return { commands, interruptionTimesMs: context.interruptionTimesMs.filter((t) => !times.has(t)) };
}

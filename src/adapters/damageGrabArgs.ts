import type { DisplayLayout } from '../domain/displayLayout';
import { encodedSize } from './ffmpegArgs';

/**
 * The damage-driven X11 grabber (native/damage-grab): its command line and what its exits mean.
 * Pure. It reads only what changed on the screen (DAMAGE, a rolling safety scan, the pointer) and
 * writes I420 frames as IVF on stdout (pts = epoch ms) only when something changed or
 * `stillFrameSeconds` passed, so FFmpeg needs no mpdecimate and no whole-frame grab or conversion
 * per tick (BENCHMARKS.md, issue 16, fourth round).
 */

/**
 * The grabber's heartbeat on a still screen, in seconds (a frame at least this often). Default 60:
 * it no longer bounds a crash's loss. The grabber's still marks do (stillMarks.ts): after every
 * tick it records until when its last frame was still on screen, and a killed FFmpeg's open segment
 * is rebuilt to last until then, so a crash loses at most a tick however old the last frame is. A
 * heartbeat every second cost libx264 ~8.7 ms a frame at 1080p and 73 bytes: on a fully still
 * screen over half of the whole recorder's CPU (BENCHMARKS.md, issue 16, ninth round). What is left
 * of it is a floor for when the marks cannot help (the grabber and the recorder both killed at once:
 * the loss is then at most this), and with the default 60 s segments it never fires: the frames
 * around each segment boundary (schedule.h) come first.
 */
export const defaultGrabberStillFrameSeconds = 60;

/** The name the grabber writes its stderr lines under; exits the actor reports start with it. */
export const GRABBER_NAME = 'damage-grab';

export interface GrabberSettings {
  readonly display: string;
  readonly frameRate: number;
  /** A frame at least this often on a still screen (the encoder's stillFrameSeconds). */
  readonly stillFrameSeconds: number;
  /** FFmpeg's segment length: a frame on the tick before each boundary and on it (schedule.h). */
  readonly segmentSeconds?: number;
  /** Where the grabber keeps its still marks (stillMarks.ts); without one it writes none. */
  readonly marksPath?: string;
  /** Every row is re-read at least this often whatever DAMAGE says (default 2). */
  readonly scanSeconds?: number;
  /** Draw the pointer (default true, like x11grab's -draw_mouse 1). */
  readonly drawCursor?: boolean;
  /** Ignore DAMAGE and rely on the safety scan alone (tests of the scan). */
  readonly noDamage?: boolean;
}

/** The grabber's arguments for the root area of `layout` (the same area x11grab gets, even-sized). */
export function buildGrabberArgs(settings: GrabberSettings, layout: DisplayLayout): string[] {
  const { width, height } = encodedSize(layout);
  return [
    '--fps', String(settings.frameRate), '--still', String(settings.stillFrameSeconds),
    ...(settings.segmentSeconds === undefined ? [] : ['--segment', String(settings.segmentSeconds)]),
    ...(settings.marksPath === undefined ? [] : ['--marks', settings.marksPath]),
    ...(settings.scanSeconds === undefined ? [] : ['--scan-seconds', String(settings.scanSeconds)]),
    ...(settings.drawCursor === false ? ['--no-cursor'] : []),
    ...(settings.noDamage ? ['--no-damage'] : []),
    settings.display, String(layout.x), String(layout.y), String(width), String(height),
  ];
}

/** The grabber's exit codes (native/damage-grab/capture.h). */
export const grabberExitMeaning: Readonly<Record<number, string>> = {
  0: 'stopped',
  1: 'internal error',
  2: 'bad arguments',
  3: 'cannot open the display',
  4: 'an X extension it needs is missing',
  5: 'the capture area left the screen',
  6: 'lost the X connection',
  7: 'X protocol error',
  8: 'cannot write to FFmpeg',
};

/**
 * The line added to FFmpeg's stderr tail when the grabber ended before FFmpeg (FFmpeg then read
 * EOF and exited on its own): how it ended and its own last words. classifyExit reads it.
 */
export function grabberEndLine(code: number | null, signal: string | null, grabberStderr: string): string {
  const how = signal !== null ? `signal ${signal}` : `code ${code ?? 'unknown'}${code !== null && grabberExitMeaning[code] ? `: ${grabberExitMeaning[code]}` : ''}`;
  const said = grabberStderr.trim().split('\n').filter((l) => l.trim() !== '').slice(-3).join(' | ');
  return `${GRABBER_NAME} ended first (${how})${said ? `: ${said}` : ''}`;
}

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
 * The grabber's heartbeat on a still screen, in seconds (a frame at least this often). Default 1:
 * with the segment journal every frame is on disk the moment it is encoded and lasts one tick, so
 * a crash loses at most the heartbeat less one tick plus the encoder's latency: 0.8 s at 5 fps
 * (measured at random kill moments: 0.39 s median, worst 0.61). A longer one would go over the 1 s
 * budget. Each heartbeat frame costs libx264 ~6.5 ms at 1080p whatever its settings, and a screen
 * whose only change is a clock ticking once a second now needs no heartbeat at all: one frame a
 * second, not two as with 0.8 s (BENCHMARKS.md, issue 16, seventh round).
 */
export const defaultGrabberStillFrameSeconds = 1;

/** The name the grabber writes its stderr lines under; exits the actor reports start with it. */
export const GRABBER_NAME = 'damage-grab';

export interface GrabberSettings {
  readonly display: string;
  readonly frameRate: number;
  /** A frame at least this often on a still screen (the encoder's stillFrameSeconds). */
  readonly stillFrameSeconds: number;
  /** FFmpeg's segment length: a frame on the tick before each boundary and on it (schedule.h). */
  readonly segmentSeconds?: number;
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

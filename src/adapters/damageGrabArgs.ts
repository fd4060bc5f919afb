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
 * The grabber's heartbeat on a still screen, in seconds (a frame at least this often). Default 0.8:
 * with its frames on the tick grid, frames around each segment boundary, no `setts` and a fragment
 * per frame, a crash loses the time since the newest frame FFmpeg received: at most one heartbeat
 * plus the encoder's latency. Measured at a random kill moment: 0.8 s lost at most 0.70 s (idle);
 * 1 s lost up to 1.005 s on a fully still screen, over the 1 s budget. Each heartbeat frame costs
 * libx264 ~6.6 ms at 1080p whatever its settings: the idle whole recorder 1.77 CPU-s/min at 0.8 s,
 * 1.02 at 1 s (BENCHMARKS.md, issue 16, fifth round).
 */
export const defaultGrabberStillFrameSeconds = 0.8;

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

/**
 * A real X server for tests: Xvfb on a FREE display (chosen by Xvfb itself through `-displayfd`,
 * so parallel test files and engineers never collide), with a moving scene on it. The same
 * virtual display the quick start's demo uses (src/adapters/virtualDisplay.ts).
 *
 *   const x = await startXvfb({ width: 1280, height: 720 });
 *   // x.display === ':3', x.layout is a DisplayLayout of the whole screen
 *   await x.stop();   // kills exactly the processes it started, by PID, and waits for them
 *
 * Scene (default on): `xclock -update 1` (a second hand), `xeyes`, and an `xterm` running
 * `top -d 1`. With `motion: true` the pointer also moves every 500 ms (xdotool), so the eyes and the
 * drawn cursor move. Needs Xvfb, x11-apps, xterm and (for motion) xdotool.
 */
import type { DisplayLayout } from '../../src/domain/displayLayout';
import { startVirtualDisplay } from '../../src/adapters/virtualDisplay';

export interface XvfbOptions {
  /** Screen size; default 1280x720. */
  readonly width?: number;
  readonly height?: number;
  /** Start the moving scene; default true. */
  readonly scene?: boolean;
  /** Move the pointer every 500 ms; default false. */
  readonly motion?: boolean;
  /** How long to wait for Xvfb to report its display; default 10 s. */
  readonly startTimeoutMs?: number;
}

export interface Xvfb {
  /** For example ":3". */
  readonly display: string;
  readonly layout: DisplayLayout;
  /** Xvfb's PID (scene processes are stopped with it). */
  readonly pid: number;
  /** Every long-running process started: Xvfb and the scene. */
  readonly pids: readonly number[];
  /** Environment for child processes that should draw on this display. */
  readonly env: NodeJS.ProcessEnv;
  stop(): Promise<void>;
}

export async function startXvfb(options: XvfbOptions = {}): Promise<Xvfb> {
  const width = options.width ?? 1280;
  const height = options.height ?? 720;
  const display = await startVirtualDisplay({
    width,
    height,
    scene: options.scene ?? true,
    motion: options.motion ?? false,
    ...(options.startTimeoutMs === undefined ? {} : { startTimeoutMs: options.startTimeoutMs }),
  });
  return {
    display: display.display,
    layout: { x: 0, y: 0, width, height, monitors: [{ name: 'screen0', x: 0, y: 0, width, height, primary: true }] },
    pid: display.pid,
    pids: display.pids,
    env: display.env,
    stop: display.stop,
  };
}

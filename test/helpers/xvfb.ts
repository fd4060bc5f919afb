/**
 * A real X server for tests: Xvfb on a FREE display (chosen by Xvfb itself through `-displayfd`,
 * so parallel test files and engineers never collide), with a moving scene on it.
 *
 *   const x = await startXvfb({ width: 1280, height: 720 });
 *   // x.display === ':3', x.layout is a DisplayLayout of the whole screen
 *   await x.stop();   // kills exactly the processes it started, by PID, and waits for them
 *
 * Scene (default on): `xclock -update 1` (a second hand), `xeyes`, and an `xterm` running
 * `top -d 1`. With `motion: true` the pointer also moves every 500 ms (xdotool), so the eyes and the
 * drawn cursor move. Needs Xvfb, x11-apps, xterm and (for motion) xdotool.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import type { Readable } from 'node:stream';
import type { DisplayLayout } from '../../src/domain/displayLayout';

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
  const server = spawn('Xvfb', ['-displayfd', '3', '-screen', '0', `${width}x${height}x24`, '-nolisten', 'tcp'], {
    stdio: ['ignore', 'ignore', 'pipe', 'pipe'],
  });
  let stderr = '';
  server.stderr?.on('data', (d: Buffer) => { stderr = (stderr + d.toString()).slice(-2000); });
  let number: string;
  try {
    number = await readDisplayNumber(server, server.stdio[3] as Readable, options.startTimeoutMs ?? 10_000);
  } catch (err) {
    await stopChild(server);
    throw new Error(`Xvfb did not start: ${(err as Error).message}. stderr: ${stderr.trim()}`, { cause: err });
  }
  const display = `:${number}`;
  const env = { ...process.env, DISPLAY: display };
  const scene: ChildProcess[] = [];
  if (options.scene ?? true) {
    const start = (cmd: string, args: string[]): void => {
      scene.push(spawn(cmd, args, { env, stdio: 'ignore' }).on('error', () => undefined));
    };
    start('xclock', ['-update', '1', '-geometry', '200x200+20+20']);
    start('xeyes', ['-geometry', '200x120+260+20']);
    start('xterm', ['-geometry', '100x30+20+260', '-e', 'top', '-d', '1']);
  }
  let timer: NodeJS.Timeout | undefined;
  if (options.motion) {
    let step = 0;
    timer = setInterval(() => {
      step += 1;
      const x = Math.round(width / 2 + (width / 3) * Math.cos(step / 3));
      const y = Math.round(height / 2 + (height / 3) * Math.sin(step / 3));
      spawn('xdotool', ['mousemove', String(x), String(y)], { env, stdio: 'ignore' }).on('error', () => undefined);
    }, 500);
    timer.unref();
  }
  const layout: DisplayLayout = {
    x: 0, y: 0, width, height,
    monitors: [{ name: 'screen0', x: 0, y: 0, width, height, primary: true }],
  };
  let stopping: Promise<void> | undefined;
  return {
    display, layout, env,
    pid: server.pid ?? -1,
    pids: [server, ...scene].map((c) => c.pid).filter((p): p is number => p !== undefined),
    stop: () => {
      stopping ??= (async () => {
        if (timer) clearInterval(timer);
        await Promise.all(scene.map(stopChild));
        await stopChild(server);
      })();
      return stopping;
    },
  };
}

/** Xvfb writes "<number>\n" to the -displayfd descriptor once it accepts connections. */
function readDisplayNumber(server: ChildProcess, fd: Readable, timeoutMs: number): Promise<string> {
  return new Promise((resolve, reject) => {
    let text = '';
    const timer = setTimeout(() => done(new Error(`no display number within ${timeoutMs} ms`)), timeoutMs);
    const onData = (d: Buffer): void => {
      text += d.toString();
      const match = /^(\d+)\n/.exec(text);
      if (match?.[1] !== undefined) done(undefined, match[1]);
    };
    const onExit = (code: number | null, signal: string | null): void =>
      done(new Error(`Xvfb exited (code ${code}, signal ${signal})`));
    const onError = (err: Error): void => done(err);
    function done(err?: Error, value?: string): void {
      clearTimeout(timer);
      fd.off('data', onData);
      server.off('exit', onExit);
      server.off('error', onError);
      if (err) reject(err);
      else resolve(value as string);
    }
    fd.on('data', onData);
    server.once('exit', onExit);
    server.once('error', onError);
  });
}

/** SIGTERM, then SIGKILL after 3 s; resolves when the process has exited. */
function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null || child.pid === undefined) return Promise.resolve();
  return new Promise((resolve) => {
    const force = setTimeout(() => child.kill('SIGKILL'), 3000);
    child.once('exit', () => { clearTimeout(force); resolve(); });
    child.kill('SIGTERM');
  });
}

import { spawn, type ChildProcess } from 'node:child_process';
import type { Readable } from 'node:stream';

/**
 * A virtual X display (Xvfb) with something moving on it: the quick start's demo source on a
 * machine without a screen, and the tests' "user desktop". Xvfb picks a free display number
 * itself (`-displayfd`), so several can run at once.
 */
export interface VirtualDisplay {
  /** For example ":3". */
  readonly display: string;
  readonly width: number;
  readonly height: number;
  readonly pid: number;
  /** Every long-running process started: the server and the scene. */
  readonly pids: readonly number[];
  /** Environment for programs that should draw on this display. */
  readonly env: NodeJS.ProcessEnv;
  stop(): Promise<void>;
}

export interface VirtualDisplayOptions {
  readonly width?: number;
  readonly height?: number;
  /** A clock, eyes and `top` in a terminal; default true. */
  readonly scene?: boolean;
  /** Move the pointer every 500 ms (xdotool), so the eyes and the cursor move; default = scene. */
  readonly motion?: boolean;
  readonly startTimeoutMs?: number;
  readonly server?: 'Xvfb' | 'Xvnc';
}

export async function startVirtualDisplay(options: VirtualDisplayOptions = {}): Promise<VirtualDisplay> {
  const width = options.width ?? 1280;
  const height = options.height ?? 720;
  const server = options.server ?? 'Xvfb';
  const args =
    server === 'Xvfb'
      ? ['-displayfd', '3', '-screen', '0', `${width}x${height}x24`, '-nolisten', 'tcp']
      : ['-displayfd', '3', '-geometry', `${width}x${height}`, '-depth', '24', '-SecurityTypes', 'None', '-localhost', '-rfbport', '0', '-nolisten', 'tcp'];
  const child = spawn(server, args, { stdio: ['ignore', 'ignore', 'pipe', 'pipe'] });
  let stderr = '';
  child.stderr?.on('data', (d: Buffer) => {
    stderr = (stderr + d.toString()).slice(-2000);
  });
  let number: string;
  try {
    number = await readDisplayNumber(child, child.stdio[3] as Readable, options.startTimeoutMs ?? 10_000);
  } catch (error) {
    await stopProcess(child);
    const hint = (error as NodeJS.ErrnoException).code === 'ENOENT' ? ` (install it: apt-get install ${server === 'Xvfb' ? 'xvfb' : 'tigervnc-standalone-server'})` : '';
    throw new Error(`${server} did not start${hint}: ${(error as Error).message} ${stderr.trim().split('\n').slice(-3).join(' | ')}`, { cause: error });
  }
  const display = `:${number}`;
  const env = { ...process.env, DISPLAY: display };
  const scene: ChildProcess[] = [];
  let motion: NodeJS.Timeout | undefined;
  if (options.scene ?? true) {
    const start = (command: string, commandArgs: string[]) =>
      scene.push(spawn(command, commandArgs, { env, stdio: 'ignore' }).on('error', () => undefined));
    start('xclock', ['-update', '1', '-geometry', '200x200+20+20']);
    start('xeyes', ['-geometry', '200x120+260+20']);
    start('xterm', ['-geometry', '100x30+20+260', '-e', 'top', '-d', '1']);
  }
  if (options.motion ?? options.scene ?? true) {
    let step = 0;
    motion = setInterval(() => {
      step += 1;
      const x = Math.round(width / 2 + (width / 3) * Math.cos(step / 3));
      const y = Math.round(height / 2 + (height / 3) * Math.sin(step / 3));
      spawn('xdotool', ['mousemove', String(x), String(y)], { env, stdio: 'ignore' }).on('error', () => undefined);
    }, 500);
    motion.unref();
  }
  let stopping: Promise<void> | undefined;
  return {
    display,
    width,
    height,
    env,
    pid: child.pid ?? -1,
    pids: [child, ...scene].map((c) => c.pid).filter((pid): pid is number => pid !== undefined),
    stop: () => {
      stopping ??= (async () => {
        clearInterval(motion);
        await Promise.all(scene.map(stopProcess));
        await stopProcess(child);
      })();
      return stopping;
    },
  };
}

/** The X server writes "<number>\n" to the -displayfd descriptor once it accepts connections. */
function readDisplayNumber(child: ChildProcess, fd: Readable, timeoutMs: number): Promise<string> {
  return new Promise((resolve, reject) => {
    let text = '';
    const timer = setTimeout(() => done(new Error(`no display number within ${timeoutMs} ms`)), timeoutMs);
    const onData = (d: Buffer) => {
      text += d.toString();
      const match = /^(\d+)\n/.exec(text);
      if (match?.[1] !== undefined) done(undefined, match[1]);
    };
    const onExit = (code: number | null, signal: string | null) => done(new Error(`exited (code ${code}, signal ${signal})`));
    const onError = (error: Error) => done(error);
    function done(error?: Error, value?: string) {
      clearTimeout(timer);
      fd.off('data', onData);
      child.off('exit', onExit);
      child.off('error', onError);
      if (error) reject(error);
      else resolve(value as string);
    }
    fd.on('data', onData);
    child.once('exit', onExit);
    child.once('error', onError);
  });
}

/** SIGTERM, then SIGKILL after 3 s; resolves once the process has exited. */
export function stopProcess(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null || child.pid === undefined) return Promise.resolve();
  return new Promise((resolve) => {
    const force = setTimeout(() => child.kill('SIGKILL'), 3_000);
    child.once('exit', () => {
      clearTimeout(force);
      resolve();
    });
    child.kill('SIGTERM');
  });
}

/**
 * The one place that starts FFmpeg and ffprobe. Capture (actors/ffmpeg.ts), export, the start-up
 * check (preflight.ts) and segment probing (ffprobe.ts) all spawn through here, so that a missing
 * executable is explained the same way everywhere, stderr is kept as one bounded tail (the
 * StderrScanner, which also reads the facts capture needs), and every stop is the same ladder:
 * `q` on stdin (FFmpeg finalizes its output), one SIGTERM to the group, a kill of the whole tree.
 */
import type { ChildProcess } from 'node:child_process';
import { ffmpegEnvironment } from './ffmpegAllocator';
import { StderrScanner, type StderrFact } from './ffmpegStderr';
import { killTree, killTreeSync, signalGroup, spawnDetached, type Platform } from './processTree';

/** The executables this project runs, each with the setting that points at it. */
export type FfmpegTool = 'FFmpeg' | 'ffprobe';

/** Why `path` could not be started and what to do about it: one wording for every caller. */
export function describeStartFailure(path: string, err: Error, tool: FfmpegTool = 'FFmpeg'): string {
  const code = (err as NodeJS.ErrnoException).code;
  const fix =
    tool === 'FFmpeg'
      ? 'install it (Debian/Ubuntu: apt-get install ffmpeg) or pass --ffmpeg-path /path/to/ffmpeg'
      : 'install FFmpeg, which brings it (Debian/Ubuntu: apt-get install ffmpeg), or put ffprobe on the PATH';
  switch (code) {
    case 'ENOENT':
      return `${tool} not found at "${path}": ${fix}; "${path}" was not found (spawn ENOENT)`;
    case 'EACCES':
      return `${tool} not executable at "${path}": fix its permissions (chmod +x) or ${fix}; "${path}" is not executable (spawn EACCES)`;
    default:
      return `${tool} cannot be started at "${path}": ${fix}; ${err.message.split('\n')[0]}${code ? ` (${code})` : ''}`;
  }
}

export interface FfmpegProcessOptions {
  /** 'pipe' for capture, which stops FFmpeg with `q` on stdin. Default 'ignore'. */
  readonly stdin?: 'pipe' | 'ignore';
  /** 'pipe' for `-progress pipe:1` (export) or ffprobe's answer. Default 'ignore'. */
  readonly stdout?: 'pipe' | 'ignore';
  /** Characters of stderr kept. Default 4000. */
  readonly stderrTailChars?: number;
  /** 'pipe' gives FFmpeg a fd 3 (`-i pipe:3`) whose writing end is `child.stdio[3]`: the damage grabber's output. */
  readonly fd3?: 'pipe';
  /** Facts read from stderr as they come (first frame time, output size). */
  readonly onStderrFact?: (fact: StderrFact) => void;
  /** How the tree is signalled; default the running platform. */
  readonly platform?: Platform;
}

/** One running FFmpeg (or ffprobe): its own process group, stderr kept, stopped as a tree. */
export interface FfmpegProcess {
  readonly child: ChildProcess;
  /** The last lines of stderr (bounded); after the end, the whole of the rest. */
  stderrTail(): string;
  /** Reads a last unterminated stderr line; call once the process ended. */
  endStderr(): void;
  /** `q` on stdin: FFmpeg finalizes the open segment and exits 0. */
  finish(): void;
  /** Exactly one SIGTERM to the group (a second one makes FFmpeg abort its trailer). */
  terminate(): void;
  /** SIGKILL to the process and every descendant; resolves once the signals were sent. */
  kill(): Promise<void>;
  /** The same, synchronously: for cleanups that must leave nothing behind even if the loop stops. */
  killNow(): void;
}

/**
 * Spawns `path` detached (its own process group, so a stop reaches every descendant).
 * Throws only for invalid arguments (an empty path); a missing executable comes as the child's
 * 'error' event, to be explained with describeStartFailure.
 */
export function startFfmpeg(path: string, args: readonly string[], options: FfmpegProcessOptions = {}): FfmpegProcess {
  const platform = options.platform ?? process.platform;
  const child = spawnDetached(path, args, {
    stdio: [options.stdin ?? 'ignore', options.stdout ?? 'ignore', 'pipe', ...(options.fd3 ? ['pipe' as const] : [])],
    // The allocator settings follow the C library really running here, not `platform` (how the
    // tree is signalled, which tests may set to another system's).
    env: ffmpegEnvironment(process.env, process.platform),
  });
  const scanner = new StderrScanner(options.stderrTailChars ?? 4000);
  child.stderr?.setEncoding('utf8');
  child.stderr?.on('data', (chunk: string) => {
    for (const fact of scanner.push(chunk)) options.onStderrFact?.(fact);
  });
  child.stdin?.on('error', () => undefined); // FFmpeg closed its stdin (it exited): nothing to tell
  return {
    child,
    stderrTail: () => scanner.tail(),
    endStderr: () => {
      for (const fact of scanner.end()) options.onStderrFact?.(fact);
    },
    finish: () => {
      if (child.stdin?.writable) child.stdin.write('q');
    },
    terminate: () => {
      if (child.pid === undefined) return;
      if (platform === 'win32') child.kill('SIGTERM');
      else signalGroup(child.pid, 'SIGTERM');
    },
    kill: () => (child.pid === undefined ? Promise.resolve() : killTree(child.pid, 'SIGKILL', platform)),
    killNow: () => {
      if (child.pid !== undefined) killTreeSync(child.pid, 'SIGKILL', platform);
    },
  };
}

export interface FinishedRun {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
  readonly stdout: string;
  readonly stderrTail: string;
  /** Stopped at `timeoutMs`. */
  readonly timedOut: boolean;
  /** Set when it never started: describeStartFailure's message. */
  readonly startFailure?: string;
}

/** Runs a short FFmpeg/ffprobe command to its end (killed as a tree at `timeoutMs`); never rejects. */
export function runToEnd(path: string, args: readonly string[], options: { readonly timeoutMs: number; readonly tool?: FfmpegTool }): Promise<FinishedRun> {
  return new Promise((resolve) => {
    let proc: FfmpegProcess;
    try {
      proc = startFfmpeg(path, args, { stdout: 'pipe' });
    } catch (err) {
      resolve({ code: null, signal: null, stdout: '', stderrTail: '', timedOut: false, startFailure: describeStartFailure(path, err as Error, options.tool) });
      return;
    }
    let stdout = '';
    let timedOut = false;
    let startFailure: string | undefined;
    proc.child.stdout?.setEncoding('utf8');
    proc.child.stdout?.on('data', (chunk: string) => (stdout += chunk));
    const timer = setTimeout(() => {
      timedOut = true;
      void proc.kill();
    }, options.timeoutMs);
    proc.child.once('error', (err) => (startFailure = describeStartFailure(path, err, options.tool)));
    proc.child.once('close', (code, signal) => {
      clearTimeout(timer);
      proc.endStderr();
      resolve({ code, signal, stdout, stderrTail: proc.stderrTail(), timedOut, ...(startFailure === undefined ? {} : { startFailure }) });
    });
  });
}

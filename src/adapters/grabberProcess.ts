/**
 * Starts the damage grabber (native/damage-grab) writing into FFmpeg's fd 3, and checks at start
 * that it can run on the display at all (else the recorder uses x11grab: src/recording/x11Capture.ts).
 */
import type { ChildProcess } from 'node:child_process';
import type { Writable } from 'node:stream';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { isAlive, killTree, killTreeSync, signalGroup, spawnDetached, type Platform } from './processTree';
import { runToEnd } from './ffmpegProcess';
import { grabberEndLine } from './damageGrabArgs';

/** Where `npm run build` puts the grabber (scripts/build-native.sh), relative to dist/. */
export function defaultGrabberPath(distDir: string): string {
  return join(distDir, 'native', 'damage-grab');
}

export interface GrabberProcess {
  readonly child: ChildProcess;
  /** How it ended, once it did (a start failure: code and signal null, `startError` set). */
  ended(): { code: number | null; signal: string | null; startError?: string } | null;
  /** The line for FFmpeg's stderr tail when it ended before FFmpeg did. */
  endLine(): string;
  /**
   * Dead already (a zombie, or gone) though its exit is not reported yet: under load libuv may
   * report it after FFmpeg's, whose EOF it caused. Only Linux can tell (elsewhere: false).
   */
  deadUnreported(): boolean;
  terminate(): void;
  kill(): Promise<void>;
  killNow(): void;
}

/** Spawns the grabber detached with stdout = `into` (FFmpeg's fd 3); the caller then closes its own copy. */
export function startGrabber(path: string, args: readonly string[], into: Writable, platform: Platform = process.platform): GrabberProcess {
  const child = spawnDetached(path, args, { stdio: ['ignore', into, 'pipe'] });
  let stderr = '';
  let end: { code: number | null; signal: string | null; startError?: string } | null = null;
  child.stderr?.setEncoding('utf8');
  child.stderr?.on('data', (chunk: string) => {
    stderr = (stderr + chunk).slice(-2000);
  });
  child.once('error', (err) => {
    end ??= { code: null, signal: null, startError: `cannot start "${path}": ${err.message}` };
  });
  child.once('exit', (code, signal) => {
    end ??= { code, signal };
  });
  return {
    child,
    ended: () => end,
    endLine: () => (end?.startError !== undefined ? `damage-grab ended first (${end.startError})` : grabberEndLine(end?.code ?? null, end?.signal ?? null, stderr)),
    deadUnreported: () => end === null && child.pid !== undefined && platform === 'linux' && !isAlive(child.pid, platform),
    terminate: () => {
      if (child.pid !== undefined && end === null) signalGroup(child.pid, 'SIGTERM');
    },
    kill: () => (child.pid === undefined ? Promise.resolve() : killTree(child.pid, 'SIGKILL', platform)),
    killNow: () => {
      if (child.pid !== undefined && end === null) killTreeSync(child.pid, 'SIGKILL', platform);
    },
  };
}

/**
 * Whether the grabber can capture `display`: built, and the display has MIT-SHM, DAMAGE and
 * XFIXES (`--probe`). null when it can; otherwise why not and how to fix it (one line).
 */
export async function grabberProblem(path: string, display: string): Promise<string | null> {
  if (!existsSync(path)) {
    return `the damage grabber is not built (${path} missing: gcc or the X11/Xext/Xdamage/Xfixes headers were missing at build time); ` +
      'fix: ./scripts/install-deps.sh (or apt-get install gcc libx11-dev libxext-dev libxdamage-dev libxfixes-dev, then npm run build)';
  }
  const run = await runToEnd(path, ['--probe', display], { timeoutMs: 10_000 });
  if (run.startFailure !== undefined) return `the damage grabber cannot start: ${run.startFailure.split(';').at(-1)?.trim() ?? ''}`;
  if (run.code === 0) return null;
  const said = run.stderrTail.trim().split('\n').at(-1) ?? '';
  return `the damage grabber cannot capture ${display} (${run.timedOut ? 'no answer within 10 s' : `exit ${run.signal ?? run.code}`}${said ? `: ${said}` : ''})`;
}

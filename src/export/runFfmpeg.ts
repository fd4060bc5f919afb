/**
 * Runs FFmpeg once for export, reporting `-progress` as seconds written. The error carries the
 * command and stderr's tail. A watchdog stops FFmpeg (a tree kill: a runaway encode does not look
 * at SIGTERM) when it writes far more video than the manifest holds, and so does `signal` (Ctrl+C).
 */
import { createInterface } from 'node:readline';
import { describeStartFailure, startFfmpeg } from '../adapters/ffmpegProcess';
import { errorSummary } from '../adapters/ffmpegStderr';
import { FfmpegError } from '../domain/errors';
import { progressSeconds } from './exportPlan';

export interface RunFfmpegOptions {
  readonly onSeconds?: (seconds: number) => void;
  /** The manifest's duration of what is being written; the watchdog allows 25 % + 10 s more. */
  readonly expectedSeconds?: number;
  readonly signal?: AbortSignal;
}

export async function runFfmpeg(ffmpegPath: string, args: readonly string[], options: RunFfmpegOptions = {}): Promise<void> {
  options.signal?.throwIfAborted();
  const ffmpeg = startFfmpeg(ffmpegPath, args, { stdout: 'pipe' });
  const { child } = ffmpeg;
  let stopped: string | undefined;
  const stop = (why: string): void => {
    stopped ??= why;
    void ffmpeg.kill();
  };
  const onAbort = (): void => stop('it was interrupted');
  options.signal?.addEventListener('abort', onAbort, { once: true });
  const limit = options.expectedSeconds === undefined ? Infinity : options.expectedSeconds * 1.25 + 10;
  createInterface({ input: child.stdout! }).on('line', (line) => {
    const seconds = progressSeconds(line);
    if (seconds === undefined) return;
    options.onSeconds?.(seconds);
    if (seconds > limit) {
      stop(`it wrote ${seconds.toFixed(1)} s of video where the manifest holds ${options.expectedSeconds?.toFixed(1)} s (the segments' timestamps are off)`);
    }
  });
  try {
    const result = await new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve, reject) => {
      child.once('error', (e) => reject(new FfmpegError(describeStartFailure(ffmpegPath, e), { cause: e })));
      child.once('close', (code, signal) => resolve({ code, signal }));
    });
    ffmpeg.endStderr();
    if (stopped !== undefined) throw new FfmpegError(`${ffmpegPath} ${args.join(' ')} was stopped: ${stopped}`);
    if (result.code !== 0) {
      throw new FfmpegError(
        `${ffmpegPath} ${args.join(' ')} failed (${result.signal ?? `exit ${result.code}`}): ${errorSummary(ffmpeg.stderrTail()).split('\n').join(' | ') || 'no error output'}`,
      );
    }
  } finally {
    options.signal?.removeEventListener('abort', onAbort);
  }
}

import { EnvironmentError } from './domain/errors';
import { runToEnd } from './adapters/ffmpegProcess';
import { errorSummary } from './adapters/ffmpegStderr';

/** FFmpeg must exist and run before anything is recorded: say which path failed and how to fix it. */
export async function checkFfmpeg(ffmpegPath: string): Promise<string> {
  const run = await runToEnd(ffmpegPath, ['-hide_banner', '-version'], { timeoutMs: 10_000 });
  if (run.startFailure !== undefined) throw new EnvironmentError(run.startFailure);
  if (run.code !== 0 || run.timedOut) {
    const why = run.timedOut ? 'did not answer within 10 s' : `exited with ${run.signal ?? run.code}`;
    const said = errorSummary(run.stderrTail).split('\n').join(' | ');
    throw new EnvironmentError(
      `FFmpeg at "${ffmpegPath}" ${why}${said ? ` (${said})` : ''}: install it (Debian/Ubuntu: apt-get install ffmpeg) or pass --ffmpeg-path /path/to/ffmpeg`,
    );
  }
  return run.stdout.split('\n')[0] ?? 'ffmpeg';
}

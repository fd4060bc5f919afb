import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { EnvironmentError } from './domain/errors';

const run = promisify(execFile);

/** FFmpeg must exist and run before anything is recorded: say which path failed and how to fix it. */
export async function checkFfmpeg(ffmpegPath: string): Promise<string> {
  try {
    const { stdout } = await run(ffmpegPath, ['-hide_banner', '-version'], { timeout: 10_000 });
    return stdout.split('\n')[0] ?? 'ffmpeg';
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const why = code === 'ENOENT' ? 'not found' : code === 'EACCES' ? 'not executable' : (error as Error).message.split('\n')[0];
    throw new EnvironmentError(
      `FFmpeg ${why} at "${ffmpegPath}": install it (Debian: apt-get install ffmpeg) or pass --ffmpeg-path /path/to/ffmpeg`,
      { cause: error },
    );
  }
}

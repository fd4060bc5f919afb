/**
 * Which X11 capture records this session: the damage grabber (the default) when it is built and
 * the display has what it needs, else FFmpeg's x11grab, said once in the log with why and how to fix it.
 */
import { join } from 'node:path';
import type { Logger } from 'pino';
import type { RecorderConfig } from '../config/loadConfig';
import type { CaptureSource } from '../adapters/ffmpegArgs';
import { defaultGrabberPath, grabberProblem } from '../adapters/grabberProcess';

/** dist/native/damage-grab, from dist/recording (built) or src/recording (ts-node, tests) alike. */
export const builtGrabberPath = defaultGrabberPath(join(__dirname, '..', '..', 'dist'));

export async function chooseX11Capture(
  config: Pick<RecorderConfig, 'captureSource' | 'screenGrabber' | 'damageGrabberPath'>, display: string, logger: Logger,
): Promise<CaptureSource | undefined> {
  if (config.captureSource !== 'x11grab') return undefined;
  if (config.screenGrabber === 'x11grab') {
    logger.info({ grabber: 'x11grab' }, 'capture: FFmpeg x11grab (--screen-grabber x11grab)');
    return { kind: 'x11grab', display };
  }
  const grabberPath = config.damageGrabberPath ?? builtGrabberPath;
  const problem = await grabberProblem(grabberPath, display);
  if (problem !== null) {
    logger.warn({ grabber: 'x11grab', grabberPath }, `capture: recording with FFmpeg x11grab instead of the damage grabber: ${problem}`);
    return { kind: 'x11grab', display };
  }
  logger.info({ grabber: 'damage-grab', grabberPath }, 'capture: damage grabber (only what changed is grabbed and converted)');
  return { kind: 'x11damage', display, grabberPath };
}

import type { Logger } from 'pino';
import type { RecorderConfig } from '../config/loadConfig';
import { createX11Probe } from '../adapters/display/x11Probe';
import { createStaticProbe } from '../adapters/display/staticProbe';
import { createWindowsProbe } from '../adapters/display/windowsProbe';
import { createMacProbe } from '../adapters/display/macProbe';
import { AVFOUNDATION_ALL_SCREENS } from '../adapters/ffmpegArgs';
import type { DisplayProbe } from '../adapters/display/displayProbe';
import { startVirtualDisplay, type VirtualDisplay } from '../adapters/virtualDisplay';
import { describeLayout } from '../domain/displayLayout';
import { EnvironmentError } from '../domain/errors';

export interface ChosenDisplay {
  readonly display: string;
  readonly probe: DisplayProbe;
  readonly demo?: VirtualDisplay;
}

/**
 * The display to record. With no display configured anywhere (no --display, no $DISPLAY) and
 * none answering at :0, the recorder starts its own virtual display with a moving scene: the
 * quick start records something real on a server without a screen.
 */
export async function chooseDisplay(config: RecorderConfig, io: { readonly env: NodeJS.ProcessEnv; readonly logger: Logger }): Promise<ChosenDisplay> {
  if (config.captureSource === 'lavfi') return { display: 'lavfi', probe: createStaticProbe(1280, 720) };
  if (config.captureSource === 'gdigrab') {
    // The whole virtual screen (every monitor; offsets can be negative), read through PowerShell.
    const probe = createWindowsProbe({ parentPid: process.pid });
    await waitForDisplay(probe, config.waitForDisplay * 1000, 'the Windows desktop', io.logger, 'run the recorder inside the user\'s session');
    return { display: config.display, probe };
  }
  if (config.captureSource === 'avfoundation') {
    // Every screen, side by side, unless --display names one AVFoundation device.
    const probe = createMacProbe();
    await waitForDisplay(probe, config.waitForDisplay * 1000, 'the macOS screens', io.logger, 'grant Screen Recording permission and log in');
    return { display: config.origins.display === 'default' ? AVFOUNDATION_ALL_SCREENS : config.display, probe };
  }
  const probe = createX11Probe({ display: config.display, env: io.env, logger: io.logger });
  const unconfigured = config.origins.display === 'default' && !io.env['DISPLAY'];
  if (unconfigured) {
    // Nothing configured: record :0 if it answers now, else a demo display (no waiting).
    if (await answers(probe)) return { display: config.display, probe };
    const demo = await startVirtualDisplay({ width: 1280, height: 720 });
    return { display: demo.display, probe: createX11Probe({ display: demo.display, env: io.env, logger: io.logger }), demo };
  }
  await waitForDisplay(probe, config.waitForDisplay * 1000, config.display, io.logger);
  return { display: config.display, probe };
}

async function answers(probe: DisplayProbe): Promise<boolean> {
  try {
    await probe.probe();
    return true;
  } catch {
    return false;
  }
}

/** The hook may start us before the user's X server is up: wait, then fail clearly. */
async function waitForDisplay(
  probe: DisplayProbe,
  timeoutMs: number,
  display: string,
  logger: Logger,
  fix = "start the session's X server, pass --display, or allow root to connect (xhost +si:localuser:root)",
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let lastError = '';
  for (let attempt = 0; ; attempt++) {
    try {
      const layout = await probe.probe();
      logger.debug({ layout: describeLayout(layout) }, 'display answers');
      return;
    } catch (error) {
      lastError = (error as Error).message;
      if (attempt === 0) logger.info({ display }, 'waiting for the display');
    }
    if (Date.now() >= deadline) break;
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
  throw new EnvironmentError(
    `no display at ${display} after ${Math.round(timeoutMs / 1000)} s (${lastError}): ${fix}`,
  );
}

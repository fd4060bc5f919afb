import { rm } from 'node:fs/promises';
import { countVideo, removeSessionDir } from './sessionSpoolCleanup';
import { createActor, toPromise } from 'xstate';
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
import { EnvironmentError, ExitCode } from '../domain/errors';
import { checkFfmpeg } from '../preflight';
import { SessionLockedError } from '../sessionLock';
import { machineTimings, provideRealActors } from './recorderActors';
import { startSession, type StartedSession } from './startSession';
import { startBackgroundRecovery } from './backgroundRecovery';
import { watchSpoolSpace } from './spoolSpaceWatch';
import { inspectPortProblem, startRecordInspection } from './recordInspection';

export interface RecordIo {
  readonly env: NodeJS.ProcessEnv;
  readonly platform: NodeJS.Platform;
  readonly logger: Logger;
  readonly version: string;
  /** Human summary lines (stdout). */
  readonly print: (line: string) => void;
  readonly stdout: NodeJS.WritableStream;
  readonly cwd: string;
  /** Where process signals are subscribed; tests pass their own emitter. */
  readonly signals: Pick<NodeJS.Process, 'on' | 'off'>;
}

/** The demo's length when no display was configured and the recorder made its own. */
export const DEMO_SECONDS = 20;

/**
 * `session-recorder record`: prepares the session, runs the statechart with the real actors until
 * it finishes, then deletes the sentinel (the end hook waits for that) and returns the exit code:
 * 0 all durable, 3 something left in the spool for `recover`.
 */
export async function runRecord(config: RecorderConfig, io: RecordIo): Promise<number> {
  const { logger } = io;
  await checkFfmpeg(config.ffmpegPath);
  const inspectPort = await usableInspectPort(config.inspectPort, logger);
  const { display, probe, demo } = await chooseDisplay(config, io);
  try {
    let started: StartedSession;
    try {
      // Metadata, lock, spool and destination checks (bad input: exit 2 before anything is touched).
      started = await startSession({ config, env: io.env, platform: io.platform, logger, version: io.version, now: new Date() });
    } catch (error) {
      if (error instanceof SessionLockedError) {
        io.print(`${error.message}: nothing to do.`);
        return ExitCode.ok;
      }
      throw error;
    }
    const { session, store, close } = started;
    logger.info(
      { session: session.metadata.sessionId, destination: store.description, prefix: session.sessionPrefix, spool: session.sessionSpoolDir, sentinel: session.sentinelPath },
      'recording session',
    );
    const machine = provideRealActors({ config, display, probe, store, logger, ...session });
    const inspection = await startRecordInspection({
      machine, logger, port: inspectPort, jsonFile: config.inspectJson, cwd: io.cwd, stdout: io.stdout,
    });
    const actor = createActor(machine, { input: { config: machineTimings(config) }, inspect: inspection.inspect });
    inspection.setRoot(actor);
    actor.on('recorder.tamperSuspected', (e) => {
      logger.error(
        { interruptions: e.recentInterruptions, windowSeconds: e.windowMs / 1000, at: new Date(e.atMs).toISOString() },
        `tamper suspected: ${e.recentInterruptions} capture interruptions within ${e.windowMs / 1000} s (each is a gap in the evidence)`,
      );
    });
    const stop = (reason: string) => () => actor.send({ type: 'recorder.stop', reason });
    const onSigterm = stop('SIGTERM');
    const onSigint = stop('SIGINT');
    io.signals.on('SIGTERM', onSigterm);
    io.signals.on('SIGINT', onSigint);
    const maxDuration = config.maxDuration ?? (demo ? DEMO_SECONDS : undefined);
    const timer = maxDuration === undefined ? undefined : setTimeout(stop(`max duration ${maxDuration} s`), maxDuration * 1000);
    if (demo) io.print(`No display configured: recording a virtual demo display ${display} (clock, eyes, top) for ${maxDuration} s. Pass --display to record a real one.`);
    let exitCode: number | undefined;
    const space = watchSpoolSpace({ dir: session.sessionSpoolDir, minFreeMb: config.minFreeSpaceMb, logger });
    const background = startBackgroundRecovery({
      config, logger, ownSessionDir: session.sessionSpoolDir, captureStarted: () => actor.getSnapshot().context.runCount > 0,
    });
    try {
      actor.start();
      const output = await toPromise(actor);
      const where = `${config.destination.url.replace(/\/?$/, '/')}${session.sessionPrefix}`;
      if (output.exitCode === ExitCode.ok && output.videoSeconds === 0) {
        // Durable, but evidence of nothing: FFmpeg never captured a frame (see the log for why).
        io.print(`Recorded no video at all: FFmpeg never captured a frame of ${display} (see the "ffmpeg exited" log lines; check --ffmpeg-path and the display), session closed at ${where} (exit ${ExitCode.noVideo}).`);
        exitCode = ExitCode.ok;
        return ExitCode.noVideo;
      }
      io.print(
        output.exitCode === ExitCode.ok
          ? `Recorded ${output.segmentsUploaded} segment(s), ${(output.bytesUploaded / 1e6).toFixed(1)} MB, to ${where}`
          : `Drained with ${output.leftInSpool ?? 'unknown'} item(s) left in ${session.sessionSpoolDir}; run "session-recorder recover" to upload them (exit 3).`,
      );
      exitCode = output.exitCode;
      return exitCode;
    } finally {
      clearTimeout(timer);
      await inspection.close();
      await space.stop();
      io.signals.off('SIGTERM', onSigterm);
      io.signals.off('SIGINT', onSigint);
      close();
      // Last: the end hook is waiting for the sentinel to vanish.
      await rm(session.sentinelPath, { force: true });
      if (exitCode === ExitCode.ok && (await countVideo(session.sessionSpoolDir)) === 0) {
        // Everything durable: only bookkeeping (run lists, the local manifest copy) is left.
        await removeSessionDir(session.sessionSpoolDir, session.lock.path, session.lock.release);
      } else {
        if (exitCode === ExitCode.ok) logger.warn({ dir: session.sessionSpoolDir }, 'spool still holds video files after a complete drain; keeping it for recover');
        await session.lock.release();
      }
      await background.stop();
    }
  } finally {
    await demo?.stop();
  }
}

/** `--inspect PORT` if it can be served; otherwise a warning and no inspector (a development aid never stops a recording). */
async function usableInspectPort(port: number | undefined, logger: Logger): Promise<number | undefined> {
  if (port === undefined) return undefined;
  const problem = await inspectPortProblem(port);
  if (problem === undefined) return port;
  logger.warn({ port, err: problem }, `inspector: 127.0.0.1:${port} is in use: recording without the inspector`);
  return undefined;
}

interface ChosenDisplay {
  readonly display: string;
  readonly probe: DisplayProbe;
  readonly demo?: VirtualDisplay;
}

/**
 * The display to record. With no display configured anywhere (no --display, no $DISPLAY) and
 * none answering at :0, the recorder starts its own virtual display with a moving scene: the
 * quick start records something real on a server without a screen.
 */
async function chooseDisplay(config: RecorderConfig, io: RecordIo): Promise<ChosenDisplay> {
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
  const probe = createX11Probe({ display: config.display, env: io.env });
  const unconfigured = config.origins.display === 'default' && !io.env['DISPLAY'];
  if (unconfigured) {
    // Nothing configured: record :0 if it answers now, else a demo display (no waiting).
    if (await answers(probe)) return { display: config.display, probe };
    const demo = await startVirtualDisplay({ width: 1280, height: 720 });
    return { display: demo.display, probe: createX11Probe({ display: demo.display, env: io.env }), demo };
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

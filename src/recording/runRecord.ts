import { rm } from 'node:fs/promises';
import { countVideo, removeSessionDir } from '../adapters/sessionSpoolDir';
import { createActor, toPromise } from 'xstate';
import type { Logger } from 'pino';
import type { RecorderConfig } from '../config/loadConfig';
import { ExitCode } from '../domain/errors';
import { chooseDisplay } from './chooseDisplay';
import { chooseX11Capture } from './x11Capture';
import { checkFfmpeg } from '../preflight';
import { SessionLockedError } from '../sessionLock';
import { machineTimings, provideRealActors } from './realActors';
import { startSession, type StartedSession } from './startSession';
import { startBackgroundRecovery } from '../recovery/backgroundRecovery';
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
    const x11Capture = await chooseX11Capture(config, display, logger);
    const machine = provideRealActors({ config, display, probe, store, logger, ...session, ...(x11Capture === undefined ? {} : { x11Capture }) });
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

import type { Logger } from 'pino';
import { fromCallback } from 'xstate';
import { join } from 'node:path';
import type { Writable } from 'node:stream';
import { buildCaptureArgs, encodedSize, segmentExtension, type CaptureSource, type EncoderSettings, type SegmentContainer } from '../adapters/ffmpegArgs';
import { buildGrabberArgs, defaultGrabberStillFrameSeconds } from '../adapters/damageGrabArgs';
import { startGrabber, type GrabberProcess } from '../adapters/grabberProcess';
import { stillMarksFile } from '../adapters/stillMarks';
import { describeStartFailure, startFfmpeg, type FfmpegProcess } from '../adapters/ffmpegProcess';
import { errorSummary, firstFrameAtMs, type StderrFact } from '../adapters/ffmpegStderr';
import { createRunDir, runIdFor, segmentListPath, writeRunInfo, type RunInfo } from '../adapters/spoolRun';
import type { FfmpegActorInput } from '../machines/recorderMachine';
import type { FfmpegCommand, RecorderEvent } from '../machines/recorderEvents';

/** What to capture and how to encode it; the layout comes per run as the actor's input. */
export interface CaptureOptions {
  readonly source: CaptureSource;
  readonly frameRate: number;
  readonly segmentSeconds: number;
  /** Shared keyframes on the damage grabber's input (ffmpegArgs.ts `keyframeSharing`); default `defaultKeyframeSeconds`. */
  readonly keyframeSeconds?: number;
  /** Defaults: `defaultEncoderSettings` (veryfast, zerolatency, crf 19 with qcomp 0.9). */
  readonly encoder?: Partial<EncoderSettings>;
  /** Default `mp4` (fragmented). */
  readonly container?: SegmentContainer;
  /** fMP4 fragment flush interval in seconds; default 1. */
  readonly fragmentSeconds?: number;
}

export interface FfmpegActorDeps {
  /** Executable to spawn, e.g. "ffmpeg" (looked up in PATH) or an absolute path. */
  readonly ffmpegPath: string;
  /** The session's spool dir; each run gets `run-<startedAtMs>/` inside it. */
  readonly sessionSpoolDir: string;
  readonly capture: CaptureOptions;
  readonly logger: Logger;
  /** Epoch ms; default Date.now. */
  readonly clock?: () => number;
  /** Characters of stderr kept for `ffmpeg.exited`; default 4000. */
  readonly stderrTailChars?: number;
  /** How the tree is killed; default the running platform. */
  readonly platform?: NodeJS.Platform;
  /** After `exit`, how long to wait for stderr to close before reporting anyway; default 1000 ms. */
  readonly stderrGraceMs?: number;
}

/**
 * One FFmpeg run per actor instance: creates the run dir and run.json, spawns FFmpeg detached
 * (own process group) with stdin piped, and reports `ffmpeg.started`, then exactly one of
 * `ffmpeg.exited` (ANY exit, code 0 included) or `ffmpeg.failedToStart`.
 * Commands: `ffmpeg.finish` ("q" on stdin: the last segment is finalized and listed),
 * `ffmpeg.terminate` (SIGTERM to the group), `ffmpeg.kill` (SIGKILL of the tree).
 * Stopping the actor kills the tree synchronously if FFmpeg still runs: never an orphan.
 */
export function createFfmpegActor(deps: FfmpegActorDeps) {
  const clock = deps.clock ?? Date.now;
  const platform = deps.platform ?? process.platform;
  return fromCallback<FfmpegCommand, FfmpegActorInput>(({ input, sendBack, receive }) => {
    const log = deps.logger.child({ actor: 'ffmpeg' });
    const requestedAtMs = clock();
    let info: RunInfo;
    let args: string[];
    let grabberCommand: string[] | null = null;
    let runDir: string;
    try {
      const run = createRunDir(deps.sessionSpoolDir, requestedAtMs);
      runDir = run.runDir;
      args = buildCaptureArgs({ ...deps.capture, layout: input.layout, runDir: run.runDir, segmentListPath: segmentListPath(deps.sessionSpoolDir, run.runId) });
      grabberCommand = grabberCommandFor(deps.capture, input.layout, run.runDir);
      const size = encodedSize(input.layout);
      info = {
        runId: run.runId, startedAtMs: run.startedAtMs, firstFrameAtMs: null, pid: null, layout: input.layout,
        width: size.width, height: size.height, frameRate: deps.capture.frameRate, segmentSeconds: deps.capture.segmentSeconds,
        segmentExtension: segmentExtension[deps.capture.container ?? 'mp4'], command: [deps.ffmpegPath, ...args],
        ...(grabberCommand === null ? {} : { grabberCommand }),
      };
      writeRunInfo(run.runDir, info);
    } catch (err) {
      const runId = runIdFor(requestedAtMs);
      const message = `Cannot prepare capture run ${runId} in "${deps.sessionSpoolDir}": ${(err as Error).message}. ` +
        'Check that the spool dir is writable and has free space.';
      log.error({ err, runId }, message);
      sendBack({ type: 'ffmpeg.failedToStart', runId, message, atMs: clock() } satisfies RecorderEvent);
      return undefined;
    }
    const { runId } = info;
    const update = (patch: Partial<RunInfo>): void => {
      info = { ...info, ...patch };
      try {
        writeRunInfo(runDir, info);
      } catch (err) {
        log.warn({ err, runId }, 'could not update run.json');
      }
    };

    log.debug({ runId, command: info.command.map(quoteArg).join(' ') }, 'ffmpeg command');
    let phase: 'starting' | 'running' | 'exited' | 'failed' = 'starting';
    // Told once: the run captures. Its loss is then an interruption (restart at once), not a
    // failure to start (backoff). The input's wall-clock start says so; for sources without one
    // (lavfi: it starts at 0), the moment that line came.
    let capturing = false;
    const reportCapturing = (atMs: number): void => {
      if (capturing || phase !== 'running') return;
      capturing = true;
      sendBack({ type: 'ffmpeg.capturing', runId, firstFrameAtMs: atMs } satisfies RecorderEvent);
    };
    const onStderrFact = (fact: StderrFact): void => {
      if (fact.kind === 'inputStart') {
        const ms = firstFrameAtMs(fact.seconds, info.startedAtMs);
        if (ms !== null) {
          log.debug({ runId, firstFrameAtMs: ms, afterSpawnMs: ms - info.startedAtMs }, 'first frame');
          update({ firstFrameAtMs: ms });
        }
        reportCapturing(ms ?? clock());
      } else if (fact.width !== info.width || fact.height !== info.height) {
        update({ width: fact.width, height: fact.height });
      }
    };
    let ffmpeg: FfmpegProcess;
    try {
      ffmpeg = startFfmpeg(deps.ffmpegPath, args, {
        stdin: 'pipe', stderrTailChars: deps.stderrTailChars ?? 4000, onStderrFact, platform, ...(grabberCommand === null ? {} : { fd3: 'pipe' as const }),
      });
    } catch (err) {
      // spawn() throws synchronously only for invalid arguments (e.g. an empty path).
      phase = 'failed';
      sendBack({ type: 'ffmpeg.failedToStart', runId, message: describeStartFailure(deps.ffmpegPath, err as Error), atMs: clock() } satisfies RecorderEvent);
      return undefined;
    }
    const { child } = ffmpeg;
    let grabber: GrabberProcess | null = null;
    let grabberExitedAtMs: number | null = null;
    let grabberSignalled = false;
    /** The parent's copy of the grabber's pipe into FFmpeg, until the grabber ended (see 'spawn'). */
    let holdsGrabberPipe: Writable | null = null;
    const stopGrabber = (): void => {
      if (grabber === null || grabber.ended() !== null) return;
      grabberSignalled = true;
      grabber.terminate();
    };

    child.once('spawn', () => {
      if (phase !== 'starting') return;
      phase = 'running';
      const pid = child.pid as number;
      update({ pid });
      log.info({ runId, pid, width: info.width, height: info.height, grabber: grabberCommand === null ? 'ffmpeg' : 'damage-grab' }, 'ffmpeg started');
      if (grabberCommand !== null) {
        // The grabber writes into FFmpeg's fd 3 (and gets EPIPE when FFmpeg ends). The parent keeps
        // its own copy of that end until the grabber has ended, and then decides how FFmpeg ends:
        // a grabber that exited wrote its last frame (on its last checked tick), so closing the copy
        // gives FFmpeg EOF and it finalizes the segment. One killed by a signal wrote none, and its
        // last frame may be a minute old (no heartbeats on a still screen): FFmpeg is killed
        // instead, before it reads EOF and closes the segment one tick after that frame, so the
        // segment is rebuilt from its journal and lasts until the grabber's still marks say.
        const into = child.stdio[3] as Writable;
        const [path, ...grabberArgs] = grabberCommand as [string, ...string[]];
        const started = startGrabber(path, grabberArgs, into, platform);
        grabber = started;
        started.child.once('spawn', () => {
          const grabberPid = started.child.pid;
          log.debug({ runId, grabberPid }, 'damage grabber started');
          if (grabberPid !== undefined) update({ grabberPid });
        });
        started.child.once('exit', (_code, signal) => {
          grabberExitedAtMs = clock();
          if (signal !== null && !grabberSignalled && phase === 'running') {
            // Killed at once (synchronously): the copy is closed only when FFmpeg has exited.
            log.warn({ runId, signal }, 'damage grabber killed: ffmpeg killed too, so its open segment is rebuilt from its journal and still marks');
            ffmpeg.killNow();
            return;
          }
          into.destroy();
        });
        started.child.once('error', () => into.destroy());
        holdsGrabberPipe = into;
      }
      sendBack({ type: 'ffmpeg.started', runId, pid, startedAtMs: info.startedAtMs } satisfies RecorderEvent);
    });
    child.on('error', (err) => {
      if (phase === 'starting') {
        phase = 'failed';
        const message = describeStartFailure(deps.ffmpegPath, err);
        log.error({ runId, err }, message);
        sendBack({ type: 'ffmpeg.failedToStart', runId, message, atMs: clock() } satisfies RecorderEvent);
      } else {
        log.warn({ runId, err }, 'ffmpeg child process error');
      }
    });

    child.stdin?.on('error', (err) => log.debug({ runId, err }, 'ffmpeg stdin closed'));

    let exit: { code: number | null; signal: string | null; atMs: number } | null = null;
    let reported = false;
    /** The grabber was dead when FFmpeg exited but its exit was not reported yet. */
    let grabberDiedFirst = false;
    const report = (): void => {
      if (reported || exit === null || phase === 'failed') return;
      if (grabberDiedFirst && grabber !== null && grabber.ended() === null) {
        // Its exit is due at once (it is a zombie): the cause is told with it.
        grabber.child.once('exit', report);
        return;
      }
      reported = true;
      ffmpeg.endStderr();
      let stderrTail = ffmpeg.stderrTail();
      const grabberEnd = grabber?.ended() ?? null;
      // The grabber ended on its own before FFmpeg (killed, lost its X connection): FFmpeg then read
      // EOF and exited 0. That is the cause; a grabber that ended on EPIPE after FFmpeg is not.
      if (grabber !== null && grabberEnd !== null && !grabberSignalled &&
        (grabberEnd.code !== 0 || grabberEnd.signal !== null || (grabberExitedAtMs ?? Infinity) <= exit.atMs)) {
        const line = grabber.endLine();
        log.warn({ runId, grabber: line }, 'damage grabber ended before ffmpeg');
        stderrTail = `${stderrTail}\n${line}`;
      }
      const fields = { runId, code: exit.code, signal: exit.signal };
      if (exit.code === 0) log.info(fields, 'ffmpeg exited');
      else log.warn({ ...fields, error: errorSummary(stderrTail) }, 'ffmpeg exited');
      sendBack({ type: 'ffmpeg.exited', runId, code: exit.code, signal: exit.signal, stderrTail, exitedAtMs: exit.atMs } satisfies RecorderEvent);
    };
    child.once('exit', (code, signal) => {
      // Never spawned (Node simulates an exit after ENOENT): 'error' reports it.
      if (phase === 'failed' || phase === 'starting') return;
      phase = 'exited';
      exit = { code, signal, atMs: clock() };
      holdsGrabberPipe?.destroy();
      // A grabber killed just before FFmpeg read its EOF may be reported after FFmpeg under load,
      // and stopping it then would hide the cause (grabberKill failed so in a fresh-clone CI even
      // with the stop deferred a turn): one that is already dead is not stopped, and the report
      // waits for its exit. A live one is stopped after the exits libuv reaped in the same pass.
      grabberDiedFirst = grabber?.deadUnreported() ?? false;
      if (!grabberDiedFirst) setImmediate(stopGrabber);
      // 'close' follows once stderr is drained; do not wait forever if something holds the pipe.
      setTimeout(report, deps.stderrGraceMs ?? 1000).unref();
    });
    child.once('close', report);

    receive((command) => {
      const pid = child.pid;
      if (phase !== 'running' || pid === undefined) {
        log.debug({ runId, command: command.type, phase }, 'ffmpeg not running: command ignored');
        return;
      }
      log.info({ runId, pid, command: command.type }, 'ffmpeg command received');
      switch (command.type) {
        case 'ffmpeg.finish':
          // FFmpeg ignores stdin when an input is a pipe: (no `q`): ending the grabber gives it EOF,
          // and it finalizes and lists the last segment and exits 0 just the same.
          if (grabber !== null && grabber.ended() === null) stopGrabber();
          else ffmpeg.finish();
          break;
        case 'ffmpeg.terminate':
          // Exactly one signal: a second SIGTERM/SIGINT makes FFmpeg abort its trailer, and the
          // last segment is then neither finalized nor listed (measured: 1 of 2 double-signal runs).
          ffmpeg.terminate();
          break;
        case 'ffmpeg.kill':
          ffmpeg.kill().catch((err: unknown) => log.warn({ runId, err }, 'kill failed'));
          if (grabber !== null && grabber.ended() === null) {
            grabberSignalled = true;
            grabber.kill().catch((err: unknown) => log.warn({ runId, err }, 'grabber kill failed'));
          }
          break;
        default:
          command satisfies never;
      }
    });

    return () => {
      const pid = child.pid;
      if ((phase === 'running' || phase === 'starting') && pid !== undefined) {
        log.warn({ runId, pid }, 'ffmpeg actor stopped while ffmpeg runs: killing its process tree');
        ffmpeg.killNow();
      }
      if (grabber !== null && grabber.ended() === null) {
        grabberSignalled = true;
        grabber.killNow();
      }
      holdsGrabberPipe?.destroy();
      child.stdin?.destroy();
    };
  });
}

/** The grabber's command line for a damage capture, or null when FFmpeg grabs by itself. */
function grabberCommandFor(capture: CaptureOptions, layout: FfmpegActorInput['layout'], runDir: string): string[] | null {
  const source = capture.source;
  if (source.kind !== 'x11damage') return null;
  return [source.grabberPath, ...buildGrabberArgs({
    display: source.display, frameRate: capture.frameRate,
    stillFrameSeconds: capture.encoder?.stillFrameSeconds ?? defaultGrabberStillFrameSeconds,
    segmentSeconds: capture.segmentSeconds, marksPath: join(runDir, stillMarksFile),
    ...(source.scanSeconds === undefined ? {} : { scanSeconds: source.scanSeconds }), ...(source.noDamage ? { noDamage: true } : {}),
  }, layout)];
}

function quoteArg(arg: string): string {
  return /^[\w@%+=:,./-]+$/.test(arg) ? arg : `'${arg.replace(/'/g, `'\\''`)}'`;
}

import { createActor, fromCallback, SimulatedClock, type EventObject } from 'xstate';
import type { DisplayLayout } from '../../src/domain/displayLayout';
import type { ClosedSegment, DurableSegment } from '../../src/domain/segment';
import { recorderMachine, type FfmpegActorInput } from '../../src/machines/recorderMachine';
import type { RecorderMachineConfig } from '../../src/machines/recorderContext';
import type { FfmpegCommand, RecorderEvent, SegmentWatcherCommand, UploaderCommand } from '../../src/machines/recorderEvents';

/**
 * Fake actors for unit-testing the statechart's logic only: they record what the machine asks
 * of them and let the test speak for them. The real actors have their own integration tests.
 */
export interface FakeFfmpeg {
  readonly input: FfmpegActorInput;
  readonly runId: string;
  readonly received: FfmpegCommand['type'][];
  stopped: boolean;
  start(): void;
  exit(code: number | null, signal?: string | null, stderrTail?: string): void;
  /** FFmpeg reported its first frame: losing the run is an interruption (restart at once). */
  capture(): void;
  failToStart(message: string): void;
}

export const testConfig: RecorderMachineConfig = {
  stopTimeoutMs: 3_000,
  killTimeoutMs: 2_000,
  drainTimeoutMs: 50_000,
  finalizeReserveMs: 5_000,
  settleTimeoutMs: 3_000,
  restartBackoffBaseMs: 1_000,
  restartBackoffMaxMs: 30_000,
  stableRunMs: 60_000,
  displayRestartCooldownMs: 2_000,
};

export function layout(width: number, height: number, monitors = 1): DisplayLayout {
  const each = Math.floor(width / monitors);
  return {
    x: 0,
    y: 0,
    width,
    height,
    monitors: Array.from({ length: monitors }, (_, i) => ({ name: `M${i}`, x: i * each, y: 0, width: each, height, primary: i === 0 })),
  };
}

export function segment(runId: string, index: number): ClosedSegment {
  return {
    path: `/spool/${runId}/seg-${index}.mp4`,
    runId,
    index,
    startMs: 1_000_000 + index * 5_000,
    endMs: 1_000_000 + (index + 1) * 5_000,
    bytes: 1000,
    width: 1920,
    height: 1080,
    complete: true,
  };
}

export function durable(seg: ClosedSegment): DurableSegment {
  return { ...seg, key: `s/f/x/${seg.index}-video.mp4`, sha256: 'ab'.repeat(32) };
}

export interface Options {
  config?: Partial<RecorderMachineConfig>;
  /** Like real FFmpeg: "q" makes it exit 0, SIGTERM 255, SIGKILL by signal. Off to test escalation. */
  ffmpegObeys?: boolean;
}

export function startRecorder(options: Options = {}) {
  const clock = new SimulatedClock();
  const ffmpegRuns: FakeFfmpeg[] = [];
  const watcherCommands: SegmentWatcherCommand[] = [];
  const uploaderCommands: UploaderCommand[] = [];
  const senders: Partial<Record<'displayPoller' | 'segmentWatcher' | 'sentinelWatcher' | 'uploader', (e: RecorderEvent) => void>> = {};
  const obeys = options.ffmpegObeys ?? true;

  const ffmpeg = fromCallback<FfmpegCommand, FfmpegActorInput>(({ input, sendBack, receive }) => {
    const runId = `run-${ffmpegRuns.length + 1}`;
    const run: FakeFfmpeg = {
      input,
      runId,
      received: [],
      stopped: false,
      start: () => sendBack({ type: 'ffmpeg.started', runId, pid: 1000 + ffmpegRuns.length, startedAtMs: clock.now() } satisfies RecorderEvent),
      failToStart: (message) => sendBack({ type: 'ffmpeg.failedToStart', runId, message, atMs: clock.now() } satisfies RecorderEvent),
      exit: (code, signal = null, stderrTail = '') =>
        sendBack({ type: 'ffmpeg.exited', runId, code, signal, stderrTail, exitedAtMs: clock.now() } satisfies RecorderEvent),
      capture: () => sendBack({ type: 'ffmpeg.capturing', runId, firstFrameAtMs: clock.now() } satisfies RecorderEvent),
    };
    ffmpegRuns.push(run);
    receive((command) => {
      run.received.push(command.type);
      if (!obeys) return;
      if (command.type === 'ffmpeg.finish') run.exit(0);
      if (command.type === 'ffmpeg.terminate') run.exit(255);
      if (command.type === 'ffmpeg.kill') run.exit(null, 'SIGKILL');
    });
    return () => {
      run.stopped = true;
    };
  });
  const speaker = (name: keyof typeof senders) =>
    fromCallback<EventObject, undefined>(({ sendBack }) => {
      senders[name] = sendBack;
    });
  const segmentWatcher = fromCallback<SegmentWatcherCommand, undefined>(({ sendBack, receive }) => {
    senders.segmentWatcher = sendBack;
    receive((command) => watcherCommands.push(command));
  });
  const uploader = fromCallback<UploaderCommand, undefined>(({ sendBack, receive }) => {
    senders.uploader = sendBack;
    receive((command) => uploaderCommands.push(command));
  });

  const machine = recorderMachine.provide({
    actors: { ffmpeg, segmentWatcher, uploader, displayPoller: speaker('displayPoller'), sentinelWatcher: speaker('sentinelWatcher') },
  });
  const actor = createActor(machine, { clock, input: { config: { ...testConfig, ...options.config } } });
  actor.start();

  const say = (from: keyof typeof senders, event: RecorderEvent) => {
    const send = senders[from];
    if (!send) throw new Error(`${from} has not started`);
    send(event);
  };
  return {
    actor,
    clock,
    ffmpegRuns,
    watcherCommands,
    uploaderCommands,
    say,
    /** The newest FFmpeg run. */
    get ffmpeg(): FakeFfmpeg {
      const run = ffmpegRuns.at(-1);
      if (!run) throw new Error('no ffmpeg run yet');
      return run;
    },
    state: () => actor.getSnapshot().value,
    /** Moves simulated time forward in small steps so chained timers fire in order. */
    advance(ms: number, step = 50) {
      for (let t = 0; t < ms; t += step) clock.increment(Math.min(step, ms - t));
    },
  };
}

export const fullHd = layout(1920, 1080);

/** A recorder that saw a 1920x1080 display and whose first FFmpeg run started. */
export function recording(options?: Options) {
  const r = startRecorder(options);
  r.say('displayPoller', { type: 'display.detected', layout: fullHd });
  r.ffmpeg.start();
  return r;
}

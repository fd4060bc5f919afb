import type { Logger } from 'pino';
import type { RecorderConfig } from '../config/loadConfig';
import { createDisplayPoller } from '../actors/displayPoller';
import { createDisplayWatchdog } from '../actors/displayWatchdog';
import { createFfmpegActor } from '../actors/ffmpeg';
import { createSegmentWatcher } from '../actors/segmentWatcher';
import { createSentinelWatcher } from '../actors/sentinelWatcher';
import { createUploader } from '../actors/uploader';
import type { DisplayProbe } from '../adapters/display/displayProbe';
import type { WriteOnlyStore } from '../domain/objectStore';
import type { SessionMetadata } from '../domain/sessionMetadata';
import type { RecorderMachineConfig } from '../machines/recorderContext';
import { recorderMachine } from '../machines/recorderMachine';
import { AVFOUNDATION_ALL_SCREENS, type CaptureSource } from '../adapters/ffmpegArgs';
import { activityTrack } from './activityTrack';

export interface RecorderWiring {
  readonly config: RecorderConfig;
  readonly display: string;
  readonly probe: DisplayProbe;
  readonly store: WriteOnlyStore;
  readonly metadata: SessionMetadata;
  readonly sessionPrefix: string;
  readonly sessionSpoolDir: string;
  readonly sentinelPath: string;
  readonly logger: Logger;
  /** The X11 capture chosen at start (chooseX11Capture); default x11grab from the config. */
  readonly x11Capture?: CaptureSource;
}

/** The machine's timings from the user's settings (seconds) in milliseconds. */
export function machineTimings(config: Pick<RecorderConfig, 'stopTimeout' | 'killTimeout' | 'drainTimeout'>): RecorderMachineConfig {
  const drainTimeoutMs = Math.round(config.drainTimeout * 1000);
  return {
    stopTimeoutMs: Math.round(config.stopTimeout * 1000),
    killTimeoutMs: Math.round(config.killTimeout * 1000),
    drainTimeoutMs,
    // Manifest and end marker need a few round trips; keep up to 30 % of the budget for them.
    finalizeReserveMs: Math.min(15_000, Math.max(1_000, Math.round(drainTimeoutMs * 0.3))),
    settleTimeoutMs: 5_000,
    restartBackoffBaseMs: 1_000,
    restartBackoffMaxMs: 30_000,
    stableRunMs: 60_000,
  };
}

function captureSource(config: RecorderConfig, display: string): CaptureSource {
  switch (config.captureSource) {
    case 'x11grab':
      return { kind: 'x11grab', display };
    case 'gdigrab':
      return { kind: 'gdigrab' };
    case 'avfoundation':
      return display === AVFOUNDATION_ALL_SCREENS ? { kind: 'avfoundation' } : { kind: 'avfoundation', device: display };
    case 'lavfi':
      return { kind: 'lavfi' };
    default:
      return config.captureSource satisfies never;
  }
}

/** The real actors, given to the pure machine with `provide()`. */
export function provideRealActors(wiring: RecorderWiring) {
  const { config, logger } = wiring;
  const timings = machineTimings(config);
  const activity = activityTrack(config, wiring.display, wiring.sessionSpoolDir, logger);
  return recorderMachine.provide({
    actors: {
      ffmpeg: createFfmpegActor({
        ffmpegPath: config.ffmpegPath,
        sessionSpoolDir: wiring.sessionSpoolDir,
        capture: { source: wiring.x11Capture ?? captureSource(config, wiring.display), frameRate: config.frameRate, segmentSeconds: config.segmentSeconds,
          keyframeSeconds: config.keyframeSeconds },
        logger,
      }),
      displayPoller: createDisplayPoller({ probe: wiring.probe, logger }),
      ...(wiring.probe.ping === undefined ? {} : { displayWatchdog: createDisplayWatchdog({ ping: (signal) => (wiring.probe.ping as NonNullable<DisplayProbe['ping']>)(signal), logger }) }),
      segmentWatcher: createSegmentWatcher({ sessionSpoolDir: wiring.sessionSpoolDir, ffmpegPath: config.ffmpegPath, logger }),
      sentinelWatcher: createSentinelWatcher({ sentinelPath: wiring.sentinelPath, logger }),
      ...(activity === undefined ? {} : { activity: activity.actor }),
      uploader: createUploader({
        store: wiring.store,
        sessionPrefix: wiring.sessionPrefix,
        spoolDir: wiring.sessionSpoolDir,
        metadata: wiring.metadata,
        logger,
        ...(activity === undefined ? {} : { activity: activity.cutter }),
        // Finalize = abort what is in flight, then metadata (if still pending), manifest, end
        // marker: all of it inside the machine's finalize reserve.
        abortGraceMs: Math.min(2_000, Math.floor(timings.finalizeReserveMs / 4)),
        finalizeStepTimeoutMs: Math.floor((timings.finalizeReserveMs - Math.min(2_000, Math.floor(timings.finalizeReserveMs / 4))) / 3.2),
      }),
    },
  });
}

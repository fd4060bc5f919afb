/**
 * Whether this session gets an activity track, and from which source: X11 for an x11grab
 * capture (the same display), the foreground window for gdigrab; none for lavfi (a test pattern:
 * there is no user's screen) and avfoundation (no macOS source yet), nor with --no-activity.
 */
import { join } from 'node:path';
import type { Logger } from 'pino';
import { createActivityActor } from '../actors/activity';
import type { ActivityCutterDeps } from '../actors/activityCutter';
import type { ConnectActivitySource } from '../adapters/activity/activitySource';
import { windowsActivitySource } from '../adapters/activity/windowsActivitySource';
import { x11ActivitySource } from '../adapters/activity/x11ActivitySource';
import type { RecorderConfig } from '../config/loadConfig';
import type { ActivitySource } from '../domain/activity';
import { ACTIVITY_JOURNAL_NAME } from '../domain/activityJournal';

export interface ActivityTrackWiring {
  readonly actor: ReturnType<typeof createActivityActor>;
  readonly cutter: ActivityCutterDeps;
}

function sourceFor(config: Pick<RecorderConfig, 'captureSource'>, display: string): { connect: ConnectActivitySource; source: ActivitySource } | string {
  switch (config.captureSource) {
    case 'x11grab':
      return { connect: x11ActivitySource(display), source: 'x11-focus' };
    case 'gdigrab':
      return { connect: windowsActivitySource(), source: 'windows-foreground' };
    case 'lavfi':
      return 'the lavfi capture records a test pattern, not a user screen';
    case 'avfoundation':
      return 'there is no macOS activity source yet';
    default:
      return config.captureSource satisfies never;
  }
}

export function activityTrack(
  config: Pick<RecorderConfig, 'captureSource' | 'activity' | 'idleThreshold'>,
  display: string,
  sessionSpoolDir: string,
  logger: Logger,
): ActivityTrackWiring | undefined {
  if (!config.activity) {
    logger.info('activity track off (--no-activity)');
    return undefined;
  }
  const chosen = sourceFor(config, display);
  if (typeof chosen === 'string') {
    logger.info({ captureSource: config.captureSource }, `no activity track: ${chosen}`);
    return undefined;
  }
  const journalPath = join(sessionSpoolDir, ACTIVITY_JOURNAL_NAME);
  return {
    actor: createActivityActor({ connect: chosen.connect, journalPath, idleThresholdMs: Math.round(config.idleThreshold * 1000), logger: logger.child({ actor: 'activity' }) }),
    cutter: { journalPath, defaultSource: chosen.source },
  };
}

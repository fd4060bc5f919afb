/**
 * `record` also finishes what other, dead recorders left in the shared spool root, in the
 * background: it starts only once this session's capture runs (or after a short wait), never
 * delays it, and uploads one object at a time beside the live session's uploads. When something
 * could not be uploaded (the store is down) it tries again every minute while recording. Stopping
 * (the live session drains) cuts the current recovery short: its manifest and end marker are still
 * written within the recovery's reserve, and the rest stays for the next recorder or `recover`.
 * Sessions of live recorders are never touched (their locks).
 */
import type { Logger } from 'pino';
import type { RecorderConfig } from '../config/loadConfig';
import { describeRecovery, recoverSpool } from './recoverSpool';

export interface BackgroundRecoveryInput {
  readonly config: Pick<RecorderConfig, 'spoolDir' | 'destination' | 'endpoint' | 'region' | 'checksumMode' | 'drainTimeout'>;
  readonly logger: Logger;
  /** This recorder's own session dir: never recovered here. */
  readonly ownSessionDir: string;
  /** true once this session's FFmpeg runs; recovery waits for it (at most `startWaitMs`). */
  readonly captureStarted: () => boolean;
  readonly startWaitMs?: number;
  readonly retryEveryMs?: number;
}

export interface BackgroundRecovery {
  /** Cuts the recovery short and waits (bounded) until it has written what it can. */
  stop(): Promise<void>;
}

export function startBackgroundRecovery(input: BackgroundRecoveryInput): BackgroundRecovery {
  const log = input.logger.child({ component: 'recover' });
  const controller = new AbortController();
  const budgetMs = input.config.drainTimeout * 1000;
  const pause = (ms: number): Promise<void> =>
    new Promise((resolve) => {
      const timer = setTimeout(resolve, ms);
      controller.signal.addEventListener('abort', () => { clearTimeout(timer); resolve(); }, { once: true });
    });

  const loop = async (): Promise<void> => {
    const startBy = Date.now() + (input.startWaitMs ?? 10_000);
    while (!input.captureStarted() && Date.now() < startBy && !controller.signal.aborted) await pause(250);
    while (!controller.signal.aborted) {
      const result = await recoverSpool({ config: input.config, logger: log, budgetMs, exclude: [input.ownSessionDir], signal: controller.signal });
      if (result.sessions.length > 0 || result.notReached.length > 0) {
        log.info({ summary: describeRecovery(result) }, 'background recovery of sessions other recorders left');
      }
      const worthRetrying = result.notReached.length > 0 || result.sessions.some((s) => s.kind === 'recovered' && s.output.exitCode !== 0);
      if (!worthRetrying) return;
      await pause(input.retryEveryMs ?? 60_000);
    }
  };
  const running = loop().catch((e: unknown) => log.error({ err: (e as Error).message }, 'background recovery failed'));

  return {
    stop: async () => {
      controller.abort();
      // A recovery cut short still writes its manifest and end marker: at most its reserve (15 s).
      let timer: NodeJS.Timeout | undefined;
      await Promise.race([running, new Promise((resolve) => (timer = setTimeout(resolve, 20_000)))]);
      clearTimeout(timer);
    },
  };
}

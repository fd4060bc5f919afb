import chokidar from 'chokidar';
import { closeWatcher } from '../adapters/fileWatch';
import { stat } from 'node:fs/promises';
import path from 'node:path';
import type { Logger } from 'pino';
import { fromCallback, type EventObject } from 'xstate';
import type { RecorderEvent } from '../machines/recorderEvents';

export interface SentinelWatcherOptions {
  readonly sentinelPath: string;
  readonly logger: Pick<Logger, 'info' | 'error'>;
}

/**
 * Sends `sentinel.appeared` once, when the sentinel file exists: created while recording, or
 * already there at start. chokidar watches the sentinel's directory (depth 0, every other entry
 * ignored); the directory must exist (ensureSecureDir creates it). After chokidar's initial scan
 * one stat covers a file that appeared between the scan and the watch. The watcher closes itself
 * once the event is sent, and in cleanup (async close, errors logged).
 */
export function createSentinelWatcher({ sentinelPath, logger }: SentinelWatcherOptions) {
  return fromCallback<EventObject, undefined>(({ sendBack }) => {
    const target = path.resolve(sentinelPath);
    const dir = path.dirname(target);
    let sent = false;
    let closed = false;
    const watcher = chokidar.watch(dir, {
      depth: 0,
      ignoreInitial: false,
      ignored: (p: string) => {
        const resolved = path.resolve(p);
        return resolved !== dir && resolved !== target;
      },
    });
    const close = (): void => {
      if (closed) return;
      closed = true;
      closeWatcher(watcher).catch((err: unknown) => logger.error({ err, dir }, 'closing the sentinel watcher failed'));
    };
    const appeared = (how: string): void => {
      if (sent) return;
      sent = true;
      logger.info({ sentinel: target, how }, 'sentinel appeared: the session is ending');
      sendBack({ type: 'sentinel.appeared', path: target } satisfies RecorderEvent);
      close();
    };
    watcher.on('add', (p: string) => {
      if (path.resolve(p) === target) appeared('created');
    });
    watcher.on('ready', () => {
      stat(target).then(
        () => appeared('present at start'),
        () => undefined,
      );
    });
    watcher.on('error', (err: unknown) => {
      logger.error({ err, dir }, 'the sentinel watcher failed: the session end will not be noticed; SIGTERM still drains');
    });
    return close;
  });
}

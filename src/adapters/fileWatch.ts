/**
 * Closing a chokidar watcher so that nothing of it is left on the event loop. chokidar 4's
 * close() forgets its throttle entries (the 1 s `readdir` and 50 ms `change` throttles) without
 * clearing their timers: a timer set by the last directory change kept the recorder alive for up
 * to a second after everything was durable. Clearing them first lets the process exit as soon as
 * its work is done. (`_throttled` is chokidar's own field; a version without it is left as is.)
 */
import type { FSWatcher } from 'chokidar';

interface PendingThrottle {
  clear(): void;
}

export function closeWatcher(watcher: FSWatcher): Promise<void> {
  const throttled = (watcher as unknown as { _throttled?: Map<string, Map<string, PendingThrottle>> })._throttled;
  for (const byPath of throttled?.values() ?? []) {
    for (const pending of [...byPath.values()]) pending.clear();
  }
  return watcher.close();
}

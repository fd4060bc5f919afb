/**
 * Following sessions that are still being recorded: one watcher per session, however many pages
 * watch it. While at least one page listens, the watcher lists the session's level every
 * `intervalMs` (one LIST request) and reads the session again (manifest.json, end.json, new
 * sealed chunks) only when that listing changed: a landed segment adds its object and rewrites
 * manifest.json, a closed session adds end.json. Each change goes to every listener; a new
 * listener gets the latest at once. Once the session has ended (its end marker read) the watcher
 * stops polling: nothing there changes any more. The last listener gone, the watcher goes too.
 *
 * Bounded: at most `maxSessions` sessions are watched at once (more are refused, not queued), and
 * a poll never overlaps the previous one (the next is scheduled when it finished).
 */

export interface WatchedUpdate<V> {
  /** The session as last read; undefined when it is not there (yet). */
  readonly view?: V;
  /** The last poll failed (the store did not answer): the view, if any, is the one before. */
  readonly error?: string;
}

export interface SessionWatchOptions<V> {
  /** A fingerprint of the session's listing (one LIST request). */
  probe(prefix: string): Promise<string>;
  /** The session read again. */
  read(prefix: string): Promise<V | undefined>;
  /** True once the view shows the session closed: polling stops. */
  ended(view: V): boolean;
  readonly intervalMs: number;
  readonly maxSessions: number;
  readonly setTimer?: (fn: () => void, ms: number) => unknown;
  readonly clearTimer?: (handle: unknown) => void;
}

export interface SessionWatch<V> {
  /** Starts following `prefix` for `listener`; returns the function that stops it, or undefined when too many sessions are watched. */
  subscribe(prefix: string, listener: (update: WatchedUpdate<V>) => void): (() => void) | undefined;
  /** Sessions watched now (for tests and the bench). */
  watching(): readonly string[];
  close(): void;
}

interface Watcher<V> {
  readonly listeners: Set<(update: WatchedUpdate<V>) => void>;
  fingerprint?: string;
  latest?: WatchedUpdate<V>;
  timer?: unknown;
  polling: boolean;
  stopped: boolean;
}

export function createSessionWatch<V>(options: SessionWatchOptions<V>): SessionWatch<V> {
  const setTimer = options.setTimer ?? ((fn, ms) => setTimeout(fn, ms));
  const clearTimer = options.clearTimer ?? ((h) => clearTimeout(h as NodeJS.Timeout));
  const watchers = new Map<string, Watcher<V>>();

  function publish(watcher: Watcher<V>, update: WatchedUpdate<V>): void {
    watcher.latest = update;
    for (const listener of watcher.listeners) listener(update);
  }

  async function poll(prefix: string, watcher: Watcher<V>): Promise<void> {
    watcher.polling = true;
    try {
      const fingerprint = await options.probe(prefix);
      if (watcher.stopped || fingerprint === watcher.fingerprint) return;
      const view = await options.read(prefix);
      if (watcher.stopped) return;
      watcher.fingerprint = fingerprint;
      publish(watcher, view === undefined ? {} : { view });
    } catch (e) {
      // The store did not answer: say so, keep the last view, try again at the next tick.
      if (!watcher.stopped) publish(watcher, { ...(watcher.latest?.view === undefined ? {} : { view: watcher.latest.view }), error: (e as Error).message });
    } finally {
      watcher.polling = false;
      const view = watcher.latest?.view;
      if (!watcher.stopped && !(view !== undefined && options.ended(view))) {
        watcher.timer = setTimer(() => void poll(prefix, watcher), options.intervalMs);
      }
    }
  }

  function stop(prefix: string, watcher: Watcher<V>): void {
    watcher.stopped = true;
    if (watcher.timer !== undefined) clearTimer(watcher.timer);
    if (watchers.get(prefix) === watcher) watchers.delete(prefix);
  }

  return {
    subscribe(prefix, listener) {
      let watcher = watchers.get(prefix);
      if (watcher === undefined) {
        if (watchers.size >= options.maxSessions) return undefined;
        watcher = { listeners: new Set(), polling: false, stopped: false };
        watchers.set(prefix, watcher);
        void poll(prefix, watcher);
      } else if (watcher.latest !== undefined) {
        listener(watcher.latest);
      }
      const w = watcher;
      w.listeners.add(listener);
      return () => {
        w.listeners.delete(listener);
        if (w.listeners.size === 0) stop(prefix, w);
      };
    },
    watching: () => [...watchers.keys()],
    close() {
      for (const [prefix, watcher] of [...watchers]) stop(prefix, watcher);
    },
  };
}

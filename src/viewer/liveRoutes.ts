/**
 * The viewer's routes for sessions still being recorded and for the activity lane:
 *
 *   GET /api/session/live?prefix=P       server-sent events: `session` (the SessionView, at once
 *                                        and after each change), `problem` (the store did not
 *                                        answer), `missing` (no such session yet)
 *   GET /api/session/activity?prefix=P   the activity lane (activityLane.ts) of the session as
 *                                        last read
 *
 * Pages share one watcher per session (sessionWatch.ts): the store is polled once per interval
 * per watched session, whatever the number of pages.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { ReadOnlyStore } from '../domain/objectStore';
import { createActivityReader } from './activityReader';
import type { SessionCatalog, SessionView } from './sessionCatalog';
import { validSessionPrefix } from './sessionCatalog';
import { createSessionWatch, type SessionWatch, type SessionWatchOptions, type WatchedUpdate } from './sessionWatch';

export interface LiveRoutesOptions {
  readonly store: ReadOnlyStore;
  readonly catalog: SessionCatalog;
  /** Seconds between two listings of a watched session. */
  readonly pollSeconds: number;
  /** Sessions followed at once; more are refused with 503. */
  readonly maxWatched: number;
  readonly json: (res: ServerResponse, status: number, value: unknown) => void;
}

export interface LiveRoutes {
  /** Serves `pathname` when it is one of these routes; false otherwise. */
  handle(pathname: string, params: URLSearchParams, req: IncomingMessage, res: ServerResponse): Promise<boolean>;
  close(): void;
}

export const LIVE_DEFAULTS = { pollSeconds: 5, maxWatched: 16 } as const;

/** A listing as a string: any object added, removed or resized changes it. */
function fingerprintOf(objects: readonly { key: string; bytes: number }[]): string {
  return objects.map((o) => `${o.key}\t${o.bytes}`).join('\n');
}

/**
 * The watcher behind /api/session/live: a listing of the session per interval, the session read
 * again through the catalog when the listing changed (the bench counts its requests).
 */
export function watchLiveSessions(
  store: Pick<ReadOnlyStore, 'listLevel'>,
  catalog: Pick<SessionCatalog, 'open'>,
  options: Pick<SessionWatchOptions<SessionView>, 'intervalMs' | 'maxSessions' | 'setTimer' | 'clearTimer'>,
): SessionWatch<SessionView> {
  return createSessionWatch<SessionView>({
    probe: async (prefix) => fingerprintOf((await store.listLevel(prefix)).objects),
    read: (prefix) => catalog.open(prefix),
    ended: (view) => view.live.state === 'ended',
    ...options,
  });
}

export function createLiveRoutes(options: LiveRoutesOptions): LiveRoutes {
  const { store, catalog, json } = options;
  const activity = createActivityReader(store);
  const watch = watchLiveSessions(store, catalog, { intervalMs: options.pollSeconds * 1000, maxSessions: options.maxWatched });

  function follow(req: IncomingMessage, res: ServerResponse, prefix: string): void {
    if (!validSessionPrefix(prefix)) return json(res, 404, { error: 'no such session' });
    const send = (update: WatchedUpdate<SessionView>): void => {
      if (update.error !== undefined) res.write(`event: problem\ndata: ${JSON.stringify({ error: update.error })}\n\n`);
      else if (update.view === undefined) res.write('event: missing\ndata: {}\n\n');
      else res.write(`event: session\ndata: ${JSON.stringify(update.view)}\n\n`);
    };
    res.writeHead(200, { 'Content-Type': 'text/event-stream; charset=utf-8', 'Cache-Control': 'no-store', 'X-Content-Type-Options': 'nosniff' });
    if (req.method === 'HEAD') return void res.end();
    // The browser reconnects by itself after a broken connection; every poll interval is enough.
    res.write(`retry: ${Math.max(1000, options.pollSeconds * 1000)}\n\n`);
    const stop = watch.subscribe(prefix, send);
    if (stop === undefined) {
      res.write(`event: problem\ndata: ${JSON.stringify({ error: `the viewer already follows ${options.maxWatched} sessions; close another page` })}\n\n`);
      return void res.end();
    }
    res.once('close', stop);
  }

  return {
    async handle(pathname, params, req, res) {
      const prefix = params.get('prefix') ?? '';
      switch (pathname) {
        case '/api/session/live':
          follow(req, res, prefix);
          return true;
        case '/api/session/activity': {
          const opened = validSessionPrefix(prefix) ? await catalog.opened(prefix) : undefined;
          if (opened === undefined) json(res, 404, { error: 'no such session' });
          else json(res, 200, await activity.lane(prefix, opened.entries, opened.view.timeline));
          return true;
        }
        default:
          return false;
      }
    },
    close: () => watch.close(),
  };
}

/**
 * The viewer's HTTP server, on 127.0.0.1 only. The page never sees the store or its credentials:
 * segments are streamed through /media (with HTTP Range, so the player seeks inside a segment
 * and the browser holds only what it plays), and only segments named by a session's manifest are
 * served.
 *
 *   GET /                       the page
 *   GET /app.js, /app.css       its script and style (no CDN: works offline)
 *   GET /api/info               { destination, session? }: what `view` was started on
 *   GET /api/sessions           the session list (?refresh=1 reads the store again)
 *   GET /api/session?prefix=P   one session: summary, metadata, timeline
 *   GET /media?prefix=P&i=N     segment N of session P (Range supported); a segment that continues the
 *                               one before it: its chain back to the keyframe joined into one file
 *   GET /api/chain?prefix=P&i=N { offsetSeconds, first, links }: where segment N starts in what /media
 *                               serves for it, or { error } (422) when its chain is broken (chainMedia.ts)
 *   GET /api/search?q=TEXT      window titles and screen text across sessions (searchEndpoint.ts)
 *   GET /api/session/live, /api/session/activity   a running session followed, the activity lane (liveRoutes.ts)
 *
 * Requests whose Host is not a loopback name are refused, so a web page on another origin cannot
 * read recordings through DNS rebinding; requests without this run's access key (accessKey.ts)
 * are refused, so another local user cannot read them through the auditor's credentials.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { parseRangeHeader } from '../auditor/rangeHeader';
import type { ReadOnlyStore } from '../domain/objectStore';
import { contentTypeFor } from '../domain/objectNames';
import { createAccessKey, KEY_PARAM, loggableUrl, type AccessKey } from './accessKey';
import { viewerPage } from './page';
import { readPageScript } from '../pageScripts';
import { viewerStyle } from './pageStyle';
import { createSessionCatalog, validSessionPrefix } from './sessionCatalog';
import { createSearchEndpoint } from './searchEndpoint';
import type { OcrSetup } from '../search/searchSessions';
import { keepImmutableReads } from './immutableReads';
import { createLiveRoutes, LIVE_DEFAULTS } from './liveRoutes';
import { liveStyle } from './liveStyle';
import { createChainMedia, type ChainAnswer } from './chainMedia';

export interface ViewerServerOptions {
  readonly store: ReadOnlyStore;
  /** Shown in the page (no credentials in it). */
  readonly destination: string;
  /** Open this session first (`stack/fleet/session/`). */
  readonly session?: string;
  /** 0 picks a free port. */
  readonly port: number;
  readonly concurrency?: number;
  /** The search box's OCR (cache, tools); absent: it searches window titles only. */
  readonly ocr?: OcrSetup;
  /** Seconds between two listings of a session a page follows (default LIVE_DEFAULTS.pollSeconds). */
  readonly pollSeconds?: number;
  /** Sessions followed at once (default LIVE_DEFAULTS.maxWatched). */
  readonly maxWatched?: number;
  /** `url` is the request's path, without its query. */
  readonly onError?: (error: unknown, url: string) => void;
}

export interface ViewerServer {
  /** `http://127.0.0.1:<port>/?key=<this run's access key>`: the URL to open, as printed. */
  readonly url: string;
  /** `http://127.0.0.1:<port>/` */
  readonly origin: string;
  readonly port: number;
  close(): Promise<void>;
}

function send(res: ServerResponse, status: number, type: string, body: string | Buffer, extra: Record<string, string> = {}): void {
  res.writeHead(status, { 'Content-Type': type, 'Content-Length': Buffer.byteLength(body), 'Cache-Control': 'no-store', ...extra });
  res.end(res.req.method === 'HEAD' ? undefined : body);
}

function json(res: ServerResponse, status: number, value: unknown): void {
  send(res, status, 'application/json; charset=utf-8', JSON.stringify(value));
}

const SECURITY_HEADERS = {
  'Content-Security-Policy': "default-src 'self'; img-src 'self' data:; media-src 'self'; style-src 'self'; script-src 'self'; frame-ancestors 'none'",
  'X-Content-Type-Options': 'nosniff',
  'Referrer-Policy': 'no-referrer',
};

export async function startViewer(options: ViewerServerOptions): Promise<ViewerServer> {
  const { store } = options;
  const viewerScript = await readPageScript('viewer');
  const search = createSearchEndpoint(store, options.ocr);
  const reads = keepImmutableReads(store);
  const catalog = createSessionCatalog(reads, options.concurrency !== undefined ? { concurrency: options.concurrency } : {});
  const live = createLiveRoutes({
    store: reads, catalog, json,
    pollSeconds: options.pollSeconds ?? LIVE_DEFAULTS.pollSeconds,
    maxWatched: options.maxWatched ?? LIVE_DEFAULTS.maxWatched,
  });
  const chains = createChainMedia(reads, catalog);
  const open = new Set<ServerResponse>();
  let port = 0;
  let access: AccessKey | undefined;

  /** The chain answer for `?prefix=&i=`, or undefined for no such segment. */
  async function chainAnswer(params: URLSearchParams): Promise<ChainAnswer | undefined> {
    const prefix = params.get('prefix') ?? '';
    const index = Number(params.get('i'));
    return validSessionPrefix(prefix) && Number.isInteger(index) && index >= 0 ? chains.answer(prefix, index) : undefined;
  }

  async function chain(res: ServerResponse, params: URLSearchParams): Promise<void> {
    const answer = await chainAnswer(params);
    if (answer === undefined) return json(res, 404, { error: 'no such segment in this session' });
    if (answer.kind === 'broken') return json(res, 422, { error: answer.problem });
    if (answer.kind === 'single') return json(res, 200, { offsetSeconds: 0, first: Number(params.get('i')), links: 1 });
    return json(res, 200, { offsetSeconds: answer.offsetSeconds, first: answer.first, links: answer.links });
  }

  async function media(req: IncomingMessage, res: ServerResponse, params: URLSearchParams): Promise<void> {
    const answer = await chainAnswer(params);
    if (answer === undefined) return json(res, 404, { error: 'no such segment in this session' });
    if (answer.kind === 'broken') return json(res, 422, { error: answer.problem });
    const total = answer.kind === 'single' ? answer.entry.bytes : answer.bytes.length;
    const range = parseRangeHeader(req.headers.range, total);
    if (range === 'unsatisfiable') {
      return send(res, 416, 'text/plain; charset=utf-8', 'range not satisfiable\n', { 'Content-Range': `bytes */${total}` });
    }
    const headers = {
      'Content-Type': answer.kind === 'single' ? contentTypeFor(answer.entry.key) : 'video/mp4',
      'Accept-Ranges': 'bytes',
      // Segments never change once in the manifest (a joined chain is made of segments checked against it).
      'Cache-Control': 'private, max-age=3600, immutable',
    };
    if (req.method === 'HEAD') {
      res.writeHead(200, { ...headers, 'Content-Length': String(total) });
      return void res.end();
    }
    if (answer.kind === 'joined') {
      const start = range?.start ?? 0;
      const end = range?.end ?? total - 1;
      res.writeHead(range ? 206 : 200, {
        ...headers,
        'Content-Length': String(end - start + 1),
        ...(range ? { 'Content-Range': `bytes ${start}-${end}/${total}` } : {}),
      });
      return void res.end(answer.bytes.subarray(start, end + 1));
    }
    const opened = await store.open(answer.entry.key, range);
    res.once('close', () => opened.body.destroy());
    res.writeHead(range ? 206 : 200, {
      ...headers,
      'Content-Length': String(opened.length),
      ...(range ? { 'Content-Range': `bytes ${opened.start}-${opened.end}/${opened.totalBytes}` } : {}),
    });
    opened.body.on('error', () => res.destroy());
    opened.body.pipe(res);
  }

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const host = (req.headers.host ?? '').toLowerCase();
    if (host !== `127.0.0.1:${port}` && host !== `localhost:${port}`) {
      return send(res, 403, 'text/plain; charset=utf-8', 'The viewer answers only to 127.0.0.1 and localhost.\n');
    }
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      return send(res, 405, 'text/plain; charset=utf-8', 'The viewer is read-only.\n', { Allow: 'GET, HEAD' });
    }
    const url = new URL(req.url ?? '/', `http://127.0.0.1:${port}`);
    const key = access;
    if (key === undefined) return send(res, 503, 'text/plain; charset=utf-8', 'The viewer is starting.\n');
    if (url.searchParams.has(KEY_PARAM) && key.matches(url.searchParams.get(KEY_PARAM) ?? undefined)) {
      url.searchParams.delete(KEY_PARAM);
      return send(res, 303, 'text/plain; charset=utf-8', '', { Location: `${url.pathname}${url.search}`, 'Set-Cookie': key.setCookie() });
    }
    if (!key.cookieMatches(req)) {
      return send(res, 403, 'text/plain; charset=utf-8', 'Open the URL "session-recorder view" printed: it carries this run\'s access key.\n');
    }
    switch (url.pathname) {
      case '/':
        return send(res, 200, 'text/html; charset=utf-8', viewerPage(), SECURITY_HEADERS);
      case '/app.js':
        return send(res, 200, 'text/javascript; charset=utf-8', viewerScript, SECURITY_HEADERS);
      case '/app.css':
        return send(res, 200, 'text/css; charset=utf-8', viewerStyle + liveStyle, SECURITY_HEADERS);
      case '/favicon.ico':
        return send(res, 204, 'image/x-icon', '');
      case '/api/info':
        return json(res, 200, { destination: options.destination, session: options.session ?? null });
      case '/api/sessions': {
        const sessions = await catalog.list({}, url.searchParams.get('refresh') === '1');
        return json(res, 200, { destination: options.destination, sessions });
      }
      case '/api/session': {
        const view = await catalog.open(url.searchParams.get('prefix') ?? '');
        return view === undefined ? json(res, 404, { error: 'no such session' }) : json(res, 200, view);
      }
      case '/media':
        return media(req, res, url.searchParams);
      case '/api/chain':
        return chain(res, url.searchParams);
      case '/api/search': {
        const answer = await search(url.searchParams);
        return json(res, answer.status, answer.body);
      }
      default:
        if (await live.handle(url.pathname, url.searchParams, req, res)) return;
        return send(res, 404, 'text/plain; charset=utf-8', 'not found\n');
    }
  }

  const server = createServer((req, res) => {
    open.add(res);
    res.once('close', () => open.delete(res));
    handle(req, res).catch((error: unknown) => {
      options.onError?.(error, loggableUrl(req.url));
      if (!res.headersSent) json(res, 502, { error: error instanceof Error ? error.message : String(error) });
      else res.destroy();
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, '127.0.0.1', () => resolve());
  });
  port = (server.address() as AddressInfo).port;
  access = createAccessKey(port);
  return {
    url: `http://127.0.0.1:${port}/?${KEY_PARAM}=${access.value}`,
    origin: `http://127.0.0.1:${port}/`,
    port,
    close: () =>
      new Promise<void>((resolve) => {
        live.close();
        for (const res of open) res.destroy();
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

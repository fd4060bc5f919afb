import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { layoutGraph, type GraphLayout } from './graphLayout';
import type { InspectionStream, InspectionUpdate } from './inspectionStream';
import type { MachineGraph } from './machineGraph';
import { pageHtml } from './page';
import { readPageScript } from '../pageScripts';
import { pageStyle } from './pageStyle';

/**
 * The inspector's HTTP server: read-only, on 127.0.0.1 only.
 *
 *   GET /              the page (statechart, event log, FFmpeg and upload panels)
 *   GET /graph.json    { graph, layout }: the machine's states and transitions, with coordinates
 *   GET /status.json   the current status
 *   GET /events        server-sent events: `init` (status + history), then one `transition` per event
 *   GET /events.jsonl  the same records as JSON lines: history, then live (`?follow=0`: history only)
 *
 * Requests whose Host is not a loopback name are refused, so a web page on another origin cannot
 * read the stream through DNS rebinding.
 */
/** Live streams (/events, /events.jsonl) served at once: a page or two, and a few tools. */
export const MAX_LIVE_CLIENTS = 8;

export interface InspectorLogger {
  info(obj: object, msg?: string): void;
  warn(obj: object, msg?: string): void;
}

export interface InspectorServerOptions {
  /** 0 picks a free port. */
  readonly port: number;
  /** Only loopback is allowed; the default and the only accepted value is 127.0.0.1. */
  readonly host?: '127.0.0.1';
  readonly graph: MachineGraph;
  readonly stream: InspectionStream;
  readonly logger?: InspectorLogger;
  /** Laid out on first use when not given (ELK takes a moment). */
  readonly layout?: GraphLayout | Promise<GraphLayout>;
  /** Server-sent-events comment interval that keeps proxies and browsers from timing out. Default 15 s. */
  readonly heartbeatMs?: number;
}

export interface InspectorServer {
  /** "http://127.0.0.1:<port>/". */
  readonly url: string;
  readonly port: number;
  /** Ends the live streams (their clients see the end), then stops the server. */
  close(): Promise<void>;
}

export async function startInspector(options: InspectorServerOptions): Promise<InspectorServer> {
  const host = options.host ?? '127.0.0.1';
  if (host !== '127.0.0.1') {
    throw new Error(`Expected the inspector host to be 127.0.0.1 (it serves on loopback only), got ${JSON.stringify(host)}`);
  }
  if (!Number.isInteger(options.port) || options.port < 0 || options.port > 65535) {
    throw new Error(`Expected the inspector port to be an integer from 0 to 65535, got ${JSON.stringify(options.port)}`);
  }
  const { graph, stream } = options;
  const pageScript = await readPageScript('inspector');
  const stopLayout = new AbortController();
  let layout: Promise<GraphLayout> | null = options.layout ? Promise.resolve(options.layout) : null;
  const getLayout = (): Promise<GraphLayout> => (layout ??= layoutGraph(graph, { signal: stopLayout.signal }));
  const live = new Set<{ end(): void }>();
  let port = 0;

  const server = createServer((req, res) => {
    void handle(req, res).catch((err: unknown) => {
      options.logger?.warn({ err, url: req.url }, 'inspector: request failed');
      if (!res.headersSent) send(res, 500, 'text/plain; charset=utf-8', 'inspector error\n');
      else res.end();
    });
  });

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    if (!isLoopbackHost(req.headers.host, port)) {
      send(res, 403, 'text/plain; charset=utf-8', 'The inspector answers only to 127.0.0.1 and localhost.\n');
      return;
    }
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.setHeader('Allow', 'GET, HEAD');
      send(res, 405, 'text/plain; charset=utf-8', 'The inspector is read-only.\n');
      return;
    }
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    switch (url.pathname) {
      case '/':
      case '/index.html':
        send(res, 200, 'text/html; charset=utf-8', pageHtml({ title: `${graph.machineId} inspector` }));
        return;
      case '/app.js':
        send(res, 200, 'text/javascript; charset=utf-8', pageScript);
        return;
      case '/app.css':
        send(res, 200, 'text/css; charset=utf-8', pageStyle);
        return;
      case '/graph.json':
        send(res, 200, 'application/json', JSON.stringify({ graph, layout: await getLayout() }));
        return;
      case '/status.json':
        send(res, 200, 'application/json', JSON.stringify(stream.status()));
        return;
      case '/events':
        serveEvents(req, res);
        return;
      case '/events.jsonl':
        serveJsonLines(req, res, url.searchParams.get('follow') !== '0');
        return;
      case '/favicon.ico':
        res.writeHead(204).end();
        return;
      default:
        send(res, 404, 'text/plain; charset=utf-8', `Not found: ${url.pathname}\n`);
    }
  }

  /** True (and 503 sent) when every live place is taken: each stream holds a socket and a subscription. */
  function full(res: ServerResponse): boolean {
    if (live.size < MAX_LIVE_CLIENTS) return false;
    send(res, 503, 'text/plain; charset=utf-8', `At most ${MAX_LIVE_CLIENTS} live streams at once; close one and retry.\n`);
    return true;
  }

  function serveEvents(req: IncomingMessage, res: ServerResponse): void {
    if (req.method !== 'HEAD' && full(res)) return;
    res.writeHead(200, {
      ...securityHeaders,
      'Content-Type': 'text/event-stream; charset=utf-8',
      Connection: 'keep-alive',
    });
    if (req.method === 'HEAD') return void res.end();
    res.write(`retry: 1000\n\n`);
    res.write(sse('init', { status: stream.status(), history: stream.history() }));
    const unsubscribe = stream.subscribe((u: InspectionUpdate) => res.write(sse('transition', u, u.record.seq)));
    const heartbeat = setInterval(() => res.write(': keep-alive\n\n'), options.heartbeatMs ?? 15_000);
    heartbeat.unref();
    const entry = {
      end: () => {
        res.write(sse('end', { status: stream.status() }));
        res.end();
      },
    };
    live.add(entry);
    res.on('close', () => {
      clearInterval(heartbeat);
      unsubscribe();
      live.delete(entry);
    });
  }

  function serveJsonLines(req: IncomingMessage, res: ServerResponse, follow: boolean): void {
    if (follow && req.method !== 'HEAD' && full(res)) return;
    res.writeHead(200, { ...securityHeaders, 'Content-Type': 'application/jsonl; charset=utf-8' });
    if (req.method === 'HEAD') return void res.end();
    res.flushHeaders(); // a follower of an empty history sees the 200 at once
    for (const record of stream.history()) res.write(`${JSON.stringify(record)}\n`);
    if (!follow) return void res.end();
    const unsubscribe = stream.subscribe((u) => res.write(`${JSON.stringify(u.record)}\n`));
    const entry = { end: () => res.end() };
    live.add(entry);
    res.on('close', () => {
      unsubscribe();
      live.delete(entry);
    });
  }

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  port = (server.address() as AddressInfo).port;
  const url = `http://${host}:${port}/`;
  void getLayout().catch((err: unknown) => {
    if (!stopLayout.signal.aborted) options.logger?.warn({ err }, 'inspector: laying out the statechart failed');
  });

  let closing: Promise<void> | null = null;
  return {
    url,
    port,
    close: () =>
      (closing ??= new Promise<void>((resolve) => {
        stopLayout.abort();
        for (const entry of [...live]) entry.end();
        const force = setTimeout(() => server.closeAllConnections(), 1_000);
        force.unref();
        server.close(() => {
          clearTimeout(force);
          resolve();
        });
        server.closeIdleConnections();
      })),
  };
}

const securityHeaders = {
  'Cache-Control': 'no-store',
  'X-Content-Type-Options': 'nosniff',
  'Referrer-Policy': 'no-referrer',
  'Cross-Origin-Resource-Policy': 'same-origin',
} as const;

function send(res: ServerResponse, status: number, type: string, body: string): void {
  res.writeHead(status, {
    ...securityHeaders,
    'Content-Type': type,
    'Content-Length': Buffer.byteLength(body),
    ...(type.startsWith('text/html')
      ? { 'Content-Security-Policy': "default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self'; img-src 'self' data:; base-uri 'none'; form-action 'none'; frame-ancestors 'none'" }
      : {}),
  });
  res.end(res.req.method === 'HEAD' ? undefined : body);
}

function sse(event: string, data: unknown, id?: number): string {
  return `${id === undefined ? '' : `id: ${id}\n`}event: ${event}\ndata: ${JSON.stringify(data)}\n\n`;
}

function isLoopbackHost(hostHeader: string | undefined, port: number): boolean {
  if (hostHeader === undefined) return false;
  return [`127.0.0.1:${port}`, `localhost:${port}`].includes(hostHeader.toLowerCase());
}

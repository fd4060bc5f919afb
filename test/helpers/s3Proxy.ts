/**
 * An HTTP proxy in front of a test S3 server that records every request's method, URL and
 * headers, and can answer a request the way S3 does when it rejects it (e.g. 400 BadDigest,
 * which s3rver never sends because it verifies no checksum) or never answer at all (a dead
 * endpoint). Everything else is forwarded unchanged.
 *
 *   const proxy = await startS3Proxy(s3.endpoint);
 *   proxy.fault = (req) => (req.method === 'PUT' ? { status: 400, code: 'BadDigest' } : undefined);
 *   ... s3StoreWith({ endpoint: proxy.endpoint, ... }) ...
 *   await proxy.stop();
 */
import { type IncomingHttpHeaders, type IncomingMessage, createServer, request } from 'node:http';
import type { Socket } from 'node:net';

export interface RecordedRequest {
  readonly method: string;
  readonly url: string;
  readonly headers: IncomingHttpHeaders;
}

/**
 * - `'hang'`: read the request, never answer (a dead endpoint behind a live socket).
 * - `'reset'`: drop the connection at once (ECONNRESET on the client).
 * - `'stallBody'`: read about half of the request body, then stop reading and never answer
 *   (an upload stalled mid-body: only the client's own timeouts end it).
 * - `{ delayMs }`: forward, but only after this long (latency).
 * - `{ status, code }`: answer like S3 does when it refuses (503 SlowDown, 500 InternalError, 400 BadDigest...).
 */
export type ProxyFault =
  | 'hang'
  | 'reset'
  | 'stallBody'
  | { readonly delayMs: number }
  | { readonly status: number; readonly code: string; readonly message?: string };

export interface S3Proxy {
  readonly endpoint: string;
  readonly requests: RecordedRequest[];
  /** Decides per request: undefined forwards it. */
  fault: ((req: RecordedRequest) => ProxyFault | undefined) | undefined;
  stop(): Promise<void>;
}

export async function startS3Proxy(target: string): Promise<S3Proxy> {
  const upstream = new URL(target);
  const sockets = new Set<Socket>();
  const proxy: S3Proxy = {
    endpoint: '',
    requests: [],
    fault: undefined,
    stop: async () => {
      for (const s of sockets) s.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };

  const forward = (req: IncomingMessage, res: import('node:http').ServerResponse): void => {
    const out = request(
      { host: upstream.hostname, port: upstream.port, method: req.method, path: req.url, headers: req.headers },
      (answer) => {
        res.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(res);
      },
    );
    out.on('error', () => res.destroy());
    req.pipe(out);
  };

  const server = createServer((req, res) => {
    const recorded: RecordedRequest = { method: req.method ?? '', url: req.url ?? '', headers: req.headers };
    proxy.requests.push(recorded);
    const fault = proxy.fault?.(recorded);
    if (fault === undefined) return forward(req, res);
    if (fault === 'reset') {
      req.socket.destroy();
      return;
    }
    if (fault === 'stallBody') {
      const half = Math.floor(Number(req.headers['content-length'] ?? 0) / 2);
      let seen = 0;
      req.on('data', (chunk: Buffer) => {
        seen += chunk.length;
        if (seen >= half) req.pause();
      });
      return;
    }
    req.pause();
    if (typeof fault === 'object' && 'delayMs' in fault) {
      setTimeout(() => forward(req, res), fault.delayMs);
      return;
    }
    req.resume();
    if (fault === 'hang') return;
    req.on('end', () => {
      const body =
        `<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>${fault.code}</Code>` +
        `<Message>${fault.message ?? fault.code}</Message><RequestId>proxy</RequestId></Error>`;
      res.writeHead(fault.status, { 'content-type': 'application/xml', 'content-length': Buffer.byteLength(body) });
      res.end(body);
    });
  });
  server.on('connection', (s: Socket) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  if (address === null || typeof address === 'string') throw new Error('proxy has no TCP address');
  (proxy as { endpoint: string }).endpoint = `http://127.0.0.1:${address.port}`;
  return proxy;
}

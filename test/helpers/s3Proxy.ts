/**
 * An HTTP proxy in front of a test S3 server that records every request's method, URL and
 * headers, and can answer a request the way S3 does when it rejects it (e.g. 400 BadDigest,
 * which s3rver never sends because it verifies no checksum) or never answer at all (a dead
 * endpoint). Everything else is forwarded unchanged.
 *
 *   const proxy = await startS3Proxy(s3.endpoint);
 *   proxy.fault = (req) => (req.method === 'PUT' ? { status: 400, code: 'BadDigest' } : undefined);
 *   ... createS3Store({ endpoint: proxy.endpoint, ... }) ...
 *   await proxy.stop();
 */
import { type IncomingHttpHeaders, type IncomingMessage, createServer, request } from 'node:http';
import type { Socket } from 'node:net';

export interface RecordedRequest {
  readonly method: string;
  readonly url: string;
  readonly headers: IncomingHttpHeaders;
}

export type ProxyFault = 'hang' | { readonly status: number; readonly code: string; readonly message?: string };

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

/**
 * Small HTTP clients for the inspector tests: one request, a server-sent-events reader and a
 * JSON-lines reader, each with deadlines (never sleeps).
 */
import { get, request, type IncomingMessage } from 'node:http';

export interface Reply {
  readonly status: number;
  readonly headers: IncomingMessage['headers'];
  readonly body: string;
}

export function fetchText(url: string, options: { method?: string; headers?: Record<string, string> } = {}): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const req = request(url, { method: options.method ?? 'GET', headers: options.headers }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (d: string) => (body += d));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
    });
    req.on('error', reject);
    req.setTimeout(10_000, () => req.destroy(new Error(`no answer from ${url} within 10 s`)));
    req.end();
  });
}

export interface StreamReader<T> {
  readonly items: T[];
  readonly ended: boolean;
  /** Resolves with the first item (from the start) matching, or rejects after timeoutMs. */
  waitFor(predicate: (item: T) => boolean, timeoutMs: number, what: string): Promise<T>;
  waitForEnd(timeoutMs: number): Promise<void>;
  close(): void;
}

export interface SseEvent {
  readonly event: string;
  readonly id: string | null;
  readonly data: unknown;
}

export function readSse(url: string): Promise<StreamReader<SseEvent>> {
  return openStream(url, (buffer, push) => {
    let rest = buffer;
    let cut = rest.indexOf('\n\n');
    while (cut >= 0) {
      const block = rest.slice(0, cut);
      rest = rest.slice(cut + 2);
      let event = 'message';
      let id: string | null = null;
      const data: string[] = [];
      for (const line of block.split('\n')) {
        if (line.startsWith('event: ')) event = line.slice(7);
        else if (line.startsWith('id: ')) id = line.slice(4);
        else if (line.startsWith('data: ')) data.push(line.slice(6));
      }
      if (data.length > 0) push({ event, id, data: JSON.parse(data.join('\n')) });
      cut = rest.indexOf('\n\n');
    }
    return rest;
  });
}

export function readJsonLines(url: string): Promise<StreamReader<Record<string, unknown>>> {
  return openStream(url, (buffer, push) => {
    const lines = buffer.split('\n');
    const rest = lines.pop() ?? '';
    for (const line of lines) if (line.trim() !== '') push(JSON.parse(line) as Record<string, unknown>);
    return rest;
  });
}

function openStream<T>(url: string, parse: (buffer: string, push: (item: T) => void) => string): Promise<StreamReader<T>> {
  return new Promise((resolve, reject) => {
    const items: T[] = [];
    const waiters = new Set<() => void>();
    let ended = false;
    let buffer = '';
    const notify = (): void => waiters.forEach((w) => w());
    const req = get(url, (res) => {
      if (res.statusCode !== 200) {
        reject(new Error(`${url}: HTTP ${res.statusCode}`));
        res.resume();
        return;
      }
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => {
        buffer = parse(buffer + chunk, (item) => items.push(item));
        notify();
      });
      res.on('close', () => {
        ended = true;
        notify();
      });
      const until = (done: () => boolean, timeoutMs: number, what: string): Promise<void> =>
        new Promise((ok, fail) => {
          const check = (): void => {
            if (!done()) return;
            clearTimeout(timer);
            waiters.delete(check);
            ok();
          };
          const timer = setTimeout(() => {
            waiters.delete(check);
            fail(new Error(`${what} did not arrive within ${timeoutMs} ms; got ${JSON.stringify(items).slice(0, 2000)}`));
          }, timeoutMs);
          waiters.add(check);
          check();
        });
      resolve({
        items,
        get ended() {
          return ended;
        },
        waitFor: async (predicate, timeoutMs, what) => {
          await until(() => items.some(predicate), timeoutMs, what);
          return items.find(predicate) as T;
        },
        waitForEnd: (timeoutMs) => until(() => ended, timeoutMs, 'the end of the stream'),
        close: () => req.destroy(),
      });
    });
    req.on('error', (err) => {
      if (!ended) reject(err);
    });
  });
}

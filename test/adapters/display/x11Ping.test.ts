/**
 * The X11 ping's policy (src/adapters/display/x11Ping.ts) with an in-memory connection and a
 * counting fallback: one connection for many round trips, a loss is a rejection and a reopen at
 * the next round trip, xrandr only while no connection opens (with backoff between attempts),
 * the connection closed when the watchdog stops. The real connection is covered by
 * test/actors/displayWatchdog.test.ts.
 */
import { Writable } from 'node:stream';
import pino from 'pino';
import { createX11Ping, retryDelayMs } from '../../../src/adapters/display/x11Ping';
import type { X11RoundTrips } from '../../../src/adapters/display/x11Connection';

interface FakeServer {
  up: boolean;
  opens: number;
  closes: number;
  fallbacks: number;
  /** Makes the live connection's next round trips fail (the connection is gone). */
  cut(): void;
}

function setup(options: { up?: boolean } = {}) {
  const server: FakeServer = { up: options.up ?? true, opens: 0, closes: 0, fallbacks: 0, cut: () => undefined };
  let now = 1_000_000;
  const lines: { level: number; msg: string }[] = [];
  const logger = pino({ level: 'info' }, new Writable({ write: (chunk: Buffer, _e, done) => { lines.push(JSON.parse(chunk.toString()) as { level: number; msg: string }); done(); } }));
  const open = async (display: string): Promise<X11RoundTrips> => {
    server.opens += 1;
    if (!server.up) throw new Error(`cannot connect to X display ${display}: connect ENOENT`);
    let gone = false;
    server.cut = () => { gone = true; };
    return {
      roundTrip: async () => { if (gone) throw new Error(`X connection to ${display} was closed by the server`); },
      close: () => { gone = true; server.closes += 1; },
    };
  };
  const ping = createX11Ping({
    display: ':5', open, logger, clock: () => now, retryBaseMs: 1_000, retryMaxMs: 8_000,
    fallback: async () => { server.fallbacks += 1; },
  });
  return { server, ping, lines, advance: (ms: number) => { now += ms; } };
}

const flush = () => new Promise((resolve) => setImmediate(resolve));

test('many round trips over one connection, no fallback', async () => {
  const { server, ping, lines } = setup();
  const signal = new AbortController().signal;
  for (let i = 0; i < 5; i += 1) await ping(signal);
  expect(server).toMatchObject({ opens: 1, fallbacks: 0 });
  expect(lines.map((l) => l.msg)).toEqual(['display watchdog: round trips over one persistent X connection']);
});

test('a lost connection rejects the round trip in flight, and the next one opens a new connection', async () => {
  const { server, ping, lines } = setup();
  const signal = new AbortController().signal;
  await ping(signal);
  server.cut();
  await expect(ping(signal)).rejects.toThrow('was closed by the server');
  await ping(signal);
  expect(server).toMatchObject({ opens: 2, fallbacks: 0 });
  expect(lines.map((l) => [l.level, l.msg])).toEqual([
    [30, 'display watchdog: round trips over one persistent X connection'],
    [40, 'display watchdog: X connection lost; reopening it at the next round trip'],
    [30, 'display watchdog: X connection reopened'],
  ]);
});

test('no connection opens: xrandr meanwhile, attempts backing off, one line each way', async () => {
  const { server, ping, lines, advance } = setup({ up: false });
  const signal = new AbortController().signal;
  await ping(signal); // attempt 1 fails: fallback; next attempt in 1 s
  expect(server).toMatchObject({ opens: 1, fallbacks: 1 });
  advance(500);
  await ping(signal); // too early: fallback only
  expect(server).toMatchObject({ opens: 1, fallbacks: 2 });
  advance(500);
  await ping(signal); // attempt 2 fails: next in 2 s
  expect(server).toMatchObject({ opens: 2, fallbacks: 3 });
  advance(1_000);
  await ping(signal);
  expect(server).toMatchObject({ opens: 2, fallbacks: 4 });
  advance(1_000);
  server.up = true;
  await ping(signal); // attempt 3 opens: no fallback any more
  await ping(signal);
  expect(server).toMatchObject({ opens: 3, fallbacks: 4 });
  expect(lines.map((l) => [l.level, l.msg])).toEqual([
    [40, 'display watchdog: cannot open an X connection; falling back to one `xrandr --current` per round trip until it can'],
    [30, 'display watchdog: X connection open; round trips over it, xrandr no longer used'],
  ]);
});

test('the watchdog stopping (its signal aborted) closes the connection; a new watchdog opens a new one', async () => {
  const { server, ping } = setup();
  const first = new AbortController();
  await ping(first.signal);
  first.abort();
  await flush();
  expect(server.closes).toBe(1);
  await ping(new AbortController().signal);
  expect(server.opens).toBe(2);
});

test('retry delays double from the base up to the cap', () => {
  expect([1, 2, 3, 4, 5, 6, 40].map((n) => retryDelayMs(n, 1_000, 8_000))).toEqual([1_000, 2_000, 4_000, 8_000, 8_000, 8_000, 8_000]);
});

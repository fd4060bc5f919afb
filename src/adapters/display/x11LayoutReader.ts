/**
 * The X11 layout read as requests over one persistent X connection: GetGeometry of the root
 * (what `xrandr --current` prints as "current W x H") and RRGetMonitors (what `xrandr
 * --listmonitors` prints). It replaces the two `xrandr` processes of every safety-net poll
 * (every 5 s: most of Node's idle CPU was spawning them, BENCHMARKS.md issue 16 fourth round).
 * Like the watchdog's connection it creates no resource on the server, so XKillClient cannot
 * address it. A lost connection rejects the read in flight; the next read opens a new one.
 */
import * as x11 from 'x11';
import type { DisplayLayout, Monitor } from '../../domain/displayLayout';
import { getMonitorsRequest, parseGetMonitorsReply, type RandrMonitor } from './randrMonitors';

export interface X11LayoutReader {
  /**
   * The current layout; rejects when the connection cannot be opened or is lost, or with
   * LayoutReadTimeout when the server did not answer within `timeoutMs` (the connection is
   * dropped then: a late reply must not answer a later read).
   */
  read(timeoutMs: number): Promise<DisplayLayout>;
  close(): void;
}

/** What the `x11` package exposes for a request of our own (as its extension modules do it). */
interface RawClient {
  seq_num: number;
  readonly pack_stream: { put(b: Buffer): void; submit(expectsReply?: boolean): void };
  readonly replies: Record<number, [(buf: Buffer, opt: number) => unknown, (err: Error | null, value: unknown) => void]>;
}

interface Connection {
  readonly X: x11.XClient;
  readonly root: number;
  randrOpcode: number;
  lost: string | null;
  readonly pending: Set<(cause: Error) => void>;
}

export class LayoutReadTimeout extends Error {}

const messageOf = (e: unknown): string => (e instanceof Error ? e.message : String(e));

export function createX11LayoutReader(display: string): X11LayoutReader {
  let connection: Promise<Connection> | null = null;
  const atomNames = new Map<number, string>();

  const open = (): Promise<Connection> =>
    new Promise<Connection>((resolve, reject) => {
      const client = x11.createClient({ display }, (err, d) => {
        if (err) {
          reject(new Error(`cannot connect to X display ${display}: ${messageOf(err)}`));
          return;
        }
        const X = d.client;
        const c: Connection = { X, root: d.screen[0]!.root, randrOpcode: 0, lost: null, pending: new Set() };
        const lose = (cause: string): void => {
          if (c.lost !== null) return;
          c.lost = cause;
          for (const fail of c.pending) fail(new Error(cause));
          c.pending.clear();
        };
        X.removeAllListeners('error');
        X.on('error', (e: Error & { error?: number }) => {
          if (typeof e.error !== 'number') lose(`X connection to ${display} failed: ${messageOf(e)}`);
        });
        X.on('end', () => lose(`X connection to ${display} was closed by the server`));
        X.require('randr', (rerr, randr) => {
          if (rerr || !randr) {
            X.terminate();
            reject(new Error(`X display ${display} has no RandR extension: ${messageOf(rerr)}`));
            return;
          }
          c.randrOpcode = randr.majorOpcode;
          resolve(c);
        });
      });
      client.on('error', () => undefined); // until set up: the callback reports it
    });

  /** One request on `c`, rejected if the connection goes away before its reply. */
  const ask = <T>(c: Connection, send: (cb: (err: Error | null, value: T) => void) => void): Promise<T> =>
    new Promise<T>((resolve, reject) => {
      if (c.lost !== null) {
        reject(new Error(c.lost));
        return;
      }
      const fail = (cause: Error): void => reject(cause);
      c.pending.add(fail);
      send((err, value) => {
        c.pending.delete(fail);
        if (err) reject(new Error(`X request to ${display} failed: ${messageOf(err)}`));
        else resolve(value);
      });
    });

  const monitors = (c: Connection): Promise<RandrMonitor[]> =>
    ask<RandrMonitor[]>(c, (cb) => {
      const raw = c.X as unknown as RawClient;
      raw.seq_num += 1;
      raw.pack_stream.put(getMonitorsRequest(c.randrOpcode, c.root));
      raw.replies[raw.seq_num] = [(buf) => parseGetMonitorsReply(buf), cb as (err: Error | null, value: unknown) => void];
      raw.pack_stream.submit(true);
    });

  const nameOf = async (c: Connection, atom: number): Promise<string> => {
    const known = atomNames.get(atom);
    if (known !== undefined) return known;
    const name = await ask<string>(c, (cb) => c.X.GetAtomName(atom, cb));
    atomNames.set(atom, name);
    return name;
  };

  const drop = (): void => {
    const current = connection;
    connection = null;
    void current?.then((c) => c.X.terminate(), () => undefined);
  };

  return {
    async read(timeoutMs: number): Promise<DisplayLayout> {
      let timer: NodeJS.Timeout | undefined;
      const timeout = new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new LayoutReadTimeout(`X display ${display} did not answer a layout read within ${timeoutMs} ms`)), timeoutMs);
      });
      try {
        return await Promise.race([readOnce(), timeout]);
      } catch (error) {
        drop();
        throw error;
      } finally {
        clearTimeout(timer);
      }
    },
    close: drop,
  };

  async function readOnce(): Promise<DisplayLayout> {
    connection ??= open();
    const c = await connection;
    if (c.lost !== null) throw new Error(c.lost);
    const [geometry, found] = await Promise.all([ask<{ width: number; height: number }>(c, (cb) => c.X.GetGeometry(c.root, cb)), monitors(c)]);
    const list: Monitor[] = [];
    for (const m of found) list.push({ name: await nameOf(c, m.nameAtom), primary: m.primary, x: m.x, y: m.y, width: m.width, height: m.height });
    return { x: 0, y: 0, width: geometry.width, height: geometry.height, monitors: list };
  }
}

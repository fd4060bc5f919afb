/**
 * The X11 layout read as requests over one persistent X connection: GetGeometry of the root
 * (what `xrandr --current` prints as "current W x H") and RRGetMonitors (what `xrandr
 * --listmonitors` prints). It replaces the two `xrandr` processes of every safety-net poll
 * (every 5 s: most of Node's idle CPU was spawning them, BENCHMARKS.md issue 16 fourth round).
 * Like the watchdog's connection it creates no resource on the server, so XKillClient cannot
 * address it. A lost connection rejects the read in flight; the next read opens a new one.
 */
import type { DisplayLayout, Monitor } from '../../domain/displayLayout';
import { getMonitorsRequest, parseGetMonitorsReply, type RandrMonitor } from './randrMonitors';
import { messageOf, openX11Requests, type X11Requests } from './x11Requests';

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
  readonly requests: X11Requests;
  readonly randrOpcode: number;
}

export class LayoutReadTimeout extends Error {}

export function createX11LayoutReader(display: string): X11LayoutReader {
  let connection: Promise<Connection> | null = null;
  const atomNames = new Map<number, string>();

  const open = async (): Promise<Connection> => {
    const requests = await openX11Requests(display);
    try {
      const randr = await new Promise<{ majorOpcode: number }>((resolve, reject) =>
        requests.X.require('randr', (err, ext) => (err || !ext ? reject(new Error(`X display ${display} has no RandR extension: ${messageOf(err)}`)) : resolve(ext))));
      return { requests, randrOpcode: randr.majorOpcode };
    } catch (error) {
      requests.close(messageOf(error));
      throw error;
    }
  };

  /** One request on `c`, rejected if the connection goes away before its reply. */
  const ask = <T>(c: Connection, send: (cb: (err: Error | null, value: T) => void) => void): Promise<T> => c.requests.ask('X request', send);

  const monitors = (c: Connection): Promise<RandrMonitor[]> =>
    ask<RandrMonitor[]>(c, (cb) => {
      const raw = c.requests.X as unknown as RawClient;
      raw.seq_num += 1;
      raw.pack_stream.put(getMonitorsRequest(c.randrOpcode, c.requests.root));
      raw.replies[raw.seq_num] = [(buf) => parseGetMonitorsReply(buf), cb as (err: Error | null, value: unknown) => void];
      raw.pack_stream.submit(true);
    });

  const nameOf = async (c: Connection, atom: number): Promise<string> => {
    const known = atomNames.get(atom);
    if (known !== undefined) return known;
    const name = await ask<string>(c, (cb) => c.requests.X.GetAtomName(atom, cb));
    atomNames.set(atom, name);
    return name;
  };

  const drop = (): void => {
    const current = connection;
    connection = null;
    void current?.then((c) => c.requests.close(`X connection to ${display} closed by the recorder`), () => undefined);
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
    const lost = c.requests.lost();
    if (lost !== null) throw new Error(lost);
    const [geometry, found] = await Promise.all([ask<{ width: number; height: number }>(c, (cb) => c.requests.X.GetGeometry(c.requests.root, cb)), monitors(c)]);
    const list: Monitor[] = [];
    for (const m of found) list.push({ name: await nameOf(c, m.nameAtom), primary: m.primary, x: m.x, y: m.y, width: m.width, height: m.height });
    return { x: 0, y: 0, width: geometry.width, height: geometry.height, monitors: list };
  }
}

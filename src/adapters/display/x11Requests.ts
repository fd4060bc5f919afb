/**
 * One persistent X connection for requests with replies, and what its users need around it: the
 * `x11` package never calls a pending reply's callback when the connection goes away, so a loss
 * (the server ends the stream, or the stream fails) rejects every request in flight here, and
 * every later one at once. The watchdog's ping and the layout reader each hold one.
 */
import * as x11 from 'x11';

export interface X11Requests {
  readonly X: x11.XClient;
  /** The first screen's root window. */
  readonly root: number;
  /** Why the connection is gone, or null while it serves. */
  readonly lost: () => string | null;
  /** One request; rejects when its reply is an error (`<what> to <display> failed: …`) or the connection is or goes away. */
  ask<T>(what: string, send: (reply: (err: Error | null, value: T) => void) => void): Promise<T>;
  /** Ends the connection; requests in flight reject with `why`. */
  close(why: string): void;
}

export const messageOf = (e: unknown): string => (e instanceof Error ? e.message : String(e));

/** Opens the connection; resolves once the server finished the connection setup (a grabbed server delays that too). */
export function openX11Requests(display: string): Promise<X11Requests> {
  return new Promise<X11Requests>((resolve, reject) => {
    const client = x11.createClient({ display }, (err, d) => {
      if (err) {
        reject(new Error(`cannot connect to X display ${display}: ${messageOf(err)}`));
        return;
      }
      resolve(requests(display, d.client, (d.screen[0] as { root: number }).root));
    });
    client.on('error', () => undefined); // until set up: the callback reports it
  });
}

function requests(display: string, X: x11.XClient, root: number): X11Requests {
  let lost: string | null = null;
  const pending = new Set<(cause: Error) => void>();
  const lose = (cause: string): void => {
    if (lost !== null) return;
    lost = cause;
    for (const fail of pending) fail(new Error(cause));
    pending.clear();
  };
  X.removeAllListeners('error');
  // A numeric `error` is an X protocol error (the reply of one request); anything else on the
  // stream means the connection is gone.
  X.on('error', (e: Error & { error?: number }) => {
    if (typeof e.error !== 'number') lose(`X connection to ${display} failed: ${messageOf(e)}`);
  });
  X.on('end', () => lose(`X connection to ${display} was closed by the server (the X server stopped or reset, or another client cut it)`));
  return {
    X,
    root,
    lost: () => lost,
    ask: <T>(what: string, send: (reply: (err: Error | null, value: T) => void) => void) =>
      new Promise<T>((resolve, reject) => {
        if (lost !== null) {
          reject(new Error(lost));
          return;
        }
        const fail = (cause: Error): void => reject(cause);
        pending.add(fail);
        send((err, value) => {
          pending.delete(fail);
          if (err) reject(new Error(`${what} to ${display} failed: ${messageOf(err)}`));
          else resolve(value);
        });
      }),
    close: (why: string) => {
      lose(why);
      try {
        X.terminate();
      } catch {
        // already gone
      }
    },
  };
}

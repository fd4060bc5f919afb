/**
 * One persistent X connection that does nothing but round trips (GetInputFocus, the protocol's
 * traditional cheapest request with a reply): the display watchdog's ping without a process start.
 * It creates no resource on the server, so XKillClient (which cuts a client through one of its
 * resources) cannot address it. The `x11` package never calls a pending reply's callback when
 * the connection goes away: a loss rejects every pending round trip here.
 */
import * as x11 from 'x11';

export interface X11RoundTrips {
  /** Resolves when the server answered; rejects when the connection is (or goes) away. */
  roundTrip(): Promise<void>;
  close(): void;
}

function messageOf(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}

/** Opens the connection; resolves once the server finished the connection setup (a grabbed server delays that too). */
export function openX11RoundTrips(display: string): Promise<X11RoundTrips> {
  return new Promise<X11RoundTrips>((resolve, reject) => {
    const client = x11.createClient({ display }, (err, d) => {
      if (err) {
        reject(new Error(`cannot connect to X display ${display}: ${messageOf(err)}`));
        return;
      }
      resolve(roundTrips(display, d.client));
    });
    client.on('error', () => undefined); // until set up: the callback reports it
  });
}

function roundTrips(display: string, X: x11.XClient): X11RoundTrips {
  let lost: string | null = null;
  const pending = new Set<(cause: Error) => void>();
  const lose = (cause: string): void => {
    if (lost !== null) return;
    lost = cause;
    for (const fail of pending) fail(new Error(cause));
    pending.clear();
  };
  X.removeAllListeners('error');
  // A numeric `error` is an X protocol error (none expected from GetInputFocus); anything else
  // on the stream means the connection is gone.
  X.on('error', (e: Error & { error?: number }) => {
    if (typeof e.error !== 'number') lose(`X connection to ${display} failed: ${messageOf(e)}`);
  });
  X.on('end', () => lose(`X connection to ${display} was closed by the server (the X server stopped or reset, or another client cut it)`));
  return {
    roundTrip: () =>
      new Promise<void>((resolve, reject) => {
        if (lost !== null) {
          reject(new Error(lost));
          return;
        }
        const fail = (cause: Error): void => reject(cause);
        pending.add(fail);
        X.GetInputFocus((err) => {
          pending.delete(fail);
          if (err) reject(new Error(`X round trip to ${display} failed: ${messageOf(err)}`));
          else resolve();
        });
      }),
    close: () => {
      lose(`X connection to ${display} closed by the recorder`);
      try {
        X.terminate();
      } catch {
        // already gone
      }
    },
  };
}

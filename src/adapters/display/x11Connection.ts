/**
 * One persistent X connection that does nothing but round trips (GetInputFocus, the protocol's
 * traditional cheapest request with a reply): the display watchdog's ping without a process start.
 * It creates no resource on the server, so XKillClient (which cuts a client through one of its
 * resources) cannot address it. A lost connection rejects every pending round trip (x11Requests).
 */
import { openX11Requests } from './x11Requests';

export interface X11RoundTrips {
  /** Resolves when the server answered; rejects when the connection is (or goes) away. */
  roundTrip(): Promise<void>;
  close(): void;
}

/** Opens the connection; resolves once the server finished the connection setup (a grabbed server delays that too). */
export async function openX11RoundTrips(display: string): Promise<X11RoundTrips> {
  const connection = await openX11Requests(display);
  return {
    roundTrip: () => connection.ask<unknown>('X round trip', (reply) => connection.X.GetInputFocus(reply)).then(() => undefined),
    close: () => connection.close(`X connection to ${display} closed by the recorder`),
  };
}

/**
 * Moves the X pointer (WarpPointer over one `x11` package connection). Keep the connection open
 * for the test: an X server with no client left resets itself (Xvfb without -noreset), which puts
 * the pointer back at the screen's centre and the root background back to its default (measured:
 * a warp followed by no client was undone within a second; so was `xdotool mousemove`).
 */
import * as x11 from 'x11';

export interface X11Pointer {
  warp(x: number, y: number): Promise<void>;
  close(): void;
}

interface Client {
  WarpPointer: (...a: number[]) => void;
  GetInputFocus: (cb: (e: unknown) => void) => void;
  terminate: () => void;
}

export function openX11Pointer(display: string): Promise<X11Pointer> {
  return new Promise<X11Pointer>((resolve, reject) => {
    const client = x11.createClient({ display }, (err, d) => {
      if (err) return reject(err);
      const X = d.client as unknown as Client;
      const root = (d.screen[0] as { root: number }).root;
      resolve({
        warp: (x, y) => new Promise<void>((done) => {
          X.WarpPointer(0, root, 0, 0, 0, 0, x, y);
          X.GetInputFocus(() => done()); // a round trip: the warp was processed
        }),
        close: () => X.terminate(),
      });
    });
    client.on('error', () => undefined);
  });
}

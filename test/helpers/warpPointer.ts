/**
 * Moves the X pointer (WarpPointer over the `x11` package): `xdotool mousemove` does not move it on
 * this machine's Xvfb (measured: the pointer stays at the screen's centre).
 */
import * as x11 from 'x11';

export function warpPointer(display: string, x: number, y: number): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    const client = x11.createClient({ display }, (err, d) => {
      if (err) return reject(err);
      const X = d.client as unknown as {
        WarpPointer: (...a: number[]) => void; GetInputFocus: (cb: (e: unknown) => void) => void; terminate: () => void;
      };
      const root = (d.screen[0] as { root: number }).root;
      X.WarpPointer(0, root, 0, 0, 0, 0, x, y);
      X.GetInputFocus(() => {
        X.terminate();
        resolve();
      });
    });
    client.on('error', () => undefined);
  });
}

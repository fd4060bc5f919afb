/** One physical monitor inside the virtual screen, in virtual-screen pixels. */
export interface Monitor {
  readonly name: string;
  readonly x: number;
  readonly y: number;
  readonly width: number;
  readonly height: number;
  readonly primary: boolean;
}

/**
 * What the capture must cover: the bounding box of every monitor (the whole virtual screen).
 * `x`/`y` are non-zero on Windows when a monitor sits left of or above the primary one.
 */
export interface DisplayLayout {
  readonly x: number;
  readonly y: number;
  readonly width: number;
  readonly height: number;
  readonly monitors: readonly Monitor[];
  /**
   * true when the capture is put together from one input per monitor (macOS: one AVFoundation
   * screen device each), so a new monitor arrangement needs a new capture even inside the same
   * area. Absent where one grab covers the whole area (X11 root window, Windows virtual screen).
   */
  readonly composedFromMonitors?: boolean;
}

/** Two layouts need different captures when the covered area or the monitor set differs. */
export function sameLayout(a: DisplayLayout, b: DisplayLayout): boolean {
  if (a.x !== b.x || a.y !== b.y || a.width !== b.width || a.height !== b.height) return false;
  if (a.monitors.length !== b.monitors.length) return false;
  return a.monitors.every((m, i) => {
    const o = b.monitors[i];
    return o !== undefined && m.x === o.x && m.y === o.y && m.width === o.width && m.height === o.height;
  });
}

/**
 * Whether a capture started for `running` still records everything of `next`. One grab of the
 * whole area (x11grab of the root window, gdigrab of the virtual screen) does not care how the
 * area is split into monitors: `xrandr --setmonitor` inside the same root needs no restart, and a
 * restart would only cost a gap (~0.7 s). A capture composed per monitor does care.
 */
export function sameCapture(running: DisplayLayout, next: DisplayLayout): boolean {
  const sameArea = running.x === next.x && running.y === next.y && running.width === next.width && running.height === next.height;
  if (!sameArea) return false;
  return !(running.composedFromMonitors || next.composedFromMonitors) || sameLayout(running, next);
}

export function describeLayout(layout: DisplayLayout): string {
  return `${layout.width}x${layout.height}+${layout.x}+${layout.y} (${layout.monitors.length} monitor${layout.monitors.length === 1 ? '' : 's'})`;
}

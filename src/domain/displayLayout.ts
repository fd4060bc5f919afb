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

export function describeLayout(layout: DisplayLayout): string {
  return `${layout.width}x${layout.height}+${layout.x}+${layout.y} (${layout.monitors.length} monitor${layout.monitors.length === 1 ? '' : 's'})`;
}

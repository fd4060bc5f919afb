import type { DisplayLayout, Monitor } from '../../domain/displayLayout';

/** `Screen 0: minimum 32 x 32, current 1920 x 1080, maximum 32768 x 32768` → the root window size. */
export function parseScreenSize(xrandrQuery: string): { width: number; height: number } {
  const match = /current (\d+) x (\d+)/.exec(xrandrQuery);
  if (!match) throw new Error(`xrandr --query printed no "current W x H" line: ${JSON.stringify(xrandrQuery.slice(0, 200))}`);
  return { width: Number(match[1]), height: Number(match[2]) };
}

/**
 * `xrandr --listmonitors`:
 * ```
 * Monitors: 2
 *  0: L 1920/500x1080/280+0+0  VNC-0
 *  1: +*R 1920/500x1080/280+1920+0
 * ```
 * `+` marks an automatic monitor, `*` the primary one.
 */
export function parseMonitors(listMonitors: string): Monitor[] {
  const monitors: Monitor[] = [];
  for (const line of listMonitors.split('\n')) {
    const match = /^\s*\d+:\s+(\+?)(\*?)(\S+)\s+(\d+)\/\d+x(\d+)\/\d+([+-]\d+)([+-]\d+)/.exec(line);
    if (!match) continue;
    monitors.push({
      name: match[3]!,
      primary: match[2] === '*',
      width: Number(match[4]),
      height: Number(match[5]),
      x: Number(match[6]),
      y: Number(match[7]),
    });
  }
  return monitors;
}

/**
 * The capture covers the root window, which on X11 is the whole virtual screen whatever the
 * monitors are: x11grab reads the root, so the layout is the root size plus the monitor list.
 */
export function parseX11Layout(xrandrQuery: string, listMonitors: string): DisplayLayout {
  const { width, height } = parseScreenSize(xrandrQuery);
  return { x: 0, y: 0, width, height, monitors: parseMonitors(listMonitors) };
}

/** `xev -root -event randr` prints one block per notification; any screen or output change counts. */
export function isRandrNotification(xevLine: string): boolean {
  return /^(RRScreenChangeNotify|RRNotify) event/.test(xevLine);
}

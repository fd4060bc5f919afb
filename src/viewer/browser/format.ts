/** How the viewer writes times and sizes. Pure. */

function two(n: number): string {
  return (n < 10 ? '0' : '') + n;
}

/** "1:02:03" or "2:03" for a number of seconds. */
export function clockText(seconds: number): string {
  const s = Math.max(0, Math.floor(seconds));
  const hh = Math.floor(s / 3600);
  const mm = Math.floor((s % 3600) / 60);
  const ss = s % 60;
  return hh > 0 ? `${hh}:${two(mm)}:${two(ss)}` : `${mm}:${two(ss)}`;
}

/** "2026-12-01 14:03:07" from ISO 8601 UTC; "-" when unknown. */
export function utc(iso: string | null | undefined): string {
  return iso ? `${iso.slice(0, 10)} ${iso.slice(11, 19)}` : '-';
}

/** The ISO time `offsetSeconds` after `startIso`. */
export function wallAt(startIso: string, offsetSeconds: number): string {
  return new Date(Date.parse(startIso) + offsetSeconds * 1000).toISOString();
}

/** "512 B", "1.5 MiB", "42 GiB": as `list` writes sizes. */
export { formatBytes as bytesText } from '../../auditor/listFormat';

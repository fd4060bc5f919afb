/** How the inspector page writes times, sizes, durations, phases and event names. Pure. */

function pad(n: number, width = 2): string {
  return String(n).padStart(width, '0');
}

/** "14:03:07.412", local time. */
export function clock(t: number): string {
  const d = new Date(t);
  return `${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}.${pad(d.getMilliseconds(), 3)}`;
}

/** "512 B", "2.0 kB", "140 MB"; "–" when unknown. */
export function bytes(n: number | null | undefined): string {
  if (n === null || n === undefined) return '–';
  if (n < 1024) return `${n} B`;
  const units = ['kB', 'MB', 'GB', 'TB'];
  let v = n / 1024;
  let i = 0;
  while (v >= 1024 && i < units.length - 1) {
    v /= 1024;
    i++;
  }
  return `${v >= 100 ? v.toFixed(0) : v.toFixed(1)} ${units[i]}`;
}

/** "1.5 s", "42 s", "3 min 07 s", "2 h 05 min"; "–" when unknown or negative. */
export function duration(ms: number | null | undefined): string {
  if (ms === null || ms === undefined || !Number.isFinite(ms) || ms < 0) return '–';
  let s = Math.floor(ms / 1000);
  if (s < 60) return `${(ms / 1000).toFixed(ms < 10000 ? 1 : 0)} s`;
  const m = Math.floor(s / 60);
  s = s % 60;
  if (m < 60) return `${m} min ${pad(s)} s`;
  return `${Math.floor(m / 60)} h ${pad(m % 60)} min`;
}

/** The colour phase of a state: its top-level state ("draining" for "draining.flushing"), or error/waiting. */
export function phaseOf(stateText: string | null | undefined, status: string): string {
  if (status === 'error') return 'error';
  if (!stateText) return 'waiting';
  return stateText.split('.')[0] ?? 'waiting';
}

/** "after stopTimeout" for XState's delay events, "start" for its init event. */
export function prettyEvent(type: string): string {
  const m = /^xstate\.after\.([^.]+)\./.exec(type);
  if (m) return `after ${m[1]}`;
  if (type === 'xstate.init') return 'start';
  return type;
}

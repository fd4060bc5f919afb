/** `list` output: an aligned table for people, JSON for scripts. Pure. */
import type { SessionSummary } from './sessionSummary';

/** Untrusted text (user names come from the streaming user) made safe for a terminal. */
export function printable(value: string, max = 40): string {
  const clean = value.replace(/[\p{Cc}\p{Cf}\u2028\u2029]/gu, '?');
  return clean.length > max ? `${clean.slice(0, max - 1)}…` : clean;
}

export function formatDuration(seconds: number): string {
  const s = Math.round(seconds);
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  const sec = s % 60;
  const two = (n: number): string => String(n).padStart(2, '0');
  return h > 0 ? `${h}:${two(m)}:${two(sec)}` : `${m}:${two(sec)}`;
}

export function formatBytes(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  const units = ['KiB', 'MiB', 'GiB', 'TiB'];
  let value = bytes / 1024;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit++;
  }
  return `${value.toFixed(value < 10 ? 1 : 0)} ${units[unit]}`;
}

/** `2026-11-24 09:30:12Z`: short, sortable, unambiguous. */
export function formatStart(iso: string | undefined): string {
  return iso === undefined ? '-' : `${iso.slice(0, 10)} ${iso.slice(11, 19)}Z`;
}

const HEADERS = ['STACK', 'FLEET', 'USER', 'SESSION', 'START (UTC)', 'DURATION', 'SEGMENTS', 'SIZE', 'COVERAGE', 'COMPLETE', 'VERIFIED'] as const;
const RIGHT = new Set<number>([5, 6, 7, 8]);

/** `95.8 %`, `!` when it fails verify's limits, `-` when unknown (an older recorder). */
export function formatCoverage(s: Pick<SessionSummary, 'coverage' | 'coverageProblems'>): string {
  if (s.coverage === null) return '-';
  return `${s.coverageProblems.length > 0 ? '!' : ''}${(Math.floor(s.coverage * 1000) / 10).toFixed(1)} %`;
}

export function formatTable(sessions: readonly SessionSummary[]): string {
  const rows = sessions.map((s) => [
    printable(s.stack, 24),
    printable(s.fleet, 24),
    printable(s.user || '-', 32),
    printable(s.sessionId, 40),
    formatStart(s.start),
    formatDuration(s.durationSeconds),
    String(s.segments),
    formatBytes(s.bytes),
    formatCoverage(s),
    s.complete ? 'yes' : 'no',
    s.verified ? 'yes' : 'NO',
  ]);
  const widths = HEADERS.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: readonly string[]): string =>
    cells.map((c, i) => (RIGHT.has(i) ? c.padStart(widths[i] ?? 0) : c.padEnd(widths[i] ?? 0))).join('  ').trimEnd();
  return [line(HEADERS), ...rows.map(line)].join('\n') + '\n';
}

/** JSON lines would be easier to stream, but one array is easier to read and to `jq`. */
export function formatJson(sessions: readonly SessionSummary[]): string {
  return `${JSON.stringify(sessions, null, 2)}\n`;
}

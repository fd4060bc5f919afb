/** `search` output for people: an aligned table (session, time, offset, source, text), and the progress line's text. Pure. */
import { formatDuration, formatStart, printable } from '../auditor/listFormat';
import type { SearchMatch, SearchProgress } from './searchTypes';

const HEADERS = ['SESSION', 'TIME (UTC)', 'OFFSET', 'SOURCE', 'TEXT'] as const;

export function formatMatchTable(matches: readonly SearchMatch[]): string {
  const rows = matches.map((m) => [printable(m.session, 60), formatStart(m.at), formatDuration(m.offsetSeconds), m.source, printable(m.text, 100)]);
  const widths = HEADERS.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] as string).length)));
  const line = (cells: readonly string[]): string =>
    cells.map((c, i) => (i === 2 ? c.padStart(widths[i] as number) : i === cells.length - 1 ? c : c.padEnd(widths[i] as number))).join('  ');
  return [line(HEADERS), ...rows.map(line)].join('\n') + '\n';
}

/** `searching: 3/10 sessions, 41/120 segments (12 read by OCR)`. */
export function progressText(p: SearchProgress): string {
  return `searching: ${p.sessionsDone}/${p.sessionsTotal} sessions, ${p.segmentsDone}/${p.segmentsTotal} segments`;
}

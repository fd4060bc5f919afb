import type { ByteRange } from '../domain/objectStore';

/** Parses an HTTP `Range` header for one range (the only form players send); undefined: serve it all. */
export function parseRangeHeader(header: string | undefined, totalBytes: number): ByteRange | 'unsatisfiable' | undefined {
  if (header === undefined) return undefined;
  const m = /^bytes=(\d*)-(\d*)$/.exec(header.trim());
  if (!m) return undefined;
  const [, from = '', to = ''] = m;
  if (from === '' && to === '') return undefined;
  if (from === '') {
    const suffix = Number(to);
    if (suffix === 0) return 'unsatisfiable';
    return { start: Math.max(0, totalBytes - suffix), end: totalBytes - 1 };
  }
  const start = Number(from);
  if (start >= totalBytes) return 'unsatisfiable';
  const end = to === '' ? totalBytes - 1 : Math.min(Number(to), totalBytes - 1);
  if (end < start) return 'unsatisfiable';
  return { start, end };
}

/** `--since` / `--until`: an ISO 8601 time, or a UTC date (`2026-11-24` is that day's 00:00 UTC). */
import { ConfigError } from '../domain/errors';

export interface TimeWindow {
  /** Epoch ms; sessions that end before it are left out. */
  readonly since?: number;
  /** Epoch ms; sessions that start at or after it are left out. */
  readonly until?: number;
}

export function parseTime(flag: string, value: string): number {
  const text = /^\d{4}-\d{2}-\d{2}$/.test(value) ? `${value}T00:00:00Z` : value;
  const ms = /^\d{4}-\d{2}-\d{2}T/.test(text) ? Date.parse(text) : NaN;
  if (Number.isNaN(ms)) throw new ConfigError(`${flag}: expected a date like 2026-11-24 (UTC) or an ISO 8601 time like 2026-11-24T09:30:00Z, got ${JSON.stringify(value)}`);
  return ms;
}

/** A session overlaps the window when it starts before `until` and ends at or after `since`. */
export function overlaps(window: TimeWindow, startMs: number, endMs: number): boolean {
  if (window.until !== undefined && startMs >= window.until) return false;
  if (window.since !== undefined && endMs < window.since) return false;
  return true;
}

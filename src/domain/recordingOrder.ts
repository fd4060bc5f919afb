/**
 * A session's segments in the order they were recorded. The manifest lists them in the order they
 * became durable, which is not always that: segments a killed recorder left in the spool are
 * uploaded by the next one while it records, after its own first segments. Whatever shows or
 * joins video follows the clock (start time; within one capture run, index), and a segment that
 * continues another then comes right after it. Pure.
 */
import type { ManifestEntry } from './manifest';

export function inRecordingOrder<E extends Pick<ManifestEntry, 'start' | 'runId' | 'index'>>(entries: readonly E[]): E[] {
  return [...entries].sort((a, b) => Date.parse(a.start) - Date.parse(b.start) || (a.runId === b.runId ? a.index - b.index : 0));
}

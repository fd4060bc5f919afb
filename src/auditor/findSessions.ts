/**
 * Finds sessions by walking the key layout one level at a time (`stack/`, `fleet/`, `session/`)
 * with delimiter listings, going straight to the sanitized component when --stack or --fleet is
 * given, then summarizes each session with a bound on requests in flight. Thousands of sessions
 * cost one listing per stack and fleet plus about four small requests per session.
 */
import { sanitizeComponent } from '../domain/sanitize';
import { mapLimit } from './pool';
import type { ReadOnlyStore } from '../domain/objectStore';
import { createByteBudget } from './byteBudget';
import { MAX_JSON_BYTES, summarizeSession, unreadableSession, type SessionSummary, type SummaryFilter } from './sessionSummary';

export interface SessionQuery extends SummaryFilter {
  /** Raw names, sanitized exactly as the recorder does to find their key component. */
  readonly stack?: string;
  readonly fleet?: string;
}

export interface FindOptions {
  /** Requests in flight at once. Default 16. */
  readonly concurrency?: number;
  /** Called as sessions are summarized: (done, total). */
  readonly onProgress?: (done: number, total: number) => void;
}

async function childLevels(store: ReadOnlyStore, parents: readonly string[], wanted: string | undefined, concurrency: number): Promise<string[]> {
  if (wanted !== undefined) return parents.map((p) => `${p}${sanitizeComponent(wanted)}/`);
  const levels = await mapLimit(parents, concurrency, async (p) => (await store.listLevel(p)).prefixes);
  return levels.flat();
}

/** The session prefixes the layout holds for this query (stack and fleet only). */
export async function findSessionPrefixes(store: ReadOnlyStore, query: Pick<SessionQuery, 'stack' | 'fleet'>, concurrency = 16): Promise<string[]> {
  const stacks = await childLevels(store, [''], query.stack, concurrency);
  const fleets = await childLevels(store, stacks, query.fleet, concurrency);
  return childLevels(store, fleets, undefined, concurrency);
}

/** Every matching session, oldest first. */
export async function findSessions(store: ReadOnlyStore, query: SessionQuery, options: FindOptions = {}): Promise<SessionSummary[]> {
  const concurrency = options.concurrency ?? 16;
  const prefixes = await findSessionPrefixes(store, query, concurrency);
  let done = 0;
  const budget = createByteBudget(MAX_JSON_BYTES);
  const summaries = await mapLimit(prefixes, concurrency, async (prefix) => {
    // One session that cannot be read is that session's problem: the others are still listed.
    const summary = await summarizeSession(store, prefix, query, { budget }).catch((e: unknown) => unreadableSession(prefix, (e as Error).message));
    options.onProgress?.(++done, prefixes.length);
    return summary;
  });
  return summaries
    .filter((s): s is SessionSummary => s !== undefined)
    .sort((a, b) => (a.start ?? '').localeCompare(b.start ?? '') || a.prefix.localeCompare(b.prefix));
}

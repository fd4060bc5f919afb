/**
 * What the viewer server knows about the destination: the session list (read once, then on
 * "refresh") and each opened session's manifest and timeline (kept for a short while, re-read
 * when a session is opened again, since an open session's manifest grows).
 */
import { findSessions, type SessionQuery } from '../auditor/findSessions';
import type { ReadOnlyStore } from '../domain/objectStore';
import { levelProblem } from '../domain/objectStore';
import { inspectSession, type SessionSummary } from '../auditor/sessionSummary';
import type { ManifestEntry } from '../domain/manifest';
import { nameInSession } from '../domain/objectNames';
import { buildTimeline, type Timeline } from './timeline';

export interface SessionView {
  readonly summary: SessionSummary;
  readonly timeline: Timeline;
  /** The metadata object as stored (untrusted text: the page shows it with textContent only). */
  readonly metadata: Readonly<Record<string, unknown>>;
}

export interface SessionCatalog {
  list(query: SessionQuery, refresh: boolean): Promise<readonly SessionSummary[]>;
  /** Reads the session again (manifest, end.json, metadata) and builds its timeline. */
  open(prefix: string): Promise<SessionView | undefined>;
  /** The manifest entry behind segment `index` of an opened session (opening it when needed). */
  entry(prefix: string, index: number): Promise<ManifestEntry | undefined>;
}

const LIST_TTL_MS = 60_000;
const KEEP_SESSIONS = 20;

/** A session prefix from the page: exactly three non-empty components, each a plain name. */
export function validSessionPrefix(prefix: string): boolean {
  return levelProblem(prefix) === undefined && prefix.split('/').length === 4 && !prefix.includes('\\');
}

export function createSessionCatalog(store: ReadOnlyStore, options: { concurrency?: number } = {}): SessionCatalog {
  let listCache: { at: number; key: string; sessions: Promise<SessionSummary[]> } | undefined;
  const manifests = new Map<string, readonly ManifestEntry[]>();

  async function open(prefix: string): Promise<SessionView | undefined> {
    if (!validSessionPrefix(prefix)) return undefined;
    const inspected = await inspectSession(store, prefix);
    if (inspected === undefined) return undefined;
    const entries = inspected.check.manifest?.entries ?? [];
    manifests.delete(prefix);
    manifests.set(prefix, entries);
    while (manifests.size > KEEP_SESSIONS) manifests.delete(manifests.keys().next().value as string);
    return { summary: inspected.summary, timeline: buildTimeline(entries), metadata: inspected.metadata };
  }

  return {
    list(query, refresh) {
      const key = JSON.stringify(query);
      if (refresh || listCache === undefined || listCache.key !== key || Date.now() - listCache.at > LIST_TTL_MS) {
        const sessions = findSessions(store, query, options.concurrency !== undefined ? { concurrency: options.concurrency } : {});
        listCache = { at: Date.now(), key, sessions };
        sessions.catch(() => (listCache = undefined));
      }
      return listCache.sessions;
    },
    open,
    async entry(prefix, index) {
      if (!manifests.has(prefix)) await open(prefix);
      const entry = manifests.get(prefix)?.[index];
      // A manifest is untrusted: serve only the session's own objects, never one it merely names.
      return entry !== undefined && nameInSession(entry.key, prefix) !== undefined ? entry : undefined;
    },
  };
}

/**
 * What the viewer server knows about the destination: the session list (read once, then on
 * "refresh") and each opened session's manifest and timeline (kept for a short while, re-read
 * when a session is opened again, since an open session's manifest grows).
 */
import { inRecordingOrder } from '../domain/recordingOrder';
import { findSessions, type SessionQuery } from '../auditor/findSessions';
import type { ReadOnlyStore } from '../domain/objectStore';
import { levelProblem } from '../domain/objectStore';
import { inspectSession, type SessionSummary } from '../auditor/sessionSummary';
import type { ManifestEntry } from '../domain/manifest';
import { nameInSession } from '../domain/objectNames';
import { buildTimeline, type Timeline } from './timeline';
import { liveness, summaryHasEnd, type Liveness } from './liveness';

export interface SessionView {
  readonly summary: SessionSummary;
  readonly timeline: Timeline;
  /** The metadata object as stored (untrusted text: the page shows it with textContent only). */
  readonly metadata: Readonly<Record<string, unknown>>;
  /** Still being recorded (no end.json yet), as judged when it was read (see liveness.ts). */
  readonly live: Liveness;
}

/** An opened session as last read: its view and the manifest entries behind it. */
export interface OpenedSession {
  readonly view: SessionView;
  readonly entries: readonly ManifestEntry[];
}

export interface SessionCatalog {
  list(query: SessionQuery, refresh: boolean): Promise<readonly SessionSummary[]>;
  /** Reads the session again (manifest, end.json, metadata) and builds its timeline. */
  open(prefix: string): Promise<SessionView | undefined>;
  /** The manifest entry behind segment `index` of an opened session (opening it when needed). */
  entry(prefix: string, index: number): Promise<ManifestEntry | undefined>;
  /** The session as last opened (opening it when it was not). */
  opened(prefix: string): Promise<OpenedSession | undefined>;
}

const LIST_TTL_MS = 60_000;
const KEEP_SESSIONS = 20;

/** A session prefix from the page: exactly three non-empty components, each a plain name. */
export function validSessionPrefix(prefix: string): boolean {
  return levelProblem(prefix) === undefined && prefix.split('/').length === 4 && !prefix.includes('\\');
}

export function createSessionCatalog(store: ReadOnlyStore, options: { concurrency?: number } = {}): SessionCatalog {
  let listCache: { at: number; key: string; sessions: Promise<SessionSummary[]> } | undefined;
  const manifests = new Map<string, OpenedSession>();

  async function open(prefix: string): Promise<SessionView | undefined> {
    if (!validSessionPrefix(prefix)) return undefined;
    const inspected = await inspectSession(store, prefix);
    if (inspected === undefined) return undefined;
    // Recording order: the timeline, /media?i= and the chains all index this one list.
    const entries = inRecordingOrder(inspected.check.manifest?.entries ?? []);
    const { summary } = inspected;
    const live = liveness({
      hasEnd: summaryHasEnd(summary),
      lastSegmentEnd: entries[entries.length - 1]?.end,
      start: summary.start,
      segmentSeconds: entries.reduce((m, e) => Math.max(m, e.durationSeconds), 0),
      nowMs: Date.now(),
    });
    const view: SessionView = { summary, timeline: buildTimeline(entries), metadata: inspected.metadata, live };
    manifests.delete(prefix);
    manifests.set(prefix, { view, entries });
    while (manifests.size > KEEP_SESSIONS) manifests.delete(manifests.keys().next().value as string);
    return view;
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
      const entry = manifests.get(prefix)?.entries[index];
      // A manifest is untrusted: serve only the session's own objects, never one it merely names.
      return entry !== undefined && nameInSession(entry.key, prefix) !== undefined ? entry : undefined;
    },
    async opened(prefix) {
      if (!manifests.has(prefix)) await open(prefix);
      return manifests.get(prefix);
    },
  };
}

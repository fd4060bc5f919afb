/**
 * The search engine behind `search` and the viewer's search box. For each session the query's
 * filters leave in (found and read like `list`: auditor/findSessions.ts, auditor/sessionSummary.ts,
 * which bound the manifest reads), it looks in
 * - the activity track (window titles): sessionActivity.ts, windowMatches.ts;
 * - the video (screen text): each segment's OCR text from the cache, or read now (ocrSegment.ts)
 *   and cached; screenMatches.ts.
 * Matches are sorted by session, then time. What could not be searched (an altered object, a
 * segment that would not decode) is reported in `problems`, never silently skipped.
 */
import { availableParallelism, tmpdir } from 'node:os';
import { findSessionPrefixes } from '../auditor/findSessions';
import { mapLimit } from '../auditor/pool';
import { createByteBudget } from '../auditor/byteBudget';
import { inspectSession, MAX_JSON_BYTES } from '../auditor/sessionSummary';
import type { ManifestEntry } from '../domain/manifest';
import { nameInSession } from '../domain/objectNames';
import type { ReadOnlyStore } from '../domain/objectStore';
import { ToolMissingError } from '../adapters/tesseract';
import type { OcrCache } from './ocrCache';
import { ocrCacheKey, ocrChain } from './ocrChain';
import { BrokenChainError, ocrSegment, type OcrTools } from './ocrSegment';
import { screenMatches, type OcrFrame } from './screenMatches';
import type { SearchMatch, SearchProgress, SearchRequest } from './searchTypes';
import { readSessionActivity } from './sessionActivity';
import { textQuery, type TextQuery } from './textQuery';
import { SegmentMismatchError } from './verifiedDownload';
import { windowMatches, type TimedText } from './windowMatches';

export interface OcrSetup {
  readonly cache: OcrCache;
  readonly tools: Omit<OcrTools, 'tempDir'> & { readonly tempDir?: string };
  /** Segments read by OCR at once. Default: the machine's cores. */
  readonly concurrency?: number;
  /** Checks the OCR tools once, before the first segment that is not cached; throws ToolMissingError. */
  readonly check: () => Promise<void>;
}

export interface SearchOptions {
  readonly store: ReadOnlyStore;
  readonly request: SearchRequest;
  /** Absent: window titles only (`--no-ocr`), and the screen source is not searched. */
  readonly ocr?: OcrSetup;
  /** Sessions read at once. Default 8. */
  readonly concurrency?: number;
  readonly onProgress?: (progress: SearchProgress) => void;
}

export interface SearchProblem {
  /** The session, as in SearchMatch. */
  readonly session: string;
  /** integrity: an object did not match the manifest (not trusted); unsearched: could not be read or decoded. */
  readonly kind: 'integrity' | 'unsearched';
  readonly message: string;
}

export interface SearchOutcome {
  readonly matches: SearchMatch[];
  readonly problems: SearchProblem[];
  readonly sessions: number;
  /** Segments whose text came from the cache / was read now. */
  readonly segmentsCached: number;
  readonly segmentsRead: number;
}

interface FoundSession {
  readonly prefix: string;
  readonly startMs: number;
  readonly entries: readonly ManifestEntry[];
}

/** Sorted by session, then time, then source and text (stable output for scripts). */
export function sortMatches(matches: SearchMatch[]): SearchMatch[] {
  return matches.sort((a, b) => (a.session < b.session ? -1 : a.session > b.session ? 1 : 0) || Date.parse(a.at) - Date.parse(b.at) || a.source.localeCompare(b.source) || a.text.localeCompare(b.text));
}

function toMatch(session: FoundSession, source: SearchMatch['source'], found: TimedText): SearchMatch {
  return {
    session: session.prefix,
    at: new Date(found.atMs).toISOString(),
    offsetSeconds: Math.round(found.atMs - session.startMs) / 1000,
    source,
    text: found.text,
  };
}

async function findSearchable(options: SearchOptions, problems: SearchProblem[]): Promise<FoundSession[]> {
  const { store, request } = options;
  const concurrency = options.concurrency ?? 8;
  const prefixes = await findSessionPrefixes(store, request, concurrency);
  const budget = createByteBudget(MAX_JSON_BYTES);
  const found = await mapLimit(prefixes, concurrency, async (prefix) => {
    const inspected = await inspectSession(store, prefix, request, { budget }).catch((e: unknown) => {
      problems.push({ session: prefix, kind: 'unsearched', message: `the session could not be read: ${(e as Error).message}` });
      return undefined;
    });
    if (inspected === undefined) return undefined;
    const entries = inspected.check.manifest?.entries ?? [];
    const startedAt = typeof inspected.metadata.startedAt === 'string' ? Date.parse(inspected.metadata.startedAt) : NaN;
    const startMs = Number.isNaN(startedAt) ? Date.parse(inspected.summary.start ?? entries[0]?.start ?? '') : startedAt;
    return { prefix, startMs: Number.isNaN(startMs) ? 0 : startMs, entries };
  });
  return found.filter((s): s is FoundSession => s !== undefined);
}

export async function searchSessions(options: SearchOptions): Promise<SearchOutcome> {
  const query: TextQuery = textQuery(options.request.text);
  const sources = options.request.sources ?? ['window', 'screen'];
  const matches: SearchMatch[] = [];
  const problems: SearchProblem[] = [];
  const sessions = await findSearchable(options, problems);

  if (sources.includes('window')) {
    await mapLimit(sessions, options.concurrency ?? 8, async (session) => {
      const read = await readSessionActivity(options.store, session.prefix, session.entries);
      for (const message of read.problems) problems.push({ session: session.prefix, kind: /altered|not inside/.test(message) ? 'integrity' : 'unsearched', message });
      for (const found of windowMatches(read.objects, query)) matches.push(toMatch(session, 'window', found));
    });
  }

  let segmentsCached = 0;
  let segmentsRead = 0;
  if (sources.includes('screen') && options.ocr !== undefined) {
    const screen = await searchScreens(options, options.ocr, sessions, query, problems);
    matches.push(...screen.matches);
    segmentsCached = screen.cached;
    segmentsRead = screen.read;
  }
  return { matches: sortMatches(matches), problems, sessions: sessions.length, segmentsCached, segmentsRead };
}

interface SegmentJob {
  readonly session: FoundSession;
  readonly entry: ManifestEntry;
  /** What OCR decodes to read it: keyframe-led first, `entry` last (ocrChain.ts); null when it cannot be decoded (reported). */
  readonly links: readonly ManifestEntry[] | null;
}

async function searchScreens(options: SearchOptions, ocr: OcrSetup, sessions: readonly FoundSession[], query: TextQuery, problems: SearchProblem[]) {
  const jobs: SegmentJob[] = [];
  for (const session of sessions) {
    for (const entry of session.entries) {
      if (entry.noFrames === true || entry.bytes === 0) continue;
      if (nameInSession(entry.key, session.prefix) === undefined) {
        problems.push({ session: session.prefix, kind: 'integrity', message: `manifest entry ${entry.index} names ${JSON.stringify(entry.key)}, outside the session: not read` });
        continue;
      }
      const chain = ocrChain(session.entries, entry, (e) => nameInSession(e.key, session.prefix) !== undefined);
      if (!chain.ok) {
        // Not read (its picture cannot be decoded), but kept as a job: like a segment that failed, it ends a run of frames below.
        problems.push({ session: session.prefix, kind: chain.kind, message: `${entry.key}: its text could not be read: ${chain.problem}` });
      }
      jobs.push({ session, entry, links: chain.ok ? chain.links : null });
    }
  }
  const progress = { sessionsDone: 0, sessionsTotal: sessions.length, segmentsDone: 0, segmentsTotal: jobs.length };
  const report = (): void => options.onProgress?.({ ...progress });
  const remaining = new Map(sessions.map((s) => [s.prefix, 0]));
  for (const job of jobs) remaining.set(job.session.prefix, (remaining.get(job.session.prefix) ?? 0) + 1);
  progress.sessionsDone = [...remaining.values()].filter((n) => n === 0).length;
  report();

  const frames = new Map<SegmentJob, readonly OcrFrame[] | null>();
  let cached = 0;
  let read = 0;
  let checked: Promise<void> | undefined;
  const tools: OcrTools = { ...ocr.tools, tempDir: ocr.tools.tempDir ?? tmpdir() };
  await mapLimit(jobs, ocr.concurrency ?? availableParallelism(), async (job) => {
    const { entry, session, links } = job;
    const startMs = Date.parse(entry.start);
    const key = links === null ? undefined : ocrCacheKey(links);
    let text = key === undefined ? undefined : (await ocr.cache.get(key))?.frames;
    if (text !== undefined) cached++;
    else if (links !== null && key !== undefined) {
      checked ??= ocr.check();
      await checked; // a missing tesseract ends the whole search (ToolMissingError)
      try {
        text = await ocrSegment(options.store, links, tools);
        read++;
        await ocr.cache.put(key, text).catch((e: unknown) => {
          problems.push({ session: session.prefix, kind: 'unsearched', message: `the OCR cache could not be written at ${ocr.cache.dir}: ${(e as Error).message} (the search goes on without it)` });
        });
      } catch (e) {
        if (e instanceof ToolMissingError) throw e;
        const kind = e instanceof SegmentMismatchError || (e instanceof BrokenChainError && e.altered) ? 'integrity' : 'unsearched';
        problems.push({ session: session.prefix, kind, message: `${entry.key}: ${kind === 'integrity' ? 'not trusted, not read' : 'its text could not be read'}: ${(e as Error).message}` });
      }
    }
    frames.set(job, text === undefined ? null : text.map((f) => ({ atMs: startMs + f.t * 1000, lines: f.lines })));
    progress.segmentsDone++;
    const left = (remaining.get(session.prefix) ?? 1) - 1;
    remaining.set(session.prefix, left);
    if (left === 0) progress.sessionsDone++;
    report();
  });

  const matches: SearchMatch[] = [];
  for (const session of sessions) {
    const runs: OcrFrame[][] = [[]];
    const ordered = jobs.filter((j) => j.session === session).sort((a, b) => Date.parse(a.entry.start) - Date.parse(b.entry.start));
    for (const job of ordered) {
      const f = frames.get(job);
      if (f === null || f === undefined) runs.push([]);
      else (runs[runs.length - 1] as OcrFrame[]).push(...f);
    }
    for (const found of screenMatches(runs, query)) matches.push(toMatch(session, 'screen', found));
  }
  return { matches, cached, read };
}

/**
 * What `search` finds and how it is asked: the contract between the search engine
 * (src/search/searchSessions.ts), the `search` command and the viewer's search box.
 */
import type { SessionQuery } from '../auditor/findSessions';

/** One moment that matched: printed as is by `search --json` (one JSON array of these). */
export interface SearchMatch {
  /**
   * The session's key prefix relative to the destination (`<stack>/<fleet>/<session>/`), as `list`
   * prints it: the destination URL followed by it is the session's URL for `verify` and `export`.
   */
  readonly session: string;
  /** ISO 8601 UTC: when the matching title or text was on screen. */
  readonly at: string;
  /** Seconds from the session's start in its metadata (startedAt) to `at`. */
  readonly offsetSeconds: number;
  /** 'window': a window title in the activity track; 'screen': text read from the video (OCR). */
  readonly source: 'window' | 'screen';
  /** The matching title or line, whole. */
  readonly text: string;
}

export interface SearchRequest extends SessionQuery {
  /** Case-insensitive substring (after Unicode NFC). */
  readonly text: string;
  /** Which sources to look in (default both). */
  readonly sources?: readonly SearchMatch['source'][];
}

export interface SearchProgress {
  readonly sessionsDone: number;
  readonly sessionsTotal: number;
  /** Segments read by OCR so far / to read (cached ones count as done). */
  readonly segmentsDone: number;
  readonly segmentsTotal: number;
}

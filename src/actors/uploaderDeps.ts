/** What the uploader is given: its store, where the session lives, and its timing knobs. */
import type { Logger } from 'pino';
import type { ActivityCutterDeps } from './activityCutter';
import type { ChunkLimits } from '../domain/manifestChunks';
import type { WriteOnlyStore } from '../domain/objectStore';
import type { SessionMetadata } from '../domain/sessionMetadata';
import type { Clock, RetryPolicy } from './retryTiming';

export type UploaderClock = Clock;

export interface UploaderDeps {
  readonly store: WriteOnlyStore;
  /** `<prefix-inside-destination><stack>/<fleet>/<session>/`, already sanitized. */
  readonly sessionPrefix: string;
  /** This session's spool directory: manifest.json (and `<start>-metadata.json`, end.json until uploaded) live here. */
  readonly spoolDir: string;
  readonly metadata: SessionMetadata;
  readonly logger: Logger;
  readonly retry?: Partial<RetryPolicy>;
  /** Source of jitter, [0, 1). Default Math.random. */
  readonly random?: () => number;
  readonly clock?: UploaderClock;
  /** While uploads keep failing, at most one warning line per this many ms. Default 30 s. */
  readonly warnIntervalMs?: number;
  /** Each finalize step (pending metadata, manifest.json, end.json) gets at most this long, retries included. Default 5 s. */
  readonly finalizeStepTimeoutMs?: number;
  /** How long finalize waits for an aborted upload to unwind before going on. Default 2 s. */
  readonly abortGraceMs?: number;
  /** Segment container extension. Default: objectNames' SEGMENT_EXTENSION. */
  readonly segmentExtension?: string;
  /** The activity track's journal: each segment's activity object is cut from it and named in its entry. Absent: no track. */
  readonly activity?: ActivityCutterDeps;
  /** When the manifest's open chunk is sealed. Default CHUNK_LIMITS (32 entries or 16 KiB); tests make chunks small. */
  readonly manifestChunkLimits?: ChunkLimits;
}

/**
 * Downloads a session's segments to local files, hashing each as it streams and comparing the
 * SHA-256 and size with the manifest entry: a segment that is not what was recorded is never
 * joined into an export (it stops the export, or with `--force` it is left out: keepGoing).
 */
import { createHash } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { mapLimit } from '../auditor/pool';
import type { ReadOnlyStore } from '../domain/objectStore';
import type { ManifestEntry } from '../domain/manifest';

export class IntegrityError extends Error {
  override readonly name = 'IntegrityError';
}

export interface DownloadProgress {
  readonly segmentsDone: number;
  readonly segments: number;
  readonly bytesDone: number;
  readonly bytes: number;
}

export interface DownloadOptions {
  readonly store: ReadOnlyStore;
  readonly entries: readonly ManifestEntry[];
  /** Files are written here as seg-000000.mp4, ... in the order of `entries`. */
  readonly dir: string;
  /** Downloads in flight. Default 4. */
  readonly concurrency?: number;
  /**
   * Default false: the first segment that is not what was recorded stops the others and rejects.
   * true (`export --force`): it is reported in `altered` and the others are still downloaded.
   */
  readonly keepGoing?: boolean;
  readonly onProgress?: (progress: DownloadProgress) => void;
  readonly signal?: AbortSignal;
}

export interface Downloaded {
  /** The local paths in the order of `entries`; undefined for a segment in `altered`. */
  readonly files: readonly (string | undefined)[];
  /** Segments that are not what was recorded (keepGoing only), with why. */
  readonly altered: ReadonlyMap<ManifestEntry, string>;
}

/**
 * Rejects with IntegrityError on the first mismatch (without keepGoing), or with the store's
 * error. Every download has stopped before it settles (the caller removes `dir` next).
 */
export async function downloadSegments(options: DownloadOptions): Promise<Downloaded> {
  const { store, entries, dir } = options;
  const total = entries.reduce((s, e) => s + e.bytes, 0);
  let bytesDone = 0;
  let segmentsDone = 0;
  const report = (): void => options.onProgress?.({ segmentsDone, segments: entries.length, bytesDone, bytes: total });
  report();
  // The first failure stops the downloads still in flight and starts no other.
  const stop = new AbortController();
  const signal = options.signal ? AbortSignal.any([options.signal, stop.signal]) : stop.signal;
  let failure: { error: unknown } | undefined;
  const altered = new Map<ManifestEntry, string>();
  const files = await mapLimit(entries, options.concurrency ?? 4, async (entry, i): Promise<string | undefined> => {
    if (signal.aborted) return undefined;
    const path = join(dir, `seg-${String(i).padStart(6, '0')}.mp4`);
    try {
      const sha = createHash('sha256');
      let size = 0;
      const opened = await store.open(entry.key);
      const hashing = new Transform({
        transform(chunk: Buffer, _encoding, callback) {
          sha.update(chunk);
          size += chunk.length;
          bytesDone += chunk.length;
          report();
          callback(null, chunk);
        },
      });
      await pipeline(opened.body, hashing, createWriteStream(path), { signal });
      const digest = sha.digest('hex');
      if (size !== entry.bytes || digest !== entry.sha256) {
        const mismatch = `got ${size} bytes with SHA-256 ${digest}, the manifest says ${entry.bytes} bytes with SHA-256 ${entry.sha256}`;
        if (!options.keepGoing) throw new IntegrityError(`Segment ${entry.key} is not what was recorded: ${mismatch}`);
        altered.set(entry, `it is not what was recorded: ${mismatch}`);
        await rm(path, { force: true });
        return undefined;
      }
      segmentsDone++;
      report();
      return path;
    } catch (e) {
      failure ??= { error: e };
      stop.abort();
      return undefined;
    }
  });
  if (failure !== undefined) throw options.signal?.aborted ? options.signal.reason : failure.error;
  return { files, altered };
}

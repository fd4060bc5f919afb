/**
 * Downloads a session's segments to local files, hashing each as it streams and comparing the
 * SHA-256 and size with the manifest entry: a segment that is not what was recorded is never
 * joined into an export.
 */
import { createHash } from 'node:crypto';
import { createWriteStream } from 'node:fs';
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
  /** Files are written here as seg-000000.mp4, ... in manifest order. */
  readonly dir: string;
  /** Downloads in flight. Default 4. */
  readonly concurrency?: number;
  readonly onProgress?: (progress: DownloadProgress) => void;
  readonly signal?: AbortSignal;
}

/** The local paths, in manifest order. Rejects with IntegrityError on the first mismatch. */
export async function downloadSegments(options: DownloadOptions): Promise<string[]> {
  const { store, entries, dir } = options;
  const total = entries.reduce((s, e) => s + e.bytes, 0);
  let bytesDone = 0;
  let segmentsDone = 0;
  const report = (): void => options.onProgress?.({ segmentsDone, segments: entries.length, bytesDone, bytes: total });
  report();
  return mapLimit(entries, options.concurrency ?? 4, async (entry, i) => {
    const path = join(dir, `seg-${String(i).padStart(6, '0')}.mp4`);
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
    await pipeline(opened.body, hashing, createWriteStream(path), options.signal ? { signal: options.signal } : {});
    const digest = sha.digest('hex');
    if (size !== entry.bytes || digest !== entry.sha256) {
      throw new IntegrityError(
        `Segment ${entry.key} is not what was recorded: got ${size} bytes with SHA-256 ${digest}, the manifest says ${entry.bytes} bytes with SHA-256 ${entry.sha256}`,
      );
    }
    segmentsDone++;
    report();
    return path;
  });
}

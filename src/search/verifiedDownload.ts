/**
 * Downloads one segment to a local file and checks it against its manifest entry before anything
 * reads it: at most `entry.bytes + 1` bytes are requested (a longer object is caught without
 * reading the rest), and the SHA-256 and size must match. Only verified bytes reach OCR.
 */
import { createHash } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { ReadOnlyStore } from '../domain/objectStore';
import type { ManifestEntry } from '../domain/manifest';

export class SegmentMismatchError extends Error {
  override readonly name = 'SegmentMismatchError';
}

export async function downloadVerified(store: ReadOnlyStore, entry: Pick<ManifestEntry, 'key' | 'bytes' | 'sha256'>, path: string): Promise<void> {
  const opened = await store.open(entry.key, { start: 0, end: entry.bytes });
  const sha = createHash('sha256');
  let size = 0;
  const hashing = new Transform({
    transform(chunk: Buffer, _encoding, callback) {
      size += chunk.length;
      if (size > entry.bytes) return callback(new SegmentMismatchError(`${entry.key} holds more than the ${entry.bytes} bytes the manifest recorded: it was altered`));
      sha.update(chunk);
      callback(null, chunk);
    },
  });
  await pipeline(opened.body, hashing, createWriteStream(path, { mode: 0o600 }));
  const digest = sha.digest('hex');
  if (size !== entry.bytes || digest !== entry.sha256) {
    throw new SegmentMismatchError(
      `${entry.key} is not what was recorded: ${size} bytes with SHA-256 ${digest.slice(0, 12)}…, the manifest says ${entry.bytes} bytes with ${entry.sha256.slice(0, 12)}…`,
    );
  }
}

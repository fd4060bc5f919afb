/** What finalize leaves in the spool of the segments it did not finish: counted, or deleted when durable after all. */
import { rm, stat } from 'node:fs/promises';
import { hashFile } from '../adapters/checksums';
import { findEntry } from '../domain/manifest';
import type { ClosedSegment } from '../domain/segment';
import type { ManifestBook } from './manifestBook';

/**
 * Counts the queued segments still in the spool, then the kept (conflicting) ones. A queued one
 * whose put had already succeeded when finalize aborted it (it is in the uploaded manifest with
 * the same SHA-256) is deleted instead.
 */
export async function segmentsLeftInSpool(queue: readonly ClosedSegment[], kept: readonly ClosedSegment[], book: ManifestBook): Promise<number> {
  let left = 0;
  for (const segment of queue) {
    const sums = await hashFile(segment.path).catch(() => undefined);
    if (sums === undefined) continue; // gone: nothing left of it here
    const entry = findEntry(book.manifest, segment.runId, segment.index);
    if (book.manifestUploaded && entry?.sha256 === sums.sha256Hex) {
      await rm(segment.path, { force: true }).catch(() => undefined);
      continue;
    }
    left += 1;
  }
  for (const segment of kept) {
    if (await stat(segment.path).then(() => true, () => false)) left += 1;
  }
  return left;
}

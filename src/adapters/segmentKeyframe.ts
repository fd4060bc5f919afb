/** How a segment file in the spool starts, read from its first bytes. */
import { open } from 'node:fs/promises';
import { firstSampleIsSync } from '../domain/fmp4FirstSample';

/**
 * The recorder's fMP4 segments hold ftyp, moov and the first moof (a trun of a few KB for a
 * minute at 5 fps) before any media: their first 1 MiB always holds the answer.
 */
const HEAD_BYTES = 1024 * 1024;

/**
 * `keyframe`: its first frame is a keyframe (it decodes alone); `continues`: it is not (it decodes
 * only after the segment before it); `unknown`: the bytes hold no frame the boxes tell of (a header
 * only, a file cut short, not fMP4), or the file could not be read: ffprobe decides whether it has
 * a frame (segmentWatcher), and such a file is never said to continue another (that would make
 * readers fetch segments it does not need).
 */
export type SegmentStart = 'keyframe' | 'continues' | 'unknown';

export async function segmentStart(path: string): Promise<SegmentStart> {
  try {
    const handle = await open(path, 'r');
    try {
      const head = Buffer.alloc(HEAD_BYTES);
      const { bytesRead } = await handle.read(head, 0, HEAD_BYTES, 0);
      const sync = firstSampleIsSync(head.subarray(0, bytesRead));
      return sync === null ? 'unknown' : sync ? 'keyframe' : 'continues';
    } finally {
      await handle.close();
    }
  } catch {
    return 'unknown';
  }
}

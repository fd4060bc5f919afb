/** Whether a segment file in the spool starts with a keyframe, read from its first bytes. */
import { open } from 'node:fs/promises';
import { firstSampleIsSync } from '../domain/fmp4FirstSample';

/**
 * The recorder's fMP4 segments hold ftyp, moov and the first moof (a trun of a few KB for a
 * minute at 5 fps) before any media: their first 1 MiB always holds the answer.
 */
const HEAD_BYTES = 1024 * 1024;

/**
 * true when the segment's first frame is not a keyframe (it decodes only after the segment before
 * it); false when it is, or when the file does not tell (no frame, not fMP4): such a file decodes
 * alone or not at all, and claiming a dependency it does not have would make readers fetch more.
 */
export async function segmentContinuesPrevious(path: string): Promise<boolean> {
  const handle = await open(path, 'r');
  try {
    const head = Buffer.alloc(HEAD_BYTES);
    const { bytesRead } = await handle.read(head, 0, HEAD_BYTES, 0);
    return firstSampleIsSync(head.subarray(0, bytesRead)) === false;
  } finally {
    await handle.close();
  }
}

/**
 * A segment is joined only if it is an MP4 file: its first box is `ftyp` (the recorder's
 * fragmented MP4 always starts with one). Checked on the downloaded file before FFmpeg sees it,
 * since FFmpeg guessing the format would open a "segment" holding an HLS playlist as HLS, and a
 * playlist can name any file or URL FFmpeg can read.
 */
import { open } from 'node:fs/promises';

/** True when the file's first box is `ftyp` (bytes 4 to 7 of the file). */
export async function startsWithFtyp(path: string): Promise<boolean> {
  const handle = await open(path, 'r');
  try {
    const head = Buffer.alloc(8);
    const { bytesRead } = await handle.read(head, 0, 8, 0);
    return bytesRead === 8 && head.toString('latin1', 4, 8) === 'ftyp';
  } finally {
    await handle.close();
  }
}

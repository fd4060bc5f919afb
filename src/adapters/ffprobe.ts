/** What ffprobe says about a segment file in the spool (run through the one FFmpeg runner). */
import { runToEnd } from './ffmpegProcess';

/** Video packets ffprobe can read from the file (0: nothing decodable), or null if it cannot tell. */
export async function countVideoPackets(ffprobePath: string, path: string, timeoutMs = 10_000): Promise<number | null> {
  const packets = await videoPacketsOrNoStream(ffprobePath, path, timeoutMs);
  return packets === 'no-stream' ? 0 : packets;
}

/**
 * Video packets in the file; `no-stream` when ffprobe finds no readable video stream at all (the
 * header cut short, or not a media file), told apart from a header without a packet (0); null if
 * it cannot tell (timeout, unparseable answer).
 */
export async function videoPacketsOrNoStream(ffprobePath: string, path: string, timeoutMs = 10_000): Promise<number | 'no-stream' | null> {
  const run = await runToEnd(
    ffprobePath,
    ['-v', 'error', '-select_streams', 'v:0', '-count_packets', '-show_entries', 'stream=nb_read_packets', '-of', 'csv=p=0', path],
    { timeoutMs, tool: 'ffprobe' },
  );
  // One line per program that carries the stream (an MPEG-TS prints it once more, after a blank).
  const lines = run.stdout.split('\n').map((l) => l.trim()).filter((l) => l !== '');
  // "N/A": a header without a single packet (measured on an fMP4 init segment and on a TS cut
  // after its tables); nothing printed: no readable video stream at all.
  if (lines.length === 0) return run.timedOut ? null : 'no-stream';
  if (lines.every((l) => l === 'N/A')) return 0;
  const count = Number.parseInt(lines[0] as string, 10);
  return Number.isFinite(count) && count >= 0 ? count : null;
}

/** Container duration in seconds from ffprobe, or null if it cannot tell. */
export async function probeDuration(ffprobePath: string, path: string, timeoutMs = 10_000): Promise<number | null> {
  const run = await runToEnd(ffprobePath, ['-v', 'error', '-show_entries', 'format=duration', '-of', 'default=nw=1:nk=1', path], { timeoutMs, tool: 'ffprobe' });
  const seconds = Number.parseFloat(run.stdout.trim());
  return run.code !== 0 || run.timedOut || !Number.isFinite(seconds) || seconds < 0 ? null : seconds;
}

/** What ffprobe says about a segment file in the spool (run through the one FFmpeg runner). */
import { runToEnd } from './ffmpegProcess';

/** Video packets ffprobe can read from the file (0: nothing decodable), or null if it cannot tell. */
export async function countVideoPackets(ffprobePath: string, path: string, timeoutMs = 10_000): Promise<number | null> {
  const run = await runToEnd(
    ffprobePath,
    ['-v', 'error', '-select_streams', 'v:0', '-count_packets', '-show_entries', 'stream=nb_read_packets', '-of', 'csv=p=0', path],
    { timeoutMs, tool: 'ffprobe' },
  );
  const text = run.stdout.trim();
  const count = Number.parseInt(text, 10);
  // "N/A": a header without a single packet (measured on an fMP4 init segment); nothing
  // printed: no readable video stream at all (the header itself is cut short).
  if (text === 'N/A') return 0;
  if (text === '') return run.timedOut ? null : 0;
  return Number.isFinite(count) && count >= 0 ? count : null;
}

/** Container duration in seconds from ffprobe, or null if it cannot tell. */
export async function probeDuration(ffprobePath: string, path: string, timeoutMs = 10_000): Promise<number | null> {
  const run = await runToEnd(ffprobePath, ['-v', 'error', '-show_entries', 'format=duration', '-of', 'default=nw=1:nk=1', path], { timeoutMs, tool: 'ffprobe' });
  const seconds = Number.parseFloat(run.stdout.trim());
  return run.code !== 0 || run.timedOut || !Number.isFinite(seconds) || seconds < 0 ? null : seconds;
}

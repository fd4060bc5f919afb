/**
 * Reads the text of one segment: download and verify it (verifiedDownload.ts), with every link of
 * its chain back to a keyframe when it continues the segment before it (ocrChain.ts), sample its
 * changed frames with FFmpeg (frameSampler.ts, through the project's one FFmpeg runner) as a stream of gray
 * frames, and read by OCR only what changed (changedBands.ts): the first frame whole, each later
 * one in the bands that differ from the frame before, in tesseract batches (cropOcr.ts). Each
 * frame's text is every line on screen (screenLines.ts). Works in its own temporary directory,
 * removed whatever happens.
 */
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describeStartFailure, startFfmpeg } from '../adapters/ffmpegProcess';
import { errorSummary } from '../adapters/ffmpegStderr';
import { FfmpegError } from '../domain/errors';
import type { ReadOnlyStore } from '../domain/objectStore';
import type { ManifestEntry } from '../domain/manifest';
import { mapLimit } from '../auditor/pool';
import { cropsFor, type Band } from './changedBands';
import { CropOcr, OcrError } from './cropOcr';
import { frameTimes, SAMPLER, samplerArgs } from './frameSampler';
import type { OcrCacheEntry } from './ocrCacheEntry';
import { PgmStreamReader, type GrayFrame } from './pgmStream';
import { linesOfCrop, nextScreen, screenText, type PlacedLine } from './screenLines';
import { chainConcatList, lastLinkStartSeconds } from './ocrChain';
import { downloadVerified, SegmentMismatchError } from './verifiedDownload';

export { OcrError };

/**
 * A link before the segment being read could not be used (altered, or unreadable): the segment
 * cannot be decoded. `altered`: the link is not what the manifest recorded.
 */
export class BrokenChainError extends Error {
  override readonly name = 'BrokenChainError';
  constructor(message: string, readonly altered: boolean, options?: { cause?: unknown }) {
    super(message, options);
  }
}

/** Links downloaded at once for one segment. */
const LINK_DOWNLOADS = 4;

export interface OcrTools {
  readonly ffmpegPath: string;
  readonly tesseractPath: string;
  readonly env: NodeJS.ProcessEnv;
  /** Parent of each segment's temporary directory. */
  readonly tempDir: string;
}

/** Seconds of decoding and OCR allowed per second of video, plus a fixed allowance (a stuck child is killed). */
const SECONDS_PER_VIDEO_SECOND = 20;
const BASE_TIMEOUT_MS = 120_000;

/** One sampled frame: the rows that changed, and the lines read from each of its crops (filled as batches are read). */
interface FramePlan {
  readonly changed: readonly Band[];
  readonly read: PlacedLine[][];
}

/** Streams the sampled frames through `onFrame` (awaited: FFmpeg waits meanwhile); resolves with their times (showinfo). */
async function sampleFrames(ffmpegPath: string, args: readonly string[], timeoutMs: number, onFrame: (frame: GrayFrame) => Promise<void>): Promise<number[]> {
  const proc = startFfmpeg(ffmpegPath, args, { stderrTailChars: 8000, stdout: 'pipe' });
  // showinfo prints one line per frame: read them all as they come (the runner keeps only a tail).
  let info = '';
  let partial = '';
  proc.child.stderr?.on('data', (chunk: string) => {
    const lines = (partial + chunk).split('\n');
    partial = lines.pop() ?? '';
    for (const line of lines) if (line.includes('Parsed_showinfo_') && line.includes(' n:')) info += `${line}\n`;
  });
  const timer = setTimeout(() => void proc.kill(), timeoutMs);
  let startFailure: string | undefined;
  proc.child.once('error', (e) => (startFailure = describeStartFailure(ffmpegPath, e)));
  const closed = new Promise<[number | null, NodeJS.Signals | null]>((resolve) => proc.child.once('close', (code, signal) => resolve([code, signal])));
  const reader = new PgmStreamReader();
  try {
    if (proc.child.stdout) for await (const chunk of proc.child.stdout) for (const frame of reader.push(chunk as Buffer)) await onFrame(frame);
  } catch (e) {
    void proc.kill();
    await closed;
    throw e;
  } finally {
    clearTimeout(timer);
  }
  const [code, signal] = await closed;
  clearTimeout(timer);
  proc.endStderr();
  if (startFailure !== undefined) throw new FfmpegError(startFailure);
  if (code !== 0) {
    throw new FfmpegError(`${ffmpegPath} ${args.join(' ')} failed (${signal ?? `exit ${code}`}): ${errorSummary(proc.stderrTail()).split('\n').join(' | ') || 'no error output'}`);
  }
  if (reader.leftover !== 0) throw new OcrError(`FFmpeg's frame stream ended inside a frame (${reader.leftover} bytes left over)`);
  return frameTimes(`${info}${partial}`);
}

/** Downloads and checks every link; the FFmpeg arguments that sample the last one's frames. */
async function fetchChain(store: ReadOnlyStore, links: readonly ManifestEntry[], work: string): Promise<string[]> {
  const entry = links[links.length - 1] as ManifestEntry;
  // Every download settles before anything is thrown: the work directory is removed next.
  const fetched = await mapLimit(links, LINK_DOWNLOADS, async (link, i): Promise<{ path: string } | { error: unknown }> => {
    const path = join(work, i === links.length - 1 ? 'segment.mp4' : `link-${String(i).padStart(4, '0')}.mp4`);
    try {
      await downloadVerified(store, link, path);
      return { path };
    } catch (e) {
      if (link === entry) return { error: e };
      const altered = e instanceof SegmentMismatchError;
      return {
        error: new BrokenChainError(
          `it continues the segment before it (its first frame is not a keyframe), and ${link.key}, a link of its chain back to a keyframe, ` +
            `${altered ? 'is not what was recorded' : 'could not be read'}: ${(e as Error).message}`,
          altered,
          { cause: e },
        ),
      };
    }
  });
  // The segment's own problem first, then the link nearest to it.
  const failed = [...fetched].reverse().find((f) => 'error' in f);
  if (failed !== undefined && 'error' in failed) throw failed.error;
  const files = fetched.map((f) => ('path' in f ? f.path : ''));
  if (links.length === 1) return samplerArgs(files[0] as string);
  const list = join(work, 'chain.ffconcat');
  await writeFile(list, chainConcatList(files), { mode: 0o600 });
  return samplerArgs(list, SAMPLER, { fromSeconds: lastLinkStartSeconds(links.length) });
}

/**
 * The frames of one verified segment with their text, times from its own start. `links` is its
 * chain (ocrChain.ts), keyframe-led first and the segment to read last; one link when it decodes
 * alone. Rejects with SegmentMismatchError (the segment itself), BrokenChainError (a link before
 * it), FfmpegError, OcrError or ToolMissingError.
 */
export async function ocrSegment(store: ReadOnlyStore, links: readonly ManifestEntry[], tools: OcrTools): Promise<OcrCacheEntry['frames']> {
  const entry = links[links.length - 1];
  if (entry === undefined) throw new RangeError('Expected a chain of at least one segment, got none');
  await mkdir(tools.tempDir, { recursive: true, mode: 0o700 });
  const work = await mkdtemp(join(tools.tempDir, 'session-recorder-ocr-'));
  try {
    const args = await fetchChain(store, links, work);
    const decodedSeconds = links.reduce((s, l) => s + l.durationSeconds, 0);
    const timeoutMs = BASE_TIMEOUT_MS + decodedSeconds * SECONDS_PER_VIDEO_SECOND * 1000;
    const ocr = new CropOcr({ tesseractPath: tools.tesseractPath, env: tools.env, workDir: work, timeoutMs, label: entry.key, scale: SAMPLER.scale });
    const plans: FramePlan[] = [];
    let previous: GrayFrame | undefined;
    const times = await sampleFrames(tools.ffmpegPath, args, timeoutMs, async (frame) => {
      const { changed, crops } = cropsFor(previous, frame, SAMPLER.scale);
      previous = frame;
      const plan: FramePlan = { changed, read: crops.map(() => []) };
      plans.push(plan);
      for (const [i, band] of crops.entries()) {
        await ocr.add(frame, band, (lines) => (plan.read[i] = linesOfCrop(lines, band, frame.height)));
      }
    });
    await ocr.flush();
    if (plans.length !== times.filter((t) => t !== undefined).length) {
      throw new OcrError(`${entry.key}: FFmpeg gave ${plans.length} frames but reported ${times.length} frame times`);
    }
    let screen: PlacedLine[] = [];
    return plans.map((plan, i) => {
      screen = nextScreen(screen, plan.changed, plan.read.flat());
      return { t: times[i] as number, lines: screenText(screen) };
    });
  } finally {
    await rm(work, { recursive: true, force: true });
  }
}

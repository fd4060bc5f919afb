/**
 * Reads the text of one segment: download and verify it (verifiedDownload.ts), sample its changed
 * frames with FFmpeg (frameSampler.ts, through the project's one FFmpeg runner) as a stream of gray
 * frames, and read by OCR only what changed (changedBands.ts): the first frame whole, each later
 * one in the bands that differ from the frame before, in tesseract batches (cropOcr.ts). Each
 * frame's text is every line on screen (screenLines.ts). Works in its own temporary directory,
 * removed whatever happens.
 */
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { describeStartFailure, startFfmpeg } from '../adapters/ffmpegProcess';
import { errorSummary } from '../adapters/ffmpegStderr';
import { FfmpegError } from '../domain/errors';
import type { ReadOnlyStore } from '../domain/objectStore';
import type { ManifestEntry } from '../domain/manifest';
import { cropsFor, type Band } from './changedBands';
import { CropOcr, OcrError } from './cropOcr';
import { frameTimes, SAMPLER, samplerArgs } from './frameSampler';
import type { OcrCacheEntry } from './ocrCacheEntry';
import { PgmStreamReader, type GrayFrame } from './pgmStream';
import { linesOfCrop, nextScreen, screenText, type PlacedLine } from './screenLines';
import { downloadVerified } from './verifiedDownload';

export { OcrError };

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
async function sampleFrames(ffmpegPath: string, input: string, timeoutMs: number, onFrame: (frame: GrayFrame) => Promise<void>): Promise<number[]> {
  const args = samplerArgs(input);
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

/** The frames of one verified segment with their text. Rejects with SegmentMismatchError, FfmpegError, OcrError or ToolMissingError. */
export async function ocrSegment(store: ReadOnlyStore, entry: ManifestEntry, tools: OcrTools): Promise<OcrCacheEntry['frames']> {
  await mkdir(tools.tempDir, { recursive: true, mode: 0o700 });
  const work = await mkdtemp(join(tools.tempDir, 'session-recorder-ocr-'));
  try {
    const video = join(work, 'segment.mp4');
    await downloadVerified(store, entry, video);
    const timeoutMs = BASE_TIMEOUT_MS + entry.durationSeconds * SECONDS_PER_VIDEO_SECOND * 1000;
    const ocr = new CropOcr({ tesseractPath: tools.tesseractPath, env: tools.env, workDir: work, timeoutMs, label: entry.key, scale: SAMPLER.scale });
    const plans: FramePlan[] = [];
    let previous: GrayFrame | undefined;
    const times = await sampleFrames(tools.ffmpegPath, video, timeoutMs, async (frame) => {
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

/**
 * Reads the text of one segment: download and verify it (verifiedDownload.ts), sample its changed
 * frames with FFmpeg (frameSampler.ts, through the project's one FFmpeg runner), read them with
 * tesseract in one batch (adapters/tesseract.ts), and keep each frame's time and lines. Works in
 * its own temporary directory, removed whatever happens.
 */
import { mkdir, mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describeStartFailure, startFfmpeg } from '../adapters/ffmpegProcess';
import { errorSummary } from '../adapters/ffmpegStderr';
import { runTesseract } from '../adapters/tesseract';
import { FfmpegError } from '../domain/errors';
import type { ReadOnlyStore } from '../domain/objectStore';
import type { ManifestEntry } from '../domain/manifest';
import { frameTimes, PAGE_SEGMENTATION_MODES, samplerArgs } from './frameSampler';
import type { OcrCacheEntry } from './ocrCacheEntry';
import { parseTesseractTsv } from './tesseractTsv';
import { downloadVerified } from './verifiedDownload';

export interface OcrTools {
  readonly ffmpegPath: string;
  readonly tesseractPath: string;
  readonly env: NodeJS.ProcessEnv;
  /** Parent of each segment's temporary directory. */
  readonly tempDir: string;
}

export class OcrError extends Error {
  override readonly name = 'OcrError';
}

/** Seconds of decoding and OCR allowed per second of video, plus a fixed allowance (a stuck child is killed). */
const SECONDS_PER_VIDEO_SECOND = 20;
const BASE_TIMEOUT_MS = 120_000;

/** Runs the sampler; resolves with the frame times FFmpeg reported (showinfo). */
function sampleFrames(ffmpegPath: string, input: string, framesDir: string, timeoutMs: number): Promise<number[]> {
  const args = samplerArgs(input, framesDir);
  const proc = startFfmpeg(ffmpegPath, args, { stderrTailChars: 8000 });
  // showinfo prints one line per frame: read them all as they come (the runner keeps only a tail).
  let info = '';
  let partial = '';
  proc.child.stderr?.on('data', (chunk: string) => {
    const lines = (partial + chunk).split('\n');
    partial = lines.pop() ?? '';
    for (const line of lines) if (line.includes('Parsed_showinfo_') && line.includes(' n:')) info += `${line}\n`;
  });
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => void proc.kill(), timeoutMs);
    let startFailure: string | undefined;
    proc.child.once('error', (e) => (startFailure = describeStartFailure(ffmpegPath, e)));
    proc.child.once('close', (code, signal) => {
      clearTimeout(timer);
      proc.endStderr();
      if (startFailure !== undefined) return reject(new FfmpegError(startFailure));
      if (code !== 0) {
        return reject(new FfmpegError(`${ffmpegPath} ${args.join(' ')} failed (${signal ?? `exit ${code}`}): ${errorSummary(proc.stderrTail()).split('\n').join(' | ') || 'no error output'}`));
      }
      resolve(frameTimes(`${info}${partial}`));
    });
  });
}

/** The frames of one verified segment with their text. Rejects with SegmentMismatchError, FfmpegError, OcrError or ToolMissingError. */
export async function ocrSegment(store: ReadOnlyStore, entry: ManifestEntry, tools: OcrTools): Promise<OcrCacheEntry['frames']> {
  await mkdir(tools.tempDir, { recursive: true, mode: 0o700 });
  const work = await mkdtemp(join(tools.tempDir, 'session-recorder-ocr-'));
  try {
    const video = join(work, 'segment.mp4');
    await downloadVerified(store, entry, video);
    const framesDir = join(work, 'frames');
    await mkdir(framesDir);
    const timeoutMs = BASE_TIMEOUT_MS + entry.durationSeconds * SECONDS_PER_VIDEO_SECOND * 1000;
    const times = await sampleFrames(tools.ffmpegPath, video, framesDir, timeoutMs);
    const files = (await readdir(framesDir)).filter((f) => /^\d{6}\.png$/.test(f)).sort();
    if (files.length === 0) return [];
    if (files.length !== times.filter((t) => t !== undefined).length) {
      throw new OcrError(`${entry.key}: FFmpeg wrote ${files.length} frames but reported ${times.length} frame times`);
    }
    const list = join(work, 'frames.txt');
    await writeFile(list, `${files.map((f) => join(framesDir, f)).join('\n')}\n`);
    const pages = new Map<number, string[]>();
    for (const psm of PAGE_SEGMENTATION_MODES) {
      const run = await runTesseract(tools.tesseractPath, [list, 'stdout', '--psm', psm, 'tsv'], { timeoutMs, env: tools.env });
      if (run.code !== 0 || run.timedOut) {
        throw new OcrError(`${entry.key}: tesseract --psm ${psm} ${run.timedOut ? 'was stopped after its deadline' : `exited ${run.signal ?? run.code}`}: ${run.stderr.trim().split('\n').slice(-2).join(' | ')}`);
      }
      for (const page of parseTesseractTsv(run.stdout)) {
        const lines = pages.get(page.page) ?? [];
        for (const line of page.lines) if (!lines.includes(line)) lines.push(line);
        pages.set(page.page, lines);
      }
    }
    return files.map((_, i) => ({ t: times[i] as number, lines: pages.get(i + 1) ?? [] }));
  } finally {
    await rm(work, { recursive: true, force: true });
  }
}

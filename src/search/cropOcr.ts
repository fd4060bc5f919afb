/**
 * Reads crops (PNG files of whole-width frame bands) with tesseract in batches: every crop with the
 * automatic layout (`--psm 3`), then, in a second batch, only the crops where that found little with
 * one uniform block (`--psm 6`); their lines are merged. A batch is one tesseract process over a
 * list of files (adapters/tesseract.ts: one model load per batch). Files are removed once read, so
 * a long segment never holds more than a batch of crops on disk.
 */
import { rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { runTesseract } from '../adapters/tesseract';
import type { Band } from './changedBands';
import { PSM_BLOCK, PSM_LAYOUT } from './frameSampler';
import { edgePixels, needsBlockPass } from './inkCoverage';
import type { GrayFrame } from './pgmStream';
import { pngRows } from './pgmStream';
import { parseTesseractTsv, type OcrLine } from './tesseractTsv';

export class OcrError extends Error {
  override readonly name = 'OcrError';
}

export interface CropOcrOptions {
  readonly tesseractPath: string;
  readonly env: NodeJS.ProcessEnv;
  readonly workDir: string;
  readonly timeoutMs: number;
  /** For error messages: the segment's key. */
  readonly label: string;
  /** Frame pixels per source pixel (the sampler's upscale). */
  readonly scale: number;
}

interface PendingCrop {
  readonly file: string;
  readonly band: Band;
  /** The crop's stroke edges, to judge how much of it `--psm 3` read. */
  readonly edges: Int32Array;
  readonly done: (lines: OcrLine[]) => void;
}

/** Crop pixels queued before a batch is read (a 1920x1080 frame at 3x is 18.7 M): bounds the disk and memory a long segment takes. */
const BATCH_BYTES = 200 * 1024 * 1024;

export class CropOcr {
  private pending: PendingCrop[] = [];
  private pendingBytes = 0;
  private count = 0;
  private batches = 0;
  /** Crops read, and of those read by the second pass too (the bench reports them). */
  readonly stats = { crops: 0, blockPass: 0, rows: 0 };

  constructor(private readonly options: CropOcrOptions) {}

  /** Queues rows `band` of `frame`; `done` gets its lines (rows relative to the crop) when its batch is read. */
  async add(frame: GrayFrame, band: Band, done: (lines: OcrLine[]) => void): Promise<void> {
    const file = join(this.options.workDir, `crop-${String(++this.count).padStart(6, '0')}.png`);
    const png = pngRows(frame, band.top, band.bottom);
    await writeFile(file, png);
    this.pending.push({ file, band, edges: edgePixels(frame, band, this.options.scale), done });
    this.pendingBytes += (band.bottom - band.top) * frame.width;
    if (this.pendingBytes >= BATCH_BYTES) await this.flush();
  }

  /** Reads every queued crop. */
  async flush(): Promise<void> {
    const crops = this.pending;
    this.pending = [];
    this.pendingBytes = 0;
    if (crops.length === 0) return;
    try {
      const layout = await this.read(crops, PSM_LAYOUT);
      const sparse = crops.map((c, i) => ({ c, i })).filter(({ c, i }) => needsBlockPass(c.edges, layout[i] ?? []));
      this.stats.blockPass += sparse.length;
      const block = sparse.length === 0 ? [] : await this.read(sparse.map(({ c }) => c), PSM_BLOCK);
      const merged = layout.map((lines) => [...lines]);
      sparse.forEach(({ i }, k) => {
        const into = merged[i] as OcrLine[];
        for (const l of block[k] ?? []) if (!into.some((m) => m.text === l.text)) into.push(l);
      });
      this.stats.crops += crops.length;
      crops.forEach((c, i) => {
        this.stats.rows += c.band.bottom - c.band.top;
        c.done(merged[i] ?? []);
      });
    } finally {
      await Promise.all(crops.map((c) => rm(c.file, { force: true })));
    }
  }

  /** One tesseract batch over `crops`: each crop's lines, in order. */
  private async read(crops: readonly PendingCrop[], psm: string): Promise<OcrLine[][]> {
    const list = join(this.options.workDir, `batch-${++this.batches}.txt`);
    await writeFile(list, `${crops.map((c) => c.file).join('\n')}\n`);
    const run = await runTesseract(this.options.tesseractPath, [list, 'stdout', '--psm', psm, 'tsv'], { timeoutMs: this.options.timeoutMs, env: this.options.env });
    await rm(list, { force: true });
    if (run.code !== 0 || run.timedOut) {
      throw new OcrError(`${this.options.label}: tesseract --psm ${psm} ${run.timedOut ? 'was stopped after its deadline' : `exited ${run.signal ?? run.code}`}: ${run.stderr.trim().split('\n').slice(-2).join(' | ')}`);
    }
    const byPage = new Map(parseTesseractTsv(run.stdout).map((p) => [p.page, p.lines]));
    return crops.map((_, i) => [...(byPage.get(i + 1) ?? [])]);
  }
}

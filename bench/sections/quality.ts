/**
 * Issue 16 (b): encoder settings compared at EQUAL QUALITY, on every kind of screen. For each scene
 * (busy, quiet typing, idle reading, a video in a window) a lossless reference is grabbed once as
 * raw BGR0 (what x11grab delivers, so the colour conversion is part of what is measured); the
 * original's settings encode it once at their own CRF 23, and every candidate encodes it at a CRF
 * sweep. SSIM (dB, against the reference converted accurately to 4:4:4) gives each candidate a
 * bytes-vs-quality and a CPU-vs-quality curve; both are read at the original's SSIM (linear
 * interpolation in dB, of log bytes and of CPU). CPU is the encode's user+sys less decoding the
 * reference (measured alone): grabbing costs every variant the same. The reference is made constant
 * rate at the grab (x11grab's wall-clock timestamps jitter under load), so frame N of every output
 * is compared with frame N of the reference.
 */
import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, readdirSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import type { BenchContext, SectionResult } from '../lib/context';
import { runFfmpeg } from '../lib/original';
import { qualityCandidatesNamed, type QualityCandidate } from '../lib/qualityCandidates';
import { qualitySceneNames, startScene } from '../lib/scene';
import { median, round } from '../lib/stats';

const run = promisify(execFile);
/** The defaults' sweep; every other candidate sweeps around the defaults' CRF at the original's SSIM (below). */
const SWEEP = [15, 19, 23, 27, 31];
/** A candidate's sweep: the defaults' CRF at the original's SSIM ± this, widened until it brackets that SSIM. */
const STEP = 4;

const originalArgs = (dir: string) => ['-c:v', 'libx264', '-pix_fmt', 'yuv420p', join(dir, 'original.mp4')];

interface Point {
  readonly crf: number;
  readonly cpuS: number;
  readonly bytes: number;
  readonly ssimDb: number;
  readonly frames: number;
  /** SHA-256 of the output: a candidate whose output equals the defaults' at the same CRF changed nothing. */
  readonly sha256: string;
}

/**
 * SSIM in dB (all planes) of `file` against `reference`, frame N against frame N, in 4:4:4.
 * `shortest`: stop at the shorter input (a segment against a longer reference) instead of
 * comparing the shorter one's last frame with the rest of the other.
 */
/** How the reference is read and timed for `ssimDb` (defaults: a constant-rate clip, the quality section's). */
export interface SsimReference {
  /** Input options before the reference's `-i` (`['-f', 'ivf']` for the grabber's own stream). */
  readonly inputArgs?: readonly string[];
  /** Its filters before the 4:4:4 conversion; default: frame N at N/rate, upsampled accurately. */
  readonly filter?: string;
  /** Stop at the shorter of the two (default false). */
  readonly shortest?: boolean;
}

/**
 * SSIM (dB, all planes, 4:4:4) of `file` made constant-rate at `frameRate` (frame N at N/rate)
 * against `reference`, frame N against frame N. Both sides must be timed the same way: `setpts=N`
 * across inputs of different time bases pairs the wrong frames (BENCHMARKS.md, sixth round).
 */
export async function ssimDb(file: string, reference: string, frameRate: number, ref: SsimReference = {}): Promise<number> {
  const referenceFilter = ref.filter ?? `setpts=N/(${frameRate}*TB),scale=flags=bicubic+accurate_rnd+full_chroma_int`;
  const graph = `[0:v]fps=${frameRate},setpts=N/(${frameRate}*TB),format=yuv444p[a];` +
    `[1:v]${referenceFilter},format=yuv444p[b];[a][b]ssim${ref.shortest ? '=shortest=1' : ''}`;
  const { stderr } = await run('ffmpeg', ['-hide_banner', '-nostats', '-i', file, ...(ref.inputArgs ?? []), '-i', reference, '-lavfi', graph, '-f', 'null', '-'], { maxBuffer: 16 * 1024 * 1024 });
  const m = /SSIM .*All:[\d.]+ \(([\d.]+|inf)\)/.exec(stderr);
  return m ? Number(m[1]) : Number.NaN;
}

async function packets(file: string): Promise<number> {
  const { stdout } = await run('ffprobe', ['-v', 'error', '-count_packets', '-show_entries', 'stream=nb_read_packets', '-of', 'csv=p=0', file]);
  return Number(stdout.trim());
}

async function encode(reference: string, args: string[], dir: string, decodeCpuS: number, frameRate: number, crf: number): Promise<Point> {
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  const r = await runFfmpeg(['-hide_banner', '-loglevel', 'error', '-nostats', '-y', '-i', reference, ...args]);
  if (r.code !== 0) throw new Error(`ffmpeg exited ${r.code}: ${r.stderr}`);
  const files = readdirSync(dir).filter((f) => f.endsWith('.mp4')).map((f) => join(dir, f));
  const file = files[0] as string;
  return {
    crf, cpuS: r.cpuS - decodeCpuS, bytes: files.reduce((s, f) => s + statSync(f).size, 0), ssimDb: await ssimDb(file, reference, frameRate), frames: await packets(file),
    sha256: createHash('sha256').update(readFileSync(file)).digest('hex'),
  };
}

/** y at x on the curve through points sorted by x: linear between the bracketing pair, extrapolated from the nearest pair outside. */
export function interpolate(points: readonly { x: number; y: number }[], x: number): { y: number; extrapolated: boolean } {
  const p = [...points].filter((q) => Number.isFinite(q.x) && Number.isFinite(q.y)).sort((a, b) => a.x - b.x);
  if (p.length < 2) return { y: Number.NaN, extrapolated: true };
  let i = p.findIndex((q) => q.x >= x);
  const extrapolated = i <= 0 && !(i === 0 && p[0]?.x === x);
  if (i <= 0) i = i === -1 ? p.length - 1 : 1;
  const a = p[i - 1] as { x: number; y: number };
  const b = p[i] as { x: number; y: number };
  if (b.x === a.x) return { y: a.y, extrapolated };
  return { y: a.y + ((b.y - a.y) * (x - a.x)) / (b.x - a.x), extrapolated };
}

export async function qualitySection(ctx: BenchContext): Promise<SectionResult> {
  const { options, x } = ctx;
  const seconds = options.quick ? 8 : 16;
  const rate = options.frameRate;
  const rows: Array<[string, string, string]> = [];
  const data: Record<string, unknown> = {};
  const candidates = qualityCandidatesNamed(options.candidates);
  for (const sceneName of qualitySceneNames) {
    const reference = join(ctx.work, `quality-${sceneName}.nut`);
    const scene = await startScene(x, sceneName, 3000);
    try {
      ctx.log(`quality: grabbing ${seconds} s of the ${sceneName} scene as raw BGR0`);
      const grab = await runFfmpeg(['-hide_banner', '-loglevel', 'error', '-y', '-f', 'x11grab', '-framerate', String(rate), '-draw_mouse', '1',
        '-video_size', `${x.layout.width}x${x.layout.height}`, '-i', `${x.display}+0,0`, '-t', String(seconds), '-fps_mode', 'cfr', '-r', String(rate), '-c:v', 'rawvideo', '-f', 'nut', reference]);
      if (grab.code !== 0) throw new Error(`reference grab failed: ${grab.stderr}`);
    } finally {
      await scene.stop();
    }
    try {
      const decodes: number[] = [];
      for (let i = 0; i < 3; i++) decodes.push((await runFfmpeg(['-hide_banner', '-loglevel', 'error', '-nostats', '-i', reference, '-f', 'null', '-'])).cpuS);
      const decode = median(decodes);
      const perMin = (v: number) => (v * 60) / seconds;
      const original = await encode(reference, originalArgs(join(ctx.work, 'q-original')), join(ctx.work, 'q-original'), decode, rate, 23);
      ctx.log(`quality: ${sceneName}: original ${round(perMin(original.cpuS), 2)} CPU-s/min, ${round(perMin(original.bytes) / 1e6, 3)} MB/min, SSIM ${round(original.ssimDb, 2)} dB`);
      rows.push([`16b. ${sceneName}: original (crf 23)`, `${round(perMin(original.cpuS), 2)} CPU-s/min, ${round(perMin(original.bytes) / 1e6, 3)} MB/min, SSIM ${round(original.ssimDb, 2)} dB`, 'libx264 default preset, plain MP4']);
      const sceneData: Record<string, unknown> = { seconds, decodeCpuS: decode, original };
      const at = (c: QualityCandidate, crf: number) => encode(reference, c.args(crf, join(ctx.work, `q-${c.name}`)), join(ctx.work, `q-${c.name}`), decode, rate, crf);
      let defaultsPoints: Point[] = [];
      let centre = 23;
      for (const c of candidates) {
        const points = c.name === 'defaults' ? await sweepFull(c, at, original.ssimDb) : await sweepAround(c, at, centre, original.ssimDb);
        // A candidate that is (or was) the recorder's default is also encoded at its own CRF: what it records live.
        if (c.crf !== undefined && !points.some((p) => p.crf === c.crf)) points.push(await at(c, c.crf));
        const own = points.find((p) => p.crf === c.crf);
        if (c.name === 'defaults') {
          defaultsPoints = points;
          centre = centreOf(points, original.ssimDb);
        }
        const bytesAt = interpolate(points.map((p) => ({ x: p.ssimDb, y: Math.log(p.bytes) })), original.ssimDb);
        const cpuAt = interpolate(points.map((p) => ({ x: p.ssimDb, y: p.cpuS })), original.ssimDb);
        const crfAt = interpolate(points.map((p) => ({ x: p.ssimDb, y: p.crf })), original.ssimDb);
        const bytes = Math.exp(bytesAt.y);
        const same = points.find((p) => p.crf === centre);
        const identical = c.name !== 'defaults' && same !== undefined && defaultsPoints.some((d) => d.crf === centre && d.sha256 === same.sha256);
        sceneData[c.name] = { points, atOriginalSsim: { bytes, cpuS: cpuAt.y, crf: crfAt.y, extrapolated: bytesAt.extrapolated }, identicalToDefaults: identical, atOwnCrf: own ?? null };
        ctx.log(`quality: ${sceneName}: ${c.name}: at ${round(original.ssimDb, 2)} dB (crf ≈ ${round(crfAt.y, 1)}): bytes ${round(bytes / original.bytes, 3)}×, CPU ${round(cpuAt.y / original.cpuS, 3)}× original${identical ? ' (byte-identical to the defaults)' : ''}`);
        rows.push([
          `16b. ${sceneName}: ${c.name} at the original's SSIM`,
          `bytes ${round(bytes / original.bytes, 3)}×, CPU ${round(cpuAt.y / original.cpuS, 3)}× (crf ≈ ${round(crfAt.y, 1)}${bytesAt.extrapolated ? ', extrapolated' : ''})${identical ? ', byte-identical to the defaults' : ''}`,
          `at crf ${same?.crf ?? '?'}: ${round(perMin(same?.cpuS ?? Number.NaN), 2)} CPU-s/min, ${round(perMin(same?.bytes ?? Number.NaN) / 1e6, 3)} MB/min, SSIM ${round(same?.ssimDb ?? Number.NaN, 2)} dB, ${same?.frames} frames encoded; ` +
            `${own ? `at its own crf ${own.crf}: ${round(perMin(own.bytes) / 1e6, 3)} MB/min, SSIM ${round(own.ssimDb, 2)} dB; ` : ''}${c.describe}`,
        ]);
      }
      data[sceneName] = sceneData;
    } finally {
      rmSync(reference, { force: true });
    }
  }
  return { name: 'quality', rows, data: { sweep: SWEEP, step: STEP, candidates: candidates.map((c) => ({ name: c.name, describe: c.describe })), scenes: data } };
}

type EncodeAt = (c: QualityCandidate, crf: number) => Promise<Point>;

/** The defaults: the whole sweep, then their CRF nearest the original's SSIM (the other candidates' centre), if not swept yet. */
async function sweepFull(c: QualityCandidate, at: EncodeAt, targetDb: number): Promise<Point[]> {
  const points: Point[] = [];
  for (const crf of SWEEP) points.push(await at(c, crf));
  const centre = centreOf(points, targetDb);
  if (!points.some((p) => p.crf === centre)) points.push(await at(c, centre));
  return points;
}

/** The CRF (integer) at which the points reach the target SSIM. */
export function centreOf(points: readonly { crf: number; ssimDb: number }[], targetDb: number): number {
  const crf = interpolate(points.map((p) => ({ x: p.ssimDb, y: p.crf })), targetDb).y;
  return Number.isFinite(crf) ? Math.min(45, Math.max(5, Math.round(crf))) : 23;
}

/** centre − STEP, centre, centre + STEP; then one more STEP outward (twice at most) while the target SSIM is not bracketed. */
async function sweepAround(c: QualityCandidate, at: EncodeAt, centre: number, targetDb: number): Promise<Point[]> {
  const points: Point[] = [];
  for (const crf of [centre - STEP, centre, centre + STEP]) points.push(await at(c, crf));
  for (let extra = 0; extra < 2; extra++) {
    const crfs = points.map((p) => p.crf);
    if (points.every((p) => p.ssimDb > targetDb)) points.push(await at(c, Math.max(...crfs) + STEP));
    else if (points.every((p) => p.ssimDb < targetDb)) points.push(await at(c, Math.min(...crfs) - STEP));
    else break;
  }
  return points;
}

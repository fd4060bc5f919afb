/**
 * Which segment container and x264 tune survive a crash best, and what they cost.
 *
 *   npx ts-node bench/crashLoss.ts [--seconds 20] [--size 1920x1080] [--fps 5] [--only mp4-zl,ts-zl] [--no-browser]
 *
 * For each variant: Xvfb with a moving scene, real FFmpeg (the project's own argument builder)
 * writing one long segment, SIGKILL after --seconds. Then: how many seconds of the partial file
 * still decode (ffprobe frame count / fps) and whether they decode without errors (ffmpeg -f null),
 * CPU seconds and MB per recorded minute (from /proc and the file size), and whether Chromium's
 * <video> plays it (loads, reports a duration, seeks near the end). One variant at a time.
 *
 * `npm run bench` uses `measureCrashLoss` (below) for issue 9's crash-loss figure with the encoder
 * variants of bench/lib/encoders.ts; this script's own main explores containers and tunes.
 */
import { execFile, spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { promisify } from 'node:util';
import { buildCaptureArgs, type EncoderSettings, type SegmentContainer } from '../src/adapters/ffmpegArgs';
import { firstFrameAtMs, StderrScanner } from '../src/adapters/ffmpegStderr';
import { probeDuration } from '../src/adapters/ffprobe';
import { journalPathOf, recoverFromJournal } from '../src/adapters/segmentJournal';
import { marksInSegment, readStillMarks } from '../src/adapters/stillMarks';
import { startXvfb } from '../test/helpers/xvfb';

const run = promisify(execFile);

interface Variant {
  readonly name: string;
  readonly container: SegmentContainer;
  readonly tune: EncoderSettings['tune'];
  /** fMP4 fragment flush interval; 0: fragments only at keyframes (movflags frag_keyframe alone). */
  readonly fragmentSeconds: number;
  readonly preset?: string;
}

const variants: Variant[] = [
  { name: 'mp4-kf', container: 'mp4', tune: null, fragmentSeconds: 0 },
  { name: 'mp4', container: 'mp4', tune: null, fragmentSeconds: 1 },
  { name: 'mp4-zl', container: 'mp4', tune: 'zerolatency', fragmentSeconds: 1 },
  { name: 'mp4-still', container: 'mp4', tune: 'stillimage', fragmentSeconds: 1 },
  { name: 'mp4-still-zl', container: 'mp4', tune: 'stillimage,zerolatency', fragmentSeconds: 1 },
  { name: 'ts', container: 'mpegts', tune: null, fragmentSeconds: 0 },
  { name: 'ts-zl', container: 'mpegts', tune: 'zerolatency', fragmentSeconds: 0 },
];

interface Result {
  variant: string;
  capturedS: number;
  playableS: number;
  decodeErrors: number;
  cpuSPerMin: number;
  mbPerMin: number;
  browser: string;
}

function flag(name: string): string | undefined {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : undefined;
}

const clockTicks = 100; // getconf CLK_TCK on Linux

function cpuSeconds(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[11]) + Number(fields[12])) / clockTicks; // utime, stime
}

async function measure(variant: Variant, display: string, layout: Parameters<typeof buildCaptureArgs>[0]['layout'], seconds: number, fps: number): Promise<Result & { file: string }> {
  const dir = mkdtempSync(join(tmpdir(), `crashloss-${variant.name}-`));
  let args = buildCaptureArgs({
    source: { kind: 'x11grab', display }, layout, frameRate: fps, segmentSeconds: 600, runDir: dir,
    encoder: { tune: variant.tune, ...(variant.preset ? { preset: variant.preset } : {}) },
    container: variant.container, fragmentSeconds: variant.fragmentSeconds || 1,
  });
  if (variant.container === 'mp4' && variant.fragmentSeconds === 0) {
    args = args.map((a) => a.replace(/:frag_duration=\d+/, ''));
  }
  const spawnedAt = Date.now();
  const child = spawn('ffmpeg', args, { stdio: ['pipe', 'ignore', 'pipe'] });
  const scanner = new StderrScanner();
  let firstFrame: number | null = null;
  child.stderr.on('data', (d: Buffer) => {
    for (const fact of scanner.push(d)) if (fact.kind === 'inputStart') firstFrame = firstFrameAtMs(fact.seconds, spawnedAt);
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  await new Promise((r) => setTimeout(r, seconds * 1000));
  const killAt = Date.now();
  const cpu = cpuSeconds(child.pid as number);
  child.kill('SIGKILL');
  await exited;
  const file = join(dir, variant.container === 'mp4' ? 'seg-00000.mp4' : 'seg-00000.ts');
  const bytes = statSync(file).size;
  const captured = (killAt - (firstFrame ?? spawnedAt)) / 1000;
  const frames = await countFrames(file);
  const errors = await decodeErrors(file);
  return {
    variant: variant.name, file,
    capturedS: round(captured), playableS: round(frames / fps), decodeErrors: errors,
    cpuSPerMin: round((cpu / ((killAt - spawnedAt) / 1000)) * 60), mbPerMin: round((bytes / 1e6 / captured) * 60),
    browser: '',
  };
}

export interface CrashLoss {
  readonly variant: string;
  /** Wall-clock seconds from the first frame to the SIGKILL. */
  readonly capturedS: number;
  /**
   * Seconds of the timeline that decode from what was on disk after the kill: the container's
   * duration (the last frame's end) when any frame decodes. With a constant frame rate this is
   * frames / fps; with dropped unchanged frames (VFR) each frame lasts until the next one, so
   * frames / fps would count a still screen's seconds as lost.
   */
  readonly playableS: number;
  /** Frames that decode. */
  readonly frames: number;
  readonly lostS: number;
  readonly decodeErrors: number;
  /** CPU-s per minute of FFmpeg and the grabber (if any) from spawn to the kill (start-up included). */
  readonly cpuSPerMin: number;
}

/**
 * Records with `outputArgs` (written into `dir`) until `seconds` after spawn, SIGKILLs FFmpeg, and
 * counts what still decodes in the newest file (the segment that was open).
 */
export async function measureCrashLoss(name: string, outputArgs: (dir: string) => string[], options: {
  readonly display: string; readonly layout: Parameters<typeof buildCaptureArgs>[0]['layout'];
  readonly seconds: number; readonly fps: number; readonly dir: string;
  /** The damage grabber's path: it feeds FFmpeg's fd 3 (IVF) instead of x11grab. */
  readonly grabber?: string;
  /** The grabber's options before DISPLAY X Y W H (default: --fps <fps> --still 0.4). */
  readonly grabberOptions?: readonly string[];
}): Promise<CrashLoss> {
  const { width, height } = options.layout;
  const input = options.grabber === undefined
    ? ['-f', 'x11grab', '-framerate', String(options.fps), '-draw_mouse', '1', '-video_size', `${width}x${height}`, '-i', `${options.display}+${options.layout.x},${options.layout.y}`]
    : ['-probesize', '32', '-analyzeduration', '0', '-f', 'ivf', '-i', 'pipe:3'];
  const args = ['-hide_banner', '-loglevel', 'info', '-nostats', '-y', ...input, ...outputArgs(options.dir)];
  const spawnedAt = Date.now();
  const child = spawn('ffmpeg', args, { stdio: ['pipe', 'ignore', 'pipe', ...(options.grabber === undefined ? [] : ['pipe' as const])] });
  const grabber = options.grabber === undefined ? undefined : spawn(options.grabber, [...(options.grabberOptions ?? ['--fps', String(options.fps), '--still', '0.4']), options.display,
    String(options.layout.x), String(options.layout.y), String(width - (width % 2)), String(height - (height % 2))], { stdio: ['ignore', child.stdio[3] as NodeJS.WritableStream & import('node:stream').Writable, 'ignore'] });
  if (grabber !== undefined) (child.stdio[3] as import('node:stream').Writable).destroy();
  const scanner = new StderrScanner();
  let firstFrame: number | null = null;
  child.stderr?.on('data', (d: Buffer) => {
    for (const fact of scanner.push(d)) if (fact.kind === 'inputStart') firstFrame = firstFrameAtMs(fact.seconds, spawnedAt);
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  await new Promise((r) => setTimeout(r, options.seconds * 1000));
  const killAt = Date.now();
  const cpu = cpuSeconds(child.pid as number) + (grabber?.pid === undefined ? 0 : cpuSeconds(grabber.pid));
  child.kill('SIGKILL');
  grabber?.kill('SIGKILL');
  await exited;
  const file = await openSegmentAfterCrash(options.dir, options.fps);
  const capturedS = (killAt - (firstFrame ?? spawnedAt)) / 1000;
  const frames = file ? await countFrames(file) : 0;
  const playableS = file && frames > 0 ? ((await probeDuration('ffprobe', file)) ?? frames / options.fps) : 0;
  return { variant: name, capturedS, playableS, frames, lostS: capturedS - playableS, decodeErrors: file ? await decodeErrors(file) : 0,
    cpuSPerMin: (cpu / ((killAt - spawnedAt) / 1000)) * 60 };
}

/**
 * The newest segment file, as the recorder would upload it: an MP4 with a journal beside it is
 * rebuilt from the journal first (segmentJournal.ts), exactly as the segment watcher does.
 */
async function openSegmentAfterCrash(dir: string, fps: number): Promise<string | null> {
  const files = readdirSync(dir).filter((f) => /\.(mp4|ts|mkv)$/.test(f));
  const newest = files.map((f) => ({ f, index: Number(/^seg-(\d+)\./.exec(f)?.[1] ?? -1) })).sort((a, b) => a.index - b.index || (a.f.endsWith('.mp4') ? 1 : -1)).pop();
  if (newest === undefined) return null;
  const path = join(dir, newest.f);
  const journal = journalPathOf(path);
  if (path.endsWith('.mp4') && files.includes(basename(journal))) {
    // The grabber's still marks, when it kept them, for the open segment (one 600 s segment here: it starts at 0).
    const marks = newest.index === 0 ? await readStillMarks(dir) : null;
    const rebuilt = await recoverFromJournal('ffmpeg', journal, path, fps, marks === null ? null : marksInSegment(marks, 0));
    if (!rebuilt.ok) throw new Error(`could not rebuild ${path} from its journal: ${rebuilt.reason}`);
  }
  return path;
}

async function countFrames(file: string): Promise<number> {
  try {
    const { stdout } = await run('ffprobe', ['-v', 'error', '-count_frames', '-select_streams', 'v:0',
      '-show_entries', 'stream=nb_read_frames', '-of', 'csv=p=0', file]);
    return Number.parseInt(stdout.trim(), 10) || 0;
  } catch {
    return 0;
  }
}

async function decodeErrors(file: string): Promise<number> {
  try {
    const { stderr } = await run('ffmpeg', ['-v', 'error', '-i', file, '-f', 'null', '-']);
    return stderr.split('\n').filter((l) => l.trim() !== '').length;
  } catch (err) {
    return (String((err as { stderr?: string }).stderr ?? '').split('\n').filter((l) => l.trim() !== '').length) || 1;
  }
}

/** Runs in the page (a string: this project compiles without DOM types). */
const playCheck = `new Promise((resolve) => {
  const v = document.getElementById('v');
  const timer = setTimeout(() => resolve('timeout (readyState ' + v.readyState + ')'), 10000);
  const fail = () => { clearTimeout(timer); resolve('error ' + (v.error ? v.error.code + ' ' + v.error.message : '?')); };
  const loaded = () => {
    const d = v.duration;
    v.addEventListener('seeked', () => { clearTimeout(timer); resolve('plays, duration ' + (isFinite(d) ? d.toFixed(1) : String(d)) + ', seeks'); }, { once: true });
    v.currentTime = isFinite(d) ? Math.max(0, d - 1) : 5;
  };
  if (v.error) fail(); else if (v.readyState >= 2) loaded();
  else { v.addEventListener('error', fail); v.addEventListener('loadeddata', loaded, { once: true }); }
})`;

/** Chromium's verdict: "duration D, seeked" when it plays, the media error otherwise. */
async function browserVerdicts(files: string[]): Promise<string[]> {
  let chromium: typeof import('playwright-core').chromium;
  try {
    ({ chromium } = await import('playwright-core'));
  } catch {
    return files.map(() => 'n/a (no playwright-core)');
  }
  const browser = await chromium.launch({
    executablePath: '/usr/bin/chromium',
    // Headless, with a fresh empty profile made by Playwright; no calls to outside hosts.
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
      '--disable-component-update', '--disable-sync', '--allow-file-access-from-files'],
  }).catch(() => null);
  if (!browser) return files.map(() => 'n/a (no chromium)');
  const verdicts: string[] = [];
  try {
    for (const file of files) {
      const page = await browser.newPage();
      const html = join(tmpdir(), `crashloss-${process.pid}.html`);
      writeFileSync(html, `<video id="v" muted preload="auto" src="file://${file}"></video>`);
      await page.goto(`file://${html}`);
      const verdict = String(await page.evaluate(playCheck));
      verdicts.push(verdict);
      await page.close();
      rmSync(html, { force: true });
    }
  } finally {
    await browser.close();
  }
  return verdicts;
}

function round(n: number): number {
  return Math.round(n * 10) / 10;
}

async function main(): Promise<void> {
  const seconds = Number(flag('seconds') ?? 20);
  const fps = Number(flag('fps') ?? 5);
  const [w, h] = (flag('size') ?? '1920x1080').split('x').map(Number);
  const only = flag('only')?.split(',');
  const chosen = variants.filter((v) => !only || only.includes(v.name));
  const x = await startXvfb({ width: w, height: h, motion: true });
  const results: Array<Result & { file: string }> = [];
  try {
    for (const variant of chosen) {
      process.stderr.write(`${variant.name}: recording ${seconds} s, then SIGKILL...\n`);
      results.push(await measure(variant, x.display, x.layout, seconds, fps));
    }
  } finally {
    await x.stop();
  }
  const verdicts = process.argv.includes('--no-browser') ? results.map(() => 'skipped') : await browserVerdicts(results.map((r) => r.file));
  results.forEach((r, i) => { r.browser = verdicts[i] ?? ''; });
  console.log(`x11grab ${w}x${h} @ ${fps} fps, SIGKILL after ${seconds} s, ffmpeg ${await ffmpegVersion()}`);
  console.table(results.map(({ file: _file, ...r }) => r));
  for (const r of results) rmSync(join(r.file, '..'), { recursive: true, force: true });
}

async function ffmpegVersion(): Promise<string> {
  const { stdout } = await run('ffmpeg', ['-version']);
  return stdout.split('\n')[0]?.split(' ')[2] ?? '?';
}

if (require.main === module) {
  main().catch((err: unknown) => {
    console.error(err);
    process.exitCode = 1;
  });
}

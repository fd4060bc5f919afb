/**
 * Issue 15: what `search` costs.
 * - OCR CPU-seconds per recorded hour, on the quiet and the busy scene (bench/scenes): a session
 *   recorded by the built recorder on the 1920x1080 Xvfb, then `search` run on it with an empty
 *   cache. CPU is exact: the search process and everything it waited for (FFmpeg, tesseract),
 *   from the benchmark's waited-children counter. Frames read by OCR per minute come from the
 *   cache entries it wrote.
 * - `search` wall time over 100 sessions with a cold and a warm cache. The sessions are copies of
 *   a short recording of the quiet scene (one segment each), each remuxed (`-c copy`, a distinct
 *   `comment` tag) so that every copy has its own bytes and SHA-256: the cold search really reads
 *   every one by OCR. Each copy has its own id, metadata and hash-chained manifest.
 */
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { execFileSync } from 'node:child_process';
import { addMetadata, appendEntry, emptyManifest, parseManifest, serializeManifest, sha256Hex } from '../../src/domain/manifest';
import { metadataName } from '../../src/domain/objectNames';
import { runCli } from '../../test/helpers/cli';
import { recordSession } from '../../test/helpers/recordedSession';
import type { BenchContext, SectionResult } from '../lib/context';
import { waitedChildrenCpu } from '../lib/proc';
import { startScene, type SceneName } from '../lib/scene';

const QUERY = 'quarterly review';

interface OcrRun {
  readonly scene: SceneName;
  readonly recordedSeconds: number;
  readonly cpuS: number;
  readonly wallS: number;
  readonly frames: number;
  readonly matches: number;
}

function cacheFrames(cacheDir: string): number {
  let frames = 0;
  for (const sub of readdirSync(cacheDir)) {
    for (const f of readdirSync(join(cacheDir, sub))) frames += (JSON.parse(readFileSync(join(cacheDir, sub, f), 'utf8')) as { frames: unknown[] }).frames.length;
  }
  return frames;
}

/** Runs `search` to its end; its CPU and that of every child it waited for. */
async function timedSearch(args: readonly string[]): Promise<{ cpuS: number; wallS: number; stdout: string; stderr: string; code: number | null }> {
  const cpu0 = waitedChildrenCpu();
  const t0 = Date.now();
  const done = await runCli(['search', ...args]).done;
  const result = { cpuS: waitedChildrenCpu() - cpu0, wallS: (Date.now() - t0) / 1000, stdout: done.stdout, stderr: done.stderr, code: done.code };
  if (done.code !== 0) throw new Error(`search ${args.join(' ')} exited ${done.code}: ${done.stderr.slice(-1000)}`);
  return result;
}

async function recordScene(ctx: BenchContext, scene: SceneName, store: string, sessionId: string, seconds: number, segmentSeconds: number): Promise<void> {
  mkdirSync(join(ctx.work, 'search-rec'), { recursive: true });
  const running = await startScene(ctx.x, scene);
  try {
    await recordSession({ destination: `file://${store}`, work: join(ctx.work, 'search-rec'), env: process.env, sessionId, stack: 'bench', fleet: scene, user: 'bench', seconds, segmentSeconds, display: ctx.x.display });
  } finally {
    await running.stop();
  }
}

/** `copies` sessions under bench/copies/ from one recorded session, each segment remuxed to its own bytes. */
function copySessions(source: string, target: string, copies: number): void {
  const manifest = parseManifest(readFileSync(join(source, 'manifest.json'), 'utf8'));
  const metadataFile = readdirSync(source).find((n) => n.endsWith('-metadata.json')) as string;
  const metadata = JSON.parse(readFileSync(join(source, metadataFile), 'utf8')) as Record<string, unknown>;
  for (let i = 0; i < copies; i++) {
    const id = `copy-${String(i).padStart(3, '0')}`;
    const prefix = `bench/copies/${id}/`;
    const dir = join(target, prefix);
    mkdirSync(dir, { recursive: true });
    const startedMs = Date.parse(String(metadata.startedAt));
    const meta = Buffer.from(`${JSON.stringify({ ...metadata, sessionId: id, fleet: 'copies' })}\n`);
    writeFileSync(join(dir, metadataName(startedMs)), meta);
    let m = addMetadata(emptyManifest(prefix), { key: `${prefix}${metadataName(startedMs)}`, sha256: sha256Hex(meta) });
    for (const e of manifest.entries) {
      const name = e.key.slice(e.key.lastIndexOf('/') + 1);
      const out = join(dir, name);
      execFileSync('ffmpeg', ['-nostdin', '-loglevel', 'error', '-i', join(source, name), '-map', '0', '-c', 'copy', '-metadata', `comment=${id}`,
        '-movflags', '+frag_keyframe+empty_moov+default_base_moof', '-f', 'mp4', '-y', out]);
      const bytes = readFileSync(out);
      const { prevEntrySha256: _prev, activity: _activity, ...rest } = e;
      m = appendEntry(m, { ...rest, key: `${prefix}${name}`, bytes: bytes.length, sha256: sha256Hex(bytes) });
    }
    writeFileSync(join(dir, 'manifest.json'), serializeManifest(m));
  }
}

export async function searchSection(ctx: BenchContext): Promise<SectionResult> {
  const quick = ctx.options.quick;
  const seconds = quick ? 30 : 60;
  const store = join(ctx.work, 'search-store');
  const runs: OcrRun[] = [];
  for (const scene of ['quiet', 'busy'] as const) {
    for (let r = 0; r < ctx.options.runs; r++) {
      const sessionId = `ocr-${scene}-${r}`;
      await recordScene(ctx, scene, store, sessionId, seconds, 10);
      const manifest = parseManifest(readFileSync(join(store, 'bench', scene, sessionId, 'manifest.json'), 'utf8'));
      const recordedSeconds = manifest.entries.reduce((s, e) => s + e.durationSeconds, 0);
      const cacheDir = join(ctx.work, `search-cache-${scene}-${r}`);
      const run = await timedSearch([`file://${store}`, QUERY, '--json', '--fleet', scene, '--cache-dir', cacheDir]);
      const frames = cacheFrames(cacheDir);
      runs.push({ scene, recordedSeconds, cpuS: run.cpuS, wallS: run.wallS, frames, matches: (JSON.parse(run.stdout) as unknown[]).length });
      ctx.log(`search: ${scene} run ${r + 1}: ${recordedSeconds.toFixed(0)} s recorded, OCR ${run.cpuS.toFixed(1)} CPU-s, ${frames} frames, wall ${run.wallS.toFixed(1)} s`);
    }
  }

  // 100 sessions: copies of a short quiet recording, one segment each.
  const copies = 100;
  const seedStore = join(ctx.work, 'search-seed');
  await recordScene(ctx, 'quiet', seedStore, 'seed', quick ? 2 : 10, quick ? 2 : 10);
  const copiesStore = join(ctx.work, 'search-copies');
  copySessions(join(seedStore, 'bench', 'quiet', 'seed'), copiesStore, copies);
  const cache = join(ctx.work, 'search-cache-copies');
  const cold = await timedSearch([`file://${copiesStore}`, QUERY, '--json', '--cache-dir', cache]);
  const warm = await timedSearch([`file://${copiesStore}`, QUERY, '--json', '--cache-dir', cache]);
  const copyFrames = cacheFrames(cache);
  ctx.log(`search: ${copies} sessions: cold ${cold.wallS.toFixed(1)} s (${cold.cpuS.toFixed(0)} CPU-s, ${copyFrames} frames), warm ${warm.wallS.toFixed(2)} s`);

  const rows: [string, string, string][] = [];
  for (const scene of ['quiet', 'busy'] as const) {
    const mine = runs.filter((r) => r.scene === scene);
    const perHour = mine.map((r) => (r.cpuS / r.recordedSeconds) * 3600).sort((a, b) => a - b);
    const median = perHour[Math.floor(perHour.length / 2)] as number;
    const framesPerMin = mine.map((r) => (r.frames / r.recordedSeconds) * 60);
    rows.push([
      `search OCR CPU per recorded hour, ${scene} scene (1920x1080)`,
      `${Math.round(median)} CPU-s (${(median / 3600).toFixed(2)} cores while reading 1 h in 1 h)`,
      `${perHour.map((p) => p.toFixed(0)).join(', ')} over ${mine.length} run(s) of ${seconds} s; ${framesPerMin.map((f) => f.toFixed(0)).join(', ')} changed frames read per minute (at most 60)`,
    ]);
  }
  rows.push([
    `search over ${copies} sessions, cold cache (each ${quick ? 2 : 10} s, its own bytes)`,
    `${cold.wallS.toFixed(1)} s wall, ${cold.cpuS.toFixed(0)} CPU-s`,
    `${copyFrames} frames read by OCR (${(cold.cpuS / Math.max(1, copyFrames)).toFixed(2)} CPU-s per frame)`,
  ]);
  rows.push([`search over ${copies} sessions, warm cache`, `${warm.wallS.toFixed(2)} s wall, ${warm.cpuS.toFixed(1)} CPU-s`, `${(cold.wallS / warm.wallS).toFixed(0)}× faster than cold; no video read`]);
  return { name: 'search', rows, data: { runs, copies, cold: { wallS: cold.wallS, cpuS: cold.cpuS }, warm: { wallS: warm.wallS, cpuS: warm.cpuS }, copyFrames } };
}

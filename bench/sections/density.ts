/**
 * Issue 16 (d): density. N recorders (the built CLI with its defaults, file:// destination) record
 * the same 1920x1080 busy display at 5 fps at once, for N = 1, 2, 4, 8. Per N: CPU per session (the
 * waited-for CPU of all N recorders and their children ÷ N, per recorded minute), and whether any
 * dropped frames. Since the recorder drops unchanged frames itself (a frame at least every 0.4 s),
 * frames ÷ (seconds × rate) is no longer a drop measure; the longest gap between two frames of a
 * segment is: above 0.4 s + one frame period, frames the grab should have delivered are missing.
 * A host fits N sessions while N × CPU per session stays under its
 * cores and no session drops frames. On a shared machine frame drops also come from the others'
 * load: the load average is printed beside each N.
 */
import { execFile } from 'node:child_process';
import { readFileSync, readdirSync } from 'node:fs';
import { loadavg } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { assembleStored } from '../../src/domain/manifestChunks';
import type { BenchContext, SectionResult } from '../lib/context';
import { waitedChildrenCpu } from '../lib/proc';
import { RecorderRun } from '../lib/recorder';
import { startScene } from '../lib/scene';
import { round } from '../lib/stats';

const run = promisify(execFile);

/** Video packets of a segment and the longest step between two consecutive ones, seconds. */
async function packets(file: string): Promise<{ count: number; maxGapS: number }> {
  const { stdout } = await run('ffprobe', ['-v', 'error', '-select_streams', 'v:0', '-show_entries', 'packet=pts_time', '-of', 'csv=p=0', file], { maxBuffer: 16 * 1024 * 1024 });
  const times = stdout.split('\n').map(Number.parseFloat).filter(Number.isFinite).sort((a, b) => a - b);
  let maxGapS = 0;
  for (let i = 1; i < times.length; i++) maxGapS = Math.max(maxGapS, (times[i] as number) - (times[i - 1] as number));
  return { count: times.length, maxGapS };
}

/** Every file under `dir`, recursively. */
function filesUnder(dir: string): string[] {
  return readdirSync(dir, { recursive: true }).map(String).map((f) => join(dir, f));
}

export async function densitySection(ctx: BenchContext): Promise<SectionResult> {
  const { options, x } = ctx;
  const seconds = options.quick ? 20 : 40;
  const counts = [1, 2, 4, 8];
  const scene = await startScene(x, 'busy');
  const rows: Array<[string, string, string]> = [];
  const data: unknown[] = [];
  try {
    for (const n of counts) {
      ctx.log(`density: ${n} recorder(s) for ${seconds} s, load ${loadavg()[0]?.toFixed(2)}`);
      const load = loadavg()[0] ?? Number.NaN;
      const cpuBefore = waitedChildrenCpu();
      const runs = Array.from({ length: n }, (_, i) => {
        const work = join(ctx.work, `density-${n}-${i}`);
        return new RecorderRun({
          work, destination: `file://${join(work, 'dest')}`, env: { ...process.env }, display: x.display,
          segmentSeconds: 20, frameRate: options.frameRate, sessionId: `density-${n}-${i}`, extra: ['--max-duration', String(seconds)],
        });
      });
      const exits = await Promise.all(runs.map((r) => r.exited));
      const cpuS = waitedChildrenCpu() - cpuBefore;
      let frames = 0;
      let maxGapS = 0;
      let videoS = 0;
      for (const r of runs) {
        const dest = join(r.spoolDir, '..', 'dest');
        const all = filesUnder(dest);
        for (const f of all.filter((p) => p.endsWith('.mp4'))) {
          const p = await packets(f);
          frames += p.count;
          maxGapS = Math.max(maxGapS, p.maxGapS);
        }
        const head = all.find((p) => p.endsWith('/manifest.json'));
        if (head === undefined) continue;
        const dir = join(head, '..');
        const chunkTexts = readdirSync(dir).filter((f) => /^manifest-\d{6}\.json$/.test(f)).sort().map((f) => readFileSync(join(dir, f), 'utf8'));
        videoS += (assembleStored(readFileSync(head, 'utf8'), chunkTexts).manifest?.entries ?? []).reduce((s, e) => s + e.durationSeconds, 0);
      }
      const perSessionPerMin = cpuS / n / (seconds / 60);
      const kept = frames / (videoS * options.frameRate);
      const exitCodes = exits.map((e) => e.code);
      data.push({ n, seconds, load, cpuS, perSessionPerMin, frames, maxGapS, videoS, kept, exitCodes });
      rows.push([
        `16d. ${n} recorder(s) at once, busy 1080p 5 fps`,
        `${round(perSessionPerMin, 2)} CPU-s per session-minute (${round((n * perSessionPerMin) / 60, 2)} cores in all); longest step between frames ${round(maxGapS, 2)} s (${maxGapS <= 0.4 + 1 / options.frameRate + 0.01 ? 'none missing' : 'the grab missed frames'}); frames encoded ${round(kept * 100, 1)} % of seconds × fps`,
        `${round(videoS / n, 1)} s of video per session of ${seconds} s; exit codes ${exitCodes.join(',')}; load average at start ${round(load, 2)}`,
      ]);
    }
  } finally {
    await scene.stop();
  }
  return { name: 'density', rows, data };
}

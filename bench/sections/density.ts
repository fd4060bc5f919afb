/**
 * Issue 16 (d): density. N recorders (the built CLI with its defaults, file:// destination) record
 * the same 1920x1080 busy display at 5 fps at once, for N = 1, 2, 4, 8. Per N: CPU per session (the
 * waited-for CPU of all N recorders and their children ÷ N, per recorded minute), and whether any
 * dropped frames (frames in the segments ÷ the seconds of video the manifest records × the frame
 * rate; 1.00 = none dropped). A host fits N sessions while N × CPU per session stays under its
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

async function packets(file: string): Promise<number> {
  const { stdout } = await run('ffprobe', ['-v', 'error', '-count_packets', '-show_entries', 'stream=nb_read_packets', '-of', 'csv=p=0', file]);
  return Number(stdout.trim()) || 0;
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
      let videoS = 0;
      for (const r of runs) {
        const dest = join(r.spoolDir, '..', 'dest');
        const all = filesUnder(dest);
        for (const f of all.filter((p) => p.endsWith('.mp4'))) frames += await packets(f);
        const head = all.find((p) => p.endsWith('/manifest.json'));
        if (head === undefined) continue;
        const dir = join(head, '..');
        const chunkTexts = readdirSync(dir).filter((f) => /^manifest-\d{6}\.json$/.test(f)).sort().map((f) => readFileSync(join(dir, f), 'utf8'));
        videoS += (assembleStored(readFileSync(head, 'utf8'), chunkTexts).manifest?.entries ?? []).reduce((s, e) => s + e.durationSeconds, 0);
      }
      const perSessionPerMin = cpuS / n / (seconds / 60);
      const kept = frames / (videoS * options.frameRate);
      const exitCodes = exits.map((e) => e.code);
      data.push({ n, seconds, load, cpuS, perSessionPerMin, frames, videoS, kept, exitCodes });
      rows.push([
        `16d. ${n} recorder(s) at once, busy 1080p 5 fps`,
        `${round(perSessionPerMin, 2)} CPU-s per session-minute (${round((n * perSessionPerMin) / 60, 2)} cores in all); frames kept ${round(kept * 100, 1)} %`,
        `${round(videoS / n, 1)} s of video per session of ${seconds} s; exit codes ${exitCodes.join(',')}; load average at start ${round(load, 2)}`,
      ]);
    }
  } finally {
    await scene.stop();
  }
  return { name: 'density', rows, data };
}

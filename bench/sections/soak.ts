/**
 * Issue 9, figure 5 (long session): the orchestrator over 1,000 segments. The real CLI with all
 * its real actors, uploading to s3rver, fed by a real FFmpeg segment muxer that runs ten times
 * faster than real time (bench/fast-ffmpeg.sh: the lavfi test source, small, `-readrate 10`,
 * 1 s segments: ten segments a second). Node's RSS at the start, middle and end must stay flat.
 */
import { join } from 'node:path';
import type { BenchContext, SectionResult } from '../lib/context';
import { RecorderRun } from '../lib/recorder';
import { round } from '../lib/stats';

export async function soakSection(ctx: BenchContext): Promise<SectionResult> {
  const { options, s3 } = ctx;
  const segments = options.quick ? 150 : 1000;
  const readRate = 10;
  ctx.log(`soak: ${segments} segments of 1 s at ${readRate}x real time`);
  const run = new RecorderRun({
    work: join(ctx.work, 'soak'), destination: `s3://${s3.bucket}/`,
    env: { ...process.env, ...s3.env, BENCH_READRATE: String(readRate), BENCH_SIZE: '320x180' },
    segmentSeconds: 1, frameRate: 10, sampleEveryMs: 1000, nodeArgs: ['--trace-gc'],
    extra: ['--endpoint', s3.endpoint, '--capture-source', 'lavfi', '--ffmpeg-path', join(__dirname, '..', 'fast-ffmpeg.sh')],
  });
  const counter: number[] = [];
  let seen = 0;
  const marks = [0.1, 0.5, 1].map((f) => Math.max(1, Math.round(segments * f)));
  const atMark: Array<{ segments: number; rssMiB: number; nodeCpuS: number; atMs: number }> = [];
  const deadline = Date.now() + (segments / readRate) * 3000 + 60_000;
  while (seen < segments) {
    if (Date.now() > deadline) throw new Error(`soak: only ${seen} of ${segments} segments closed in time; stderr tail:\n${run.stderr}`);
    await new Promise((resolve) => setTimeout(resolve, 200));
    seen = countClosed(run, counter);
    for (const mark of marks) {
      if (seen >= mark && !atMark.some((m) => m.segments === mark)) {
        const s = run.sample();
        if (s) atMark.push({ segments: mark, rssMiB: s.nodeRssMiB, nodeCpuS: s.node.self, atMs: s.atMs });
      }
    }
  }
  const sentinelAt = run.writeSentinel();
  const exit = await run.exited;
  const uploaded = Number(/Recorded (\d+) segment/.exec(exit.stdout)?.[1] ?? Number.NaN);
  const [start, mid, end] = atMark;
  const rss = run.samples.map((s) => s.nodeRssMiB);
  const cpuPerSegmentMs = start && end ? ((end.nodeCpuS - start.nodeCpuS) / (end.segments - start.segments)) * 1000 : Number.NaN;
  // V8's heap after each full (mark-compact) collection: what is really still referenced. RSS
  // alone also grows while V8 merely defers collection.
  const heapAfterGc = [...exit.stdout.matchAll(/ (\d+) ms: Mark-Compact [\d.]+ \([\d.]+\) -> ([\d.]+) \([\d.]+\) MB/g)]
    .map((m) => ({ atMs: run.startedAtMs + Number(m[1]), heapMB: Number(m[2]) }));
  const heapAt = (f: number) => heapAfterGc[Math.min(heapAfterGc.length - 1, Math.floor(heapAfterGc.length * f))]?.heapMB ?? Number.NaN;
  const rows: Array<[string, string, string]> = [
    [`5. Node RSS over ${segments} segments (at ${marks.join(' / ')})`, `${round(start?.rssMiB ?? Number.NaN, 1)} / ${round(mid?.rssMiB ?? Number.NaN, 1)} / ${round(end?.rssMiB ?? Number.NaN, 1)} MiB`,
      `must stay flat: end − start ${round((end?.rssMiB ?? Number.NaN) - (start?.rssMiB ?? Number.NaN), 1)} MiB; max ${round(Math.max(...rss), 1)} MiB; exit ${exit.code}, ${uploaded} uploaded`],
    ['5. V8 heap after full GC (first / middle / last)', `${round(heapAt(0), 1)} / ${round(heapAt(0.5), 1)} / ${round(heapAt(1), 1)} MB`, `${heapAfterGc.length} mark-compact collections`],
    ['5. Node CPU per segment (closed → hashed → uploaded)', `${round(cpuPerSegmentMs, 1)} ms`, `= ${round((cpuPerSegmentMs / 1000 / 60) * 100, 3)} % of a core at 60 s segments; drain ${exit.atMs - sentinelAt} ms`],
  ];
  return { name: 'soak', rows, data: { segments, readRate, marks: atMark, heapAfterGc, uploaded, exitCode: exit.code, samples: run.samples.map((s) => ({ atMs: s.atMs, rssMiB: s.nodeRssMiB, nodeCpuS: s.node.self })) } };
}

/** segment.closed lines so far (counted incrementally: the log grows to thousands of lines). */
function countClosed(run: RecorderRun, state: number[]): number {
  const from = state[0] ?? 0;
  let count = state[1] ?? 0;
  for (let i = from; i < run.lines.length; i++) if (run.lines[i]?.msg === 'segment.closed') count++;
  state[0] = run.lines.length;
  state[1] = count;
  return count;
}

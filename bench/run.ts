/**
 * `npm run bench` (issue 9): coverage, CPU and bytes per recorded minute, durability latency, drain
 * time, the orchestrator's own cost, display changes and crash loss, each side by side with the
 * original design where there is one, on Xvfb at 1920x1080 with a busy and a quiet scene.
 *
 *   npm run bench                      # everything, 3 runs behind each median (~15 min on 2 cores)
 *   npm run bench -- --quick           # 1 run each, short durations (~4 min)
 *   npm run bench -- --only live,crash --runs 5
 *
 * Measures the BUILT recorder (dist/: run `npm run build` first). Prints a table and writes
 * bench/results/<time>.json (every run's raw figures) and .md (the table).
 */
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startS3Server } from '../test/helpers/s3Server';
import type { BenchContext, SectionResult } from './lib/context';
import { machineInfo } from './lib/machine';
import { parseOptions, type SectionName } from './lib/options';
import { RecorderRun } from './lib/recorder';
import { startBenchDisplay } from './lib/scene';
import { activitySection } from './sections/activity';
import { crashSection } from './sections/crash';
import { cutSection } from './sections/cut';
import { densitySection } from './sections/density';
import { displaySection } from './sections/display';
import { drainSection } from './sections/drain';
import { followSection } from './sections/follow';
import { idleBytesSection } from './sections/idleBytes';
import { keyintSection } from './sections/keyint';
import { liveSection } from './sections/live';
import { manifestSection } from './sections/manifest';
import { offlineSection } from './sections/offline';
import { overheadSection } from './sections/overhead';
import { grabberSection } from './sections/grabber';
import { grabPathSection } from './sections/grabPath';
import { qualitySection } from './sections/quality';
import { sessionsSection } from './sections/sessions';
import { soakSection } from './sections/soak';
import { searchSection } from './sections/search';

const ROOT = join(__dirname, '..');

const sections: Record<SectionName, (ctx: BenchContext) => Promise<SectionResult>> = {
  sessions: sessionsSection,
  live: liveSection,
  offline: offlineSection,
  drain: drainSection,
  soak: soakSection,
  display: displaySection,
  crash: crashSection,
  cut: cutSection,
  manifest: manifestSection,
  quality: qualitySection,
  density: densitySection,
  follow: followSection,
  activity: activitySection,
  overhead: overheadSection,
  grabber: grabberSection,
  grabpath: grabPathSection,
  search: searchSection,
  idlebytes: idleBytesSection,
  keyint: keyintSection,
};

async function main(): Promise<void> {
  // Same as the CLI: the pinned SDK's notice that later releases need Node 22 is not news here.
  process.env['AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED'] ??= 'true';
  const options = parseOptions(process.argv.slice(2), join(ROOT, 'bench', 'results'));
  if (!existsSync(join(ROOT, 'dist', 'cli.js'))) throw new Error('dist/cli.js is missing: run `npm run build` first (the benchmark measures the built recorder)');
  const machine = machineInfo(ROOT);
  const startedAt = Date.now();
  const log = (message: string) => process.stderr.write(`[bench ${((Date.now() - startedAt) / 1000).toFixed(0).padStart(4)} s] ${message}\n`);
  log(`${machine.cores} cores (${machine.cpuModel}), ${machine.ramGiB} GiB, ffmpeg ${machine.ffmpeg}, load ${machine.loadAtStart}; ${options.quick ? 'quick' : 'full'} run, ${options.runs} run(s) per figure`);

  const work = mkdtempSync(join(tmpdir(), 'session-recorder-bench-'));
  const [x, s3] = await Promise.all([startBenchDisplay(1920, 1080), startS3Server({ bucket: 'bench' })]);
  const results: Array<SectionResult & { seconds: number; error?: string }> = [];
  try {
    const ctx: BenchContext = { options, x, s3, work, log };
    for (const name of options.sections) {
      const t0 = Date.now();
      try {
        const result = await sections[name](ctx);
        results.push({ ...result, seconds: Math.round((Date.now() - t0) / 1000) });
      } catch (error) {
        log(`${name} FAILED: ${(error as Error).stack ?? String(error)}`);
        RecorderRun.killAll();
        results.push({ name, rows: [[`${name}`, 'FAILED', (error as Error).message.split('\n')[0] ?? '']], data: null, seconds: Math.round((Date.now() - t0) / 1000), error: String(error) });
      }
      log(`${name} done in ${results.at(-1)?.seconds} s`);
    }
  } finally {
    RecorderRun.killAll();
    await Promise.all([x.stop(), s3.stop()]);
    rmSync(work, { recursive: true, force: true });
  }

  const totalS = Math.round((Date.now() - startedAt) / 1000);
  const command = `npm run bench${process.argv.length > 2 ? ` -- ${process.argv.slice(2).join(' ')}` : ''}`;
  const rows = results.flatMap((r) => r.rows);
  const header = `${command}: ${totalS} s on ${machine.cores} cores (${machine.cpuModel}), ${machine.ramGiB} GiB RAM, ${machine.os}, ` +
    `Node ${machine.node}, ffmpeg ${machine.ffmpeg}, commit ${machine.gitCommit}${machine.gitDirty ? '+changes' : ''}, load at start ${machine.loadAtStart}`;
  console.log(`\n${header}\n`);
  console.log(textTable(rows));
  mkdirSync(options.outDir, { recursive: true });
  const stamp = new Date(startedAt).toISOString().replace(/[:.]/g, '-');
  const base = join(options.outDir, `bench-${stamp}${options.quick ? '-quick' : ''}`);
  writeFileSync(`${base}.json`, `${JSON.stringify({ command, startedAt: new Date(startedAt).toISOString(), totalS, machine, options, sections: results }, null, 2)}\n`);
  writeFileSync(`${base}.md`, `${header}\n\n${markdownTable(rows)}\n`);
  console.log(`\nwritten: ${base}.json, ${base}.md`);
  if (results.some((r) => r.error)) process.exitCode = 1;
}

function textTable(rows: ReadonlyArray<readonly [string, string, string]>): string {
  const w0 = Math.max(...rows.map((r) => r[0].length));
  const w1 = Math.max(...rows.map((r) => r[1].length));
  return rows.map((r) => `${r[0].padEnd(w0)}  ${r[1].padEnd(w1)}  ${r[2]}`).join('\n');
}

function markdownTable(rows: ReadonlyArray<readonly [string, string, string]>): string {
  const cell = (s: string) => s.replace(/\|/g, '\\|');
  return ['| figure | result | target / comparison |', '|---|---|---|', ...rows.map((r) => `| ${cell(r[0])} | ${cell(r[1])} | ${cell(r[2])} |`)].join('\n');
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exitCode = 1;
});

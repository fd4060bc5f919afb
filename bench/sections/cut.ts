/**
 * Issue 13: the cost of an attack. The built recorder records the bench display while the test's
 * hostile X client (test/fixtures/xattack) cuts FFmpeg's X connection every 5 s; end.json's
 * coverage gives each interruption's gap (last frame before → first frame after) and the session's
 * coverage under attack.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { sessionPrefix } from '../../src/domain/sanitize';
import type { Coverage } from '../../src/domain/coverage';
import { runCli, waitUntil } from '../../test/helpers/cli';
import { buildXattack, xattack } from '../../test/helpers/xattack';
import type { BenchContext, SectionResult } from '../lib/context';
import { median, round } from '../lib/stats';

export async function cutSection(ctx: BenchContext): Promise<SectionResult> {
  const { options, x } = ctx;
  const seconds = options.quick ? 21 : 41;
  const cuts = Math.floor((seconds - 6) / 5);
  const attack = await buildXattack(ctx.work);
  const runs: Array<{ gapsS: number[]; coverage: number; cuts: number }> = [];
  for (let i = 0; i < options.runs; i++) {
    const sessionId = `cut-${i}`;
    const dir = join(ctx.work, 'cut', sessionId);
    ctx.log(`cut: round ${i + 1}/${options.runs}: ${cuts} X-connection cuts, 5 s apart, in a ${seconds} s session`);
    const recorder = runCli([
      'record', '--destination', `file://${join(dir, 'rec')}`, '--display', x.display, '--spool-dir', join(dir, 'spool'),
      '--run-dir', join(dir, 'run'), '--insecure', '--segment-seconds', '5', '--frame-rate', String(options.frameRate),
      '--max-duration', String(seconds), '--session-id', sessionId, '--stack', 'bench', '--fleet', 'cut', '--user', 'bench',
    ]);
    await waitUntil('the first capture', () => (recorder.stderr().includes('"ffmpeg.capturing"') ? true : undefined), 30_000);
    const done = await xattack(attack, x.display, ['cut', 'ffmpeg', '5000', String(cuts * 5000)]);
    const result = await recorder.done;
    if (result.code !== 0) throw new Error(`record exited ${result.code}: ${result.stderr.slice(-1000)}`);
    const end = JSON.parse(readFileSync(join(dir, 'rec', sessionPrefix({ stack: 'bench', fleet: 'cut', sessionId }), 'end.json'), 'utf8')) as { coverage: Coverage };
    const gapsS = end.coverage.gaps.filter((g) => g.causes.includes('x-connection-lost')).map((g) => g.seconds);
    runs.push({ gapsS, coverage: end.coverage.ratio, cuts: done.length });
  }
  const gaps = runs.flatMap((r) => r.gapsS);
  return {
    name: 'cut',
    rows: [
      ['13. restart cost after an X-connection cut', `${round(median(gaps), 2)} s per cut (max ${round(Math.max(...gaps), 2)} s, ${gaps.length} cuts)`, 'target well under 1 s: a lost capture restarts at once'],
      ['13. coverage under a cut every 5 s', `${round(median(runs.map((r) => r.coverage)) * 100, 1)} %`, `target ≥ 85 %; ${seconds} s sessions`],
    ],
    data: { seconds, runs },
  };
}

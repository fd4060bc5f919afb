/**
 * `record --inspect-json FILE`: a real (lavfi) recording writes one JSON line per statechart
 * event, ending in `finished`, and an offline page beside it that replays them from file://.
 */
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCli } from '../helpers/cli';

jest.setTimeout(60_000);

let work: string;
beforeEach(async () => {
  work = await mkdtemp(join(tmpdir(), 'inspect-json-'));
});
afterEach(async () => {
  await rm(work, { recursive: true, force: true });
});

test('every transition lands as a JSON line, from idle to finished, with an offline page beside it', async () => {
  const file = join(work, 'transitions.jsonl');
  const run = await runCli([
    'record', '--capture-source', 'lavfi', '--destination', `file://${join(work, 'rec')}`, '--spool-dir', join(work, 'spool'),
    '--run-dir', join(work, 'run'), '--session-id', 'json-1', '--segment-seconds', '1', '--max-duration', '3', '--inspect-json', file,
  ]).done;
  expect({ code: run.code, stderr: run.code === 0 ? '' : run.stderr.slice(-2000) }).toEqual({ code: 0, stderr: '' });
  const records = (await readFile(file, 'utf8')).trim().split('\n').map((line) => JSON.parse(line) as { event: string; from: unknown; to: unknown });
  const events = records.map((r) => r.event);
  expect(events).toEqual(expect.arrayContaining(['display.detected', 'ffmpeg.started', 'segment.closed', 'upload.done', 'recorder.stop', 'upload.finalized']));
  expect(records.at(-1)?.to).toBe('finished');
  expect(existsSync(`${file}.html`)).toBe(true);
  expect(await readFile(`${file}.html`, 'utf8')).toContain('<svg');
});

/**
 * The recorder's log as a person sees it on a terminal: `script` gives the real CLI a pseudo
 * terminal, so stderr is a TTY exactly as in an interactive shell. The decision and the format
 * themselves are unit-tested in logFormat.test.ts; this checks that the real process picks them.
 */
import { spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CLI } from './helpers/cli';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'log-terminal-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** A two-second lavfi recording run in a pseudo terminal; everything it printed, as lines. */
async function recordOnTerminal(extra: readonly string[]): Promise<{ code: number | null; lines: string[] }> {
  const args = [
    process.execPath, CLI, 'record', '--capture-source', 'lavfi', '--max-duration', '2', '--session-id', 's-tty', '--insecure',
    '--spool-dir', join(dir, 'spool'), '--run-dir', join(dir, 'run'), '--destination', `file://${join(dir, 'recordings')}`, ...extra,
  ];
  const command = args.map((a) => `'${a.replace(/'/g, `'\\''`)}'`).join(' ');
  const child = spawn('script', ['-qec', command, '/dev/null'], { stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  child.stdout.on('data', (d: Buffer) => (out += d.toString()));
  const code = await new Promise<number | null>((resolve, reject) => {
    child.once('error', reject);
    child.once('close', resolve);
  });
  // eslint-disable-next-line no-control-regex
  return { code, lines: out.replace(/\u001b\[[\d;]*m/g, '').split(/\r?\n/).filter((l) => l.trim() !== '') };
}

test('on a terminal the log is one readable line a record', async () => {
  const { code, lines } = await recordOnTerminal([]);
  expect(code).toBe(0);
  expect(lines.filter((l) => l.startsWith('{'))).toEqual([]);
  expect(lines).toEqual(expect.arrayContaining([
    expect.stringMatching(/^\d\d:\d\d:\d\d\.\d{3} INFO  recording session  session=s-tty /),
    expect.stringMatching(/^\d\d:\d\d:\d\d\.\d{3} INFO  recorder\.stop  state=draining\.flushing\.stopping reason="max duration 2 s"$/),
    expect.stringMatching(/^Recorded 1 segment/),
  ]));
}, 60_000);

test('--log-format json keeps JSON lines on a terminal', async () => {
  const { code, lines } = await recordOnTerminal(['--log-format', 'json']);
  expect(code).toBe(0);
  const records = lines.filter((l) => l.startsWith('{')).map((l) => JSON.parse(l) as { level: number; msg: string });
  expect(records.map((r) => r.msg)).toEqual(expect.arrayContaining(['recording session', 'recorder.stop']));
  expect(lines.filter((l) => !l.startsWith('{'))).toEqual([expect.stringMatching(/^Recorded 1 segment/)]);
}, 60_000);

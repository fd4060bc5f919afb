/**
 * Every local directory is checked, within a bounded time, before the recorder writes anything
 * to the destination: a sentinel directory another user owns, or a path under /proc or /sys (a
 * recursive mkdir under /proc never settles), ends in exit 2 with one line, and the bucket stays
 * empty (before, the session's metadata object was uploaded first, or the recorder hung). The
 * built CLI as a real process, a real S3-compatible server, a real Xvfb.
 */
import { chownSync, mkdirSync, mkdtempSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCli } from '../helpers/cli';
import { startS3Server, type TestS3Server } from '../helpers/s3Server';
import { startXvfb, type Xvfb } from '../helpers/xvfb';
import { humanLines } from './faultKit';

jest.setTimeout(180_000);

const work = mkdtempSync(join(tmpdir(), 'fault-start-checks-'));
let x: Xvfb;
let s3: TestS3Server;
beforeAll(async () => {
  [x, s3] = await Promise.all([startXvfb({ width: 320, height: 240, scene: false }), startS3Server({ bucket: 'start-checks' })]);
});
afterAll(async () => {
  await Promise.all([x?.stop(), s3?.stop()]);
  await rm(work, { recursive: true, force: true });
});

const base = (name: string): string[] => [
  'record', '--destination', 's3://start-checks/p/', '--endpoint', s3.endpoint, '--region', 'us-east-1', '--display', x.display,
  '--spool-dir', join(work, name, 'spool'), '--sentinel', join(work, name, 'run', 'end'), '--session-id', name,
  '--stack', 's', '--fleet', 'f', '--user', 'u', '--wait-for-display', '5', '--max-duration', '3',
];
const replace = (args: string[], flag: string, value: string): string[] => args.map((a, i) => (args[i - 1] === flag ? value : a));

/** Runs the recorder; one that has not exited after 60 s (the /proc hang) is killed by its PID and reported. */
async function record(args: string[]) {
  const run = runCli(args, { env: { ...process.env, ...s3.env }, cwd: work });
  const timer = setTimeout(() => run.child.kill('SIGKILL'), 60_000);
  const result = await run.done;
  clearTimeout(timer);
  if (result.signal === 'SIGKILL') throw new Error(`the recorder hung at start (killed after 60 s); stderr:\n${result.stderr.slice(-1500)}`);
  return { ...result, lines: humanLines(result.stderr) };
}

test('a sentinel directory owned by another user: exit 2 before the metadata is uploaded', async () => {
  const runDir = join(work, 'foreign', 'run');
  mkdirSync(runDir, { recursive: true, mode: 0o700 });
  chownSync(runDir, 64411, 64411);
  const result = await record(base('foreign'));
  expect({ code: result.code, lines: result.lines }).toEqual({
    code: 2, lines: [expect.stringMatching(/^session-recorder: sentinel directory .*foreign\/run is owned by uid 64411, not by the recorder's uid/)],
  });
  expect(await s3.listKeys()).toEqual([]);
});

test.each([
  ['--destination', 'file:///proc/sr-test-destination', /--destination: .*\/proc\/sr-test-destination is under \/proc/],
  ['--destination', 'file:///sys/sr-test-destination', /--destination: .*\/sys\/sr-test-destination is under \/sys/],
  ['--spool-dir', '/proc/sr-test-spool', /spool directory \/proc\/sr-test-spool is under \/proc/],
  ['--sentinel', '/proc/sr-test-run/end', /sentinel directory \/proc\/sr-test-run is under \/proc/],
])('%s %s: refused at once with exit 2, nothing uploaded', async (flag, value, says) => {
  const result = await record(replace(base(`pseudo-${flag.slice(2)}`), flag, value));
  expect({ code: result.code, lines: result.lines }).toEqual({ code: 2, lines: [expect.stringMatching(says)] });
  expect(result.lines[0]).toMatch(/: (point|set) .* at a real directory/);
  expect(await s3.listKeys()).toEqual([]);
});

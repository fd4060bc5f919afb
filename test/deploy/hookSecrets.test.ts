/**
 * The start hook never puts the env file's values on a command line: any local user can read
 * /proc/<pid>/cmdline of any process, so a secret passed as `env -i KEY=value ...` leaks for as
 * long as that process lives. The whole hook (stage 1, the detached stage 2, the recorder) runs
 * under `strace -f -e trace=execve`, which records the argv of every program it executes; the
 * secret must reach the recorder's environment and appear in none of them.
 */
import { spawn } from 'node:child_process';
import { chmodSync, copyFileSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { waitUntil } from '../helpers/cli';
import { fakeRecorder, killPid, linuxHooks, livePid, runScript } from './hookRunner';
import { startUserDisplay, type UserDisplay } from './userDisplay';

jest.setTimeout(120_000);

const isRoot = process.getuid?.() === 0;
beforeAll(() => {
  if (!isRoot) throw new Error('the hook tests need root (the AppStream hooks run as root)');
  if (!existsSync('/usr/bin/strace')) throw new Error('strace is not installed (scripts/install-deps.sh installs it)');
});

let user: UserDisplay;
let root: string;
let pid: number | undefined;
beforeAll(async () => {
  user = await startUserDisplay(64311);
  root = mkdtempSync(join(tmpdir(), 'sr-hooksecret-'));
});
afterAll(async () => {
  await killPid(pid);
  await user?.stop();
  if (root) rmSync(root, { recursive: true, force: true });
});

test('a secret from the env file reaches the recorder\'s environment and no command line', async () => {
  const secret = `sekrit-${process.pid}-${Date.now()}-value`;
  const recorder = join(root, 'session-recorder');
  copyFileSync(fakeRecorder, recorder);
  chmodSync(recorder, 0o755);
  const out = join(root, 'out');
  mkdirSync(out);
  const envFile = join(root, 'recorder.env');
  writeFileSync(envFile, `FAKE_RECORDER_OUT=${out}\nAWS_SECRET_ACCESS_KEY="${secret}"\nFAKE_DRAIN_SECONDS=0\n`, { mode: 0o600 });
  const dirs = ['--state-dir', join(root, 'run'), '--spool-root', join(root, 'spool'), '--log-dir', join(root, 'log')];
  const trace = join(root, 'execve.trace');

  // strace follows the detached stage 2 too, and exits when the last traced process (the recorder) does.
  const tracer = spawn('/usr/bin/strace', [
    '-f', '-qq', '-s', '65535', '-e', 'trace=execve', '-o', trace,
    join(linuxHooks, 'session-start.sh'), '--session-id', 'sess-secret', '--unix-user', String(user.uid), '--recorder', recorder,
    '--launcher', 'setsid', '--env-file', envFile, ...dirs,
  ], { env: { PATH: '/usr/bin:/bin' }, stdio: 'ignore' });
  const traced = new Promise<number | null>((resolve) => tracer.once('exit', (code) => resolve(code)));

  // (The fake recorder creates the file, then `env -0` fills it: wait for a complete dump.)
  const environment = await waitUntil('the recorder to write its environment', () => {
    const dump = readdirSync(out).find((f) => f.startsWith('env.'));
    const entries = dump === undefined ? [] : readFileSync(join(out, dump), 'utf8').split('\0');
    return entries.some((e) => e.startsWith('FAKE_DRAIN_SECONDS=')) ? entries : undefined;
  }, 30_000);
  pid = livePid(join(root, 'run'), 'sess-secret');
  // The recorder got the value, as one exact environment entry.
  expect(environment).toContain(`AWS_SECRET_ACCESS_KEY=${secret}`);

  const ended = await runScript(join(linuxHooks, 'session-end.sh'), ['--session-id', 'sess-secret', '--recorder', recorder, '--timeout', '20', ...dirs]);
  expect(ended.code).toBe(0);
  await traced;
  const execs = readFileSync(trace, 'utf8').split('\n').filter((l) => l.includes('execve('));
  // The trace saw the programs the hook runs (so it could have seen the secret) ...
  expect(execs.some((l) => l.includes('session-recorder'))).toBe(true);
  expect(execs.some((l) => l.includes('--stage2'))).toBe(true);
  // ... and the secret in none of their argv. (strace prints argv, then the environment as a count.)
  expect(execs.filter((l) => l.includes(secret))).toEqual([]);
});

/**
 * The deployment scripts: syntax (bash -n, shellcheck when installed), the systemd unit
 * (systemd-analyze when installed), the AppStream config.json fragments, and the Linux hooks run
 * for real as root against a real Xvfb that belongs to another uid (the "streaming user"), with a
 * stand-in recorder (test/deploy/fixtures/fake-recorder.sh) so they are tested without the real
 * one. linuxHooks.test.ts runs them with the real recorder and a real S3-compatible server.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { chmodSync, copyFileSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { waitUntil } from '../helpers/cli';
import { END_BUDGET_MS, fakeRecorder, killPid, linuxHooks, livePid, repoRoot, runScript, START_BUDGET_MS } from './hookRunner';
import { startUserDisplay, type UserDisplay } from './userDisplay';

const has = (cmd: string): boolean => spawnSync('sh', ['-c', `command -v ${cmd}`]).status === 0;
const isRoot = process.getuid?.() === 0;
const shellScripts = [
  ...['lib.sh', 'session-start.sh', 'session-end.sh', 'find-display.sh'].map((f) => join(linuxHooks, f)),
  fakeRecorder,
];
/** Same rule as sr_safe_name in lib.sh. */
const safeName = (id: string): string =>
  /^[A-Za-z0-9][A-Za-z0-9_-]{0,99}$/.test(id) ? id : `x.${createHash('sha256').update(id).digest('hex').slice(0, 32)}`;
const mode = (p: string): string => (statSync(p).mode & 0o777).toString(8);

describe('shell scripts', () => {
  test.each(shellScripts)('bash -n %s', (file) => {
    expect(spawnSync('bash', ['-n', file], { encoding: 'utf8' }).stderr).toBe('');
  });

  test('shellcheck finds nothing', () => {
    if (!has('shellcheck')) throw new Error('shellcheck is not installed (scripts/install-deps.sh installs it)');
    const r = spawnSync('shellcheck', ['-x', ...shellScripts], { encoding: 'utf8', cwd: linuxHooks });
    expect(r.stdout + r.stderr).toBe('');
    expect(r.status).toBe(0);
  });

  test('the hooks are executable, the library is not', () => {
    for (const f of ['session-start.sh', 'session-end.sh', 'find-display.sh']) expect(statSync(join(linuxHooks, f)).mode & 0o111).toBe(0o111);
    expect(statSync(join(linuxHooks, 'lib.sh')).mode & 0o111).toBe(0);
  });
});

describe('systemd unit scripts/systemd/session-recorder@.service', () => {
  const unit = readFileSync(join(repoRoot, 'scripts/systemd/session-recorder@.service'), 'utf8');
  const setting = (key: string): string[] => [...unit.matchAll(new RegExp(`^${key}=(.*)$`, 'gm'))].map((m) => m[1]!);

  test('stops with SIGTERM to the recorder only, within a budget that fits the 50 s drain', () => {
    expect(setting('KillSignal')).toEqual(['SIGTERM']);
    expect(setting('KillMode')).toEqual(['mixed']);
    const stop = Number(setting('TimeoutStopSec')[0]);
    expect(stop).toBeGreaterThanOrEqual(55);
    expect(stop).toBeLessThanOrEqual(65);
  });

  test('hardening keeps what X11 capture and S3 need', () => {
    expect(setting('PrivateTmp')).toEqual(['no']); // /tmp/.X11-unix
    expect(setting('PrivateNetwork')).toEqual([]); // S3, abstract X11 socket
    expect(setting('RestrictAddressFamilies')[0]!.split(' ').sort()).toEqual(['AF_INET', 'AF_INET6', 'AF_UNIX']);
    expect(setting('MemoryDenyWriteExecute')).toEqual([]); // Node's JIT
    expect(setting('NoNewPrivileges')).toEqual(['yes']);
    expect(setting('ProtectSystem')).toEqual(['strict']);
    expect(setting('ExecStart')[0]).toContain('session-start.sh --stage2 /run/session-recorder/%i/stage2.args');
  });

  test('systemd-analyze verify reports nothing', () => {
    if (!has('systemd-analyze')) throw new Error('systemd-analyze is not installed (Debian package systemd; scripts/install-deps.sh installs it)');
    const dir = mkdtempSync(join(tmpdir(), 'sr-unit-'));
    try {
      const instance = join(dir, 'session-recorder@abc.service');
      writeFileSync(instance, unit);
      const r = spawnSync('systemd-analyze', ['verify', instance], { encoding: 'utf8' });
      expect(r.stderr.split('\n').filter((l) => l && !/generator|Cannot stat/.test(l))).toEqual([]);
      expect(r.status).toBe(0);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('AppStream config.json fragments', () => {
  type Entry = { Context: string; Filename: string; Arguments: string; S3LogEnabled: boolean };
  type Config = Record<'SessionStart' | 'SessionTermination', { Executables: Entry[]; WaitingTime: number }>;
  const load = (os: string): Config => JSON.parse(readFileSync(join(repoRoot, 'scripts/appstream', os, 'config.json'), 'utf8')) as Config;

  test.each(['linux', 'windows'])('%s: both hooks in the system context, within AppStream limits, pointing at scripts that exist', (os) => {
    const config = load(os);
    expect(Object.keys(config).sort()).toEqual(['SessionStart', 'SessionTermination']);
    for (const event of Object.values(config)) {
      expect(event.WaitingTime).toBeGreaterThan(0);
      expect(event.WaitingTime).toBeLessThanOrEqual(60);
      expect(event.Executables).toHaveLength(1);
      expect(event.Executables[0]!.Context).toBe('system');
    }
    const scriptOf = (e: Entry): string =>
      os === 'linux'
        ? e.Filename.replace('/opt/session-recorder/', '')
        : /-File "C:\\Program Files\\session-recorder\\([^"]+)"/.exec(e.Arguments)![1]!.replace(/\\/g, '/');
    for (const e of [config.SessionStart.Executables[0]!, config.SessionTermination.Executables[0]!]) {
      expect(existsSync(join(repoRoot, scriptOf(e)))).toBe(true);
    }
    // The end hook's own timeout leaves room before AppStream stops it.
    const timeout = Number(/(?:--timeout|-TimeoutSeconds) (\d+)/.exec(config.SessionTermination.Executables[0]!.Arguments)![1]);
    expect(timeout + 3).toBeLessThanOrEqual(config.SessionTermination.WaitingTime);
  });
});

// The hooks run as root and start X servers as other uids: without root these tests cannot run,
// and fail saying so. Missing tools are an error too (scripts/install-deps.sh must install them).
beforeAll(() => {
  if (!isRoot) throw new Error('the hook tests need root (the hooks run as root and start X servers as other uids)');
  const missing = ['Xvfb', 'xauth', 'setpriv', 'xdpyinfo', 'flock', 'xclock'].filter((c) => !has(c));
  if (isRoot && missing.length > 0) throw new Error(`Missing for the hook tests: ${missing.join(', ')} (Debian: xvfb xauth util-linux x11-utils x11-apps)`);
});

describe('find-display.sh against a real Xvfb owned by another uid', () => {
  let a: UserDisplay;
  let b: UserDisplay;
  beforeAll(async () => {
    [a, b] = await Promise.all([startUserDisplay(64101), startUserDisplay(64102)]);
  });
  afterAll(async () => {
    await Promise.all([a?.stop(), b?.stop()]);
  });
  const find = (args: string[]) => runScript(join(linuxHooks, 'find-display.sh'), args, { cutOffMs: 20_000 });
  const field = (out: string, key: string): string | undefined => new RegExp(`^${key}=(.*)$`, 'm').exec(out)?.[1];

  test('root cannot open the user display without the cookie (what the hook must solve)', () => {
    const r = spawnSync('xdpyinfo', [], { env: { DISPLAY: a.display, XAUTHORITY: '/dev/null' } });
    expect(r.status).not.toBe(0);
  });

  test("finds each user's display and the user's Xauthority, on a host with two sessions", async () => {
    for (const u of [a, b]) {
      const r = await find(['--user', String(u.uid)]);
      expect([r.code, field(r.stdout, 'display'), field(r.stdout, 'xauthority_source')]).toEqual([0, u.display, u.xauthority]);
    }
  });

  test('copies the cookie into a root-only file with which root opens the display', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'sr-find-'));
    try {
      const out = join(dir, 'Xauthority');
      const r = await find(['--user', String(a.uid), '--xauth-out', out]);
      expect(r.stdout).toContain('root_can_open=yes');
      expect(r.code).toBe(0);
      expect([statSync(out).uid, mode(out)]).toEqual([0, '600']);
      expect(spawnSync('xdpyinfo', [], { env: { DISPLAY: a.display, XAUTHORITY: out } }).status).toBe(0);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test("ignores hostile values in the user's environment: remote displays, shell text, other users' files", async () => {
    const dir = mkdtempSync(join(tmpdir(), 'sr-hostile-'));
    const marker = join(dir, 'pwned');
    const hostile = [
      { DISPLAY: 'evil.example.com:0', XAUTHORITY: a.xauthority },
      { DISPLAY: `${a.display}; touch ${marker}`, XAUTHORITY: a.xauthority },
      { DISPLAY: `$(touch ${marker})`, XAUTHORITY: a.xauthority },
      { DISPLAY: ':4999', XAUTHORITY: a.xauthority }, // no such socket
      { DISPLAY: a.display, XAUTHORITY: '/etc/shadow' }, // not the user's file
    ];
    // Five hostile processes of the user next to the one honest client (xclock).
    for (const env of hostile) a.spawnAsUser(env, 'sleep', ['60']);
    await new Promise((r) => setTimeout(r, 300)); // let the processes exec
    try {
      const out = join(dir, 'Xauthority');
      const r = await find(['--user', String(a.uid), '--xauth-out', out]);
      expect([r.code, field(r.stdout, 'display'), field(r.stdout, 'xauthority_source')]).toEqual([0, a.display, a.xauthority]);
      expect(existsSync(marker)).toBe(false);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test('--display forces a display; no display for a user is exit 5 with the reason', async () => {
    const forced = await find(['--user', String(a.uid), '--display', b.display]);
    expect(field(forced.stdout, 'display')).toBe(b.display);
    const none = await find(['--user', '64199']);
    expect(none.code).toBe(5);
    expect(field(none.stdout, 'why')).toContain('no process of uid 64199');
    expect((await find(['--user', String(a.uid), '--display', 'remote:0'])).code).toBe(5);
  });
});

describe('session-start.sh / session-end.sh with a stand-in recorder', () => {
  let user: UserDisplay;
  let root: string;
  let binDir: string;
  let recorder: string;
  const started: number[] = [];
  beforeAll(async () => {
    user = await startUserDisplay(64111);
    // Installed the way an admin would (0755): the hook refuses a recorder others can write, and
    // a checkout's modes depend on the umask it was made with.
    binDir = mkdtempSync(join(tmpdir(), 'sr-bin-'));
    recorder = join(binDir, 'session-recorder');
    copyFileSync(fakeRecorder, recorder);
    chmodSync(recorder, 0o755);
  });
  afterAll(async () => {
    await Promise.all(started.map(killPid));
    await user?.stop();
    if (binDir) rmSync(binDir, { recursive: true, force: true });
  });
  beforeEach(() => {
    root = mkdtempSync(join(tmpdir(), 'sr-hooks-'));
  });
  afterEach(() => rmSync(root, { recursive: true, force: true }));

  const dirs = () => ['--state-dir', join(root, 'run'), '--spool-root', join(root, 'spool'), '--log-dir', join(root, 'log')];
  const envFile = (lines: string[]): string => {
    const f = join(root, 'recorder.env');
    writeFileSync(f, lines.join('\n') + '\n', { mode: 0o600 });
    return f;
  };
  const start = (id: string, extra: string[] = [], env: NodeJS.ProcessEnv = { PATH: '/usr/bin:/bin' }) =>
    runScript(join(linuxHooks, 'session-start.sh'), ['--session-id', id, '--unix-user', String(user.uid), '--recorder', recorder, '--launcher', 'setsid', ...dirs(), ...extra], { env, cutOffMs: START_BUDGET_MS });
  const end = (id: string, extra: string[] = []) =>
    runScript(join(linuxHooks, 'session-end.sh'), ['--session-id', id, '--recorder', recorder, ...dirs(), ...extra], { cutOffMs: END_BUDGET_MS });
  const recorderArgv = (out: string): string[] => {
    const file = readdirSync(out).find((f) => f.startsWith('argv.'))!;
    return readFileSync(join(out, file), 'utf8').split('\0').slice(0, -1);
  };

  test('start returns while the recorder records the user display, with root-only state, is idempotent; end returns after the drain', async () => {
    const id = "sess 1;$(touch /tmp/x) 'quoted' \\ ünï";
    const safe = safeName(id);
    const out = join(root, 'out');
    execFileSync('mkdir', [out]);
    const env = envFile([`FAKE_RECORDER_OUT=${out}`, 'FAKE_DRAIN_SECONDS="2"', 'AWS_REGION=us-east-1']);

    const first = await start(id, ['--env-file', env, '--', '--destination', 's3://b/p/', '--frame-rate', '5'], {
      PATH: '/usr/bin:/bin', AppStream_Stack_Name: 'stack with spaces', UNRELATED: 'not passed',
    });
    expect(first.stderr).toContain(`recording ${user.display}`);
    expect(first.code).toBe(0);
    expect(first.cutOff).toBe(false); // AppStream would not have cut it off
    // It did not wait for the session: the recorder it started is alive and has not been asked to end.
    const pid = livePid(join(root, 'run'), safe)!;
    started.push(pid);
    expect(pid).toBeGreaterThan(0);
    expect(existsSync(join(root, 'run', safe, 'end'))).toBe(false);

    // Every value is one argv entry, exactly as given; nothing was evaluated.
    await waitUntil('the recorder to write its argv', () => (readdirSync(out).some((f) => f.startsWith('argv.')) ? true : undefined), 15_000);
    const sentinel = join(root, 'run', safe, 'end');
    expect(recorderArgv(out)).toEqual([
      '--display', user.display, '--session-id', id, '--spool-dir', join(root, 'spool'), '--run-dir', join(root, 'run'),
      '--sentinel', sentinel, '--destination', 's3://b/p/', '--frame-rate', '5',
    ]);
    expect(existsSync('/tmp/x')).toBe(false);
    const env0 = readFileSync(join(out, readdirSync(out).find((f) => f.startsWith('env.'))!), 'utf8').split('\0');
    const xauth = join(root, 'run', safe, 'Xauthority');
    expect(env0).toEqual(expect.arrayContaining([`DISPLAY=${user.display}`, `XAUTHORITY=${xauth}`, 'AWS_REGION=us-east-1', 'AppStream_Stack_Name=stack with spaces']));
    expect(env0.some((e) => e.startsWith('UNRELATED='))).toBe(false);
    // The cookie copy works for root and only root can read it; state and spool are root-only.
    expect(spawnSync('xdpyinfo', [], { env: { DISPLAY: user.display, XAUTHORITY: xauth } }).status).toBe(0);
    for (const d of ['run', `run/${safe}`, 'spool', 'log']) expect([d, statSync(join(root, d)).uid, mode(join(root, d))]).toEqual([d, 0, '700']);
    expect(mode(xauth)).toBe('600');

    const again = await start(id, ['--env-file', env]);
    expect(again.code).toBe(0);
    expect(again.stderr).toContain(`already being recorded (pid ${pid})`);
    expect(readdirSync(out).filter((f) => f.startsWith('argv.'))).toHaveLength(1);

    const ended = await end(id, ['--timeout', '20']);
    expect(ended.stderr).toContain('drained');
    expect(ended.code).toBe(0);
    // It returned after the recorder's 2 s drain had ended (the fake marks that end before it
    // deletes the sentinel), not when it merely wrote the sentinel.
    expect(readdirSync(out).filter((f) => f.startsWith('drained.'))).toHaveLength(1);
    expect(livePid(join(root, 'run'), safe)).toBeUndefined();
    expect(existsSync(sentinel)).toBe(false);

    const twice = await end(id, ['--timeout', '20']);
    expect(twice.code).toBe(1);
    expect(twice.stderr).toContain('no recorder is running');
  });

  test('a recorder that dies at once (bad config) makes the start hook fail with its log', async () => {
    const r = await start('bad-config', ['--env-file', envFile(['FAKE_RECORD_EXIT=2'])]);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('exited at once (code 2)');
    expect(r.stderr).toContain('fake recorder: exiting 2 as asked');
  });

  test('the end hook returns within its budget when the recorder does not finish draining', async () => {
    const out = join(root, 'out');
    execFileSync('mkdir', [out]);
    const r = await start('slow-drain', ['--env-file', envFile([`FAKE_RECORDER_OUT=${out}`, 'FAKE_DRAIN_SECONDS=120'])]);
    expect(r.code).toBe(0);
    const pid = livePid(join(root, 'run'), 'slow-drain')!;
    started.push(pid);
    const ended = await end('slow-drain', ['--timeout', '3']);
    expect(ended.code).toBe(4);
    expect(ended.stderr).toContain('did not finish draining within 3s');
    // It returned on its own --timeout, not at the end of the drain: the recorder (120 s drain) is still at it.
    expect(livePid(join(root, 'run'), 'slow-drain')).toBe(pid);
    expect(ended.cutOff).toBe(false);
  });

  test('the start hook returns at once when the display is not there yet; the recorder starts when it appears', async () => {
    const out = join(root, 'out');
    execFileSync('mkdir', [out]);
    const late = 64121;
    const r = await start('late-display', ['--unix-user', String(late), '--env-file', envFile([`FAKE_RECORDER_OUT=${out}`])]);
    expect(r.code).toBe(0); // returned before the display exists: it is started below
    expect(r.cutOff).toBe(false);
    expect(r.stderr).toContain('waiting');
    const pid = livePid(join(root, 'run'), 'late-display')!;
    started.push(pid);
    const u = await startUserDisplay(late);
    try {
      await waitUntil('the recorder to start on the late display', () => (readdirSync(out).some((f) => f.startsWith('argv.')) ? true : undefined), 15_000);
      expect(recorderArgv(out).slice(0, 2)).toEqual(['--display', u.display]);
      expect(livePid(join(root, 'run'), 'late-display')).toBe(pid); // stage 2 exec'd the recorder: same pid
    } finally {
      await killPid(pid);
      await u.stop();
    }
  });

  test('refuses bad usage with exit 2 and one clear line', async () => {
    const loose = envFile(['A=1']);
    chmodSync(loose, 0o666);
    const cases: [string[], string][] = [
      [['--env-file', loose], 'writable by group or others'],
      [['--launcher', 'nohup'], '--launcher must be'],
      [['--display', 'remote:0'], '--display must be a local display'],
      [['--unix-user', 'no-such-user-here'], 'no such user'],
    ];
    for (const [args, message] of cases) {
      const r = await start('usage', args);
      expect([args, r.code, r.stderr.includes(message)]).toEqual([args, 2, true]);
    }
    const noId = await runScript(join(linuxHooks, 'session-start.sh'), ['--unix-user', String(user.uid), '--recorder', recorder, '--profile-dir', root, ...dirs()]);
    expect([noId.code, noId.stderr]).toEqual([2, expect.stringContaining('no session id')]);
  });

  test('takes the session id from the AppStream profile.d file, read as data', async () => {
    const out = join(root, 'out');
    execFileSync('mkdir', [out]);
    const profile = join(root, 'profile.d');
    execFileSync('mkdir', [profile]);
    writeFileSync(join(profile, 'appstream_user_vars.sh'), 'export AppStream_UserName="alice"\nexport AppStream_Session_ID="0f1e2d3c-aaaa-bbbb-cccc-1234567890ab"\n');
    // --session-id '' means "not given": the root-owned AppStream file decides.
    const r = await start('', ['--profile-dir', profile, '--env-file', envFile([`FAKE_RECORDER_OUT=${out}`])]);
    expect(r.code).toBe(0);
    const safe = '0f1e2d3c-aaaa-bbbb-cccc-1234567890ab';
    started.push(livePid(join(root, 'run'), safe)!);
    await waitUntil('argv', () => (readdirSync(out).some((f) => f.startsWith('argv.')) ? true : undefined), 15_000);
    expect(recorderArgv(out).slice(2, 4)).toEqual(['--session-id', safe]);
  });
});

/**
 * The Linux AppStream hooks with the real recorder (dist/cli.js, built by `npm run build`), as
 * AppStream runs them: as root, for a streaming user whose X display (Xvfb started as that user's
 * uid, with a cookie root does not have) the hook must find, into a real S3-compatible server on
 * 127.0.0.1. Then two sessions of two users on one host at once.
 */
import { execFile, execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { startS3Server, type TestS3Server } from '../helpers/s3Server';
import { END_BUDGET_MS, isAlive, killPid, linuxHooks, livePid, repoRoot, runScript, START_BUDGET_MS } from './hookRunner';
import { startUserDisplay, type UserDisplay } from './userDisplay';

const execFileAsync = promisify(execFile);
const cli = process.env.SR_TEST_CLI ?? join(repoRoot, 'dist', 'cli.js'); // SR_TEST_CLI: another build
const isRoot = process.getuid?.() === 0;
// The hooks run as root: without it these tests cannot run, and fail saying so (never skipped).
beforeAll(() => {
  if (!isRoot) throw new Error('the Linux hook tests need root (the AppStream hooks run as root)');
});
jest.setTimeout(180_000);

interface Session {
  id: string;
  user: UserDisplay;
  prefix: string;
}

describe('Linux hooks with the real recorder and an S3-compatible server', () => {
  let s3: TestS3Server;
  let root: string;
  let recorder: string;
  let envFile: string;
  const users: UserDisplay[] = [];
  const pids: number[] = [];

  beforeAll(async () => {
    if (!existsSync(cli)) throw new Error(`${cli} is missing: run \`npm run build\` first (scripts/install-deps.sh does)`);
    s3 = await startS3Server();
    root = mkdtempSync(join(tmpdir(), 'sr-linuxhooks-'));
    // What an admin installs as /usr/local/bin/session-recorder.
    recorder = join(root, 'session-recorder');
    writeFileSync(recorder, `#!/bin/sh\nexec ${process.execPath} ${cli} "$@"\n`, { mode: 0o755 });
    // Credentials the way production gets settings: the root-only env file the start hook reads.
    envFile = join(root, 'recorder.env');
    writeFileSync(envFile, Object.entries(s3.env).map(([k, v]) => `${k}=${v}`).join('\n') + '\nSESSION_RECORDER_LOG_LEVEL=info\n', { mode: 0o600 });
    users.push(await startUserDisplay(64201, { size: '640x480' }), await startUserDisplay(64202, { size: '800x600' }));
  });

  afterAll(async () => {
    await Promise.all(pids.map(killPid));
    await Promise.all(users.map((u) => u.stop()));
    await s3?.stop();
    if (root) rmSync(root, { recursive: true, force: true });
  });

  const dirs = () => ['--state-dir', join(root, 'run'), '--spool-root', join(root, 'spool'), '--log-dir', join(root, 'log')];
  const start = (s: Session) =>
    runScript(join(linuxHooks, 'session-start.sh'), [
      '--session-id', s.id, '--unix-user', String(s.user.uid), '--recorder', recorder, '--launcher', 'setsid', '--env-file', envFile, ...dirs(),
      '--', '--destination', `s3://${s3.bucket}/rec/`, '--endpoint', s3.endpoint, '--region', s3.region,
      '--segment-seconds', '5', '--frame-rate', '5', '--stack', 'stack-1', '--fleet', 'fleet-1', '--user', `user-${s.user.uid}`, '--drain-timeout', '50',
    ], { cutOffMs: START_BUDGET_MS });
  const end = (s: Session) => runScript(join(linuxHooks, 'session-end.sh'), ['--session-id', s.id, '--recorder', recorder, '--timeout', '55', ...dirs()], { cutOffMs: END_BUDGET_MS });
  const keys = async (s: Session) => (await s3.listKeys(s.prefix)).map((k) => k.slice(s.prefix.length));
  const log = (s: Session): string => spawnSync('cat', [join(root, 'log', `${s.id}.log`)], { encoding: 'utf8' }).stdout;

  /** Start, see segments land while recording, end, and check that the session is complete. */
  async function recordSession(s: Session, recordMs: number): Promise<void> {
    const started = await start(s);
    expect([s.id, started.code, started.cutOff]).toEqual([s.id, 0, false]);
    const startedAt = Date.now();
    const pid = livePid(join(root, 'run'), s.id)!;
    pids.push(pid);
    // A segment lands in the bucket while the session is still being recorded.
    while (!(await keys(s)).some((k) => k.endsWith('-video.mp4'))) {
      if (!isAlive(pid) || Date.now() - startedAt > 40_000) throw new Error(`no segment of ${s.id} while recording; recorder log:\n${log(s)}`);
      await new Promise((r) => setTimeout(r, 250));
    }
    const rest = startedAt + recordMs - Date.now();
    if (rest > 0) await new Promise((r) => setTimeout(r, rest)); // the session goes on: more segments

    const ended = await end(s);
    expect([s.id, ended.code, ended.stderr.includes('drained')]).toEqual([s.id, 0, true]);
    expect(ended.cutOff).toBe(false); // AppStream cuts the end hook off after its WaitingTime (60 s)
    expect(isAlive(pid)).toBe(false);
  }

  async function checkComplete(s: Session, size: [number, number]): Promise<void> {
    const names = await keys(s);
    const segments = names.filter((k) => k.endsWith('-video.mp4'));
    expect(names.filter((k) => k.endsWith('-metadata.json'))).toHaveLength(1);
    expect(names).toEqual(expect.arrayContaining(['manifest.json', 'end.json']));
    expect(segments.length).toBeGreaterThanOrEqual(2);
    const endMarker = JSON.parse((await s3.getObject(`${s.prefix}end.json`)).toString()) as { complete: boolean; segments: number };
    expect(endMarker.complete).toBe(true);
    expect(endMarker.segments).toBe(segments.length);
    const manifest = JSON.parse((await s3.getObject(`${s.prefix}manifest.json`)).toString()) as { entries: { key: string; width: number; height: number }[] };
    // (Manifest keys are relative to the destination's prefix: compare the object names.)
    expect(manifest.entries.map((e) => e.key.slice(e.key.lastIndexOf('/') + 1)).sort()).toEqual([...segments].sort());
    // The recorder captured this user's display (the two test displays differ in size) ...
    expect(new Set(manifest.entries.map((e) => `${e.width}x${e.height}`))).toEqual(new Set([size.join('x')]));
    // ... and a segment decodes as such, checked with ffprobe, independently of the recorder.
    const file = join(root, `${s.id}-first.mp4`);
    writeFileSync(file, await s3.getObject(`${s.prefix}${segments[0]}`));
    const probe = execFileSync('ffprobe', ['-v', 'error', '-select_streams', 'v:0', '-show_entries', 'stream=width,height', '-of', 'csv=p=0', file], { encoding: 'utf8' });
    expect(probe.trim()).toBe(size.join(','));
    // The same objects seen by an independent client, Debian's aws CLI.
    // (Asynchronously: the S3 server runs in this process.)
    const { stdout: listed } = await execFileAsync('/usr/bin/aws', ['s3', 'ls', '--recursive', `s3://${s3.bucket}/${s.prefix}`, '--endpoint-url', s3.endpoint], {
      encoding: 'utf8', env: { ...process.env, ...s3.env },
    });
    expect(listed.trim().split('\n').map((l) => l.slice(l.lastIndexOf('/') + 1)).sort()).toEqual([...names].sort());
    // No segment left in the session's spool (bookkeeping files may stay).
    const leftovers = spawnSync('find', [join(root, 'spool', s.id), '-type', 'f', '-name', 'seg-*'], { encoding: 'utf8' }).stdout.trim();
    expect(leftovers).toBe('');
  }

  test('one session: the start hook returns within 5 s, segments land while recording, the end hook returns once drained', async () => {
    const s: Session = { id: 'sess-one', user: users[0]!, prefix: 'rec/stack-1/fleet-1/sess-one/' };
    await recordSession(s, 12_000);
    await checkComplete(s, [640, 480]);
    // Root-only state, and the recorder never needed --insecure.
    for (const d of ['run', 'spool', 'log']) expect((statSync(join(root, d)).mode & 0o777).toString(8)).toBe('700');
    expect(log(s)).not.toContain('insecure');
  });

  test('two sessions of two users on one host at once: each complete under its own prefix, each of its own display', async () => {
    const a: Session = { id: 'sess-a', user: users[0]!, prefix: 'rec/stack-1/fleet-1/sess-a/' };
    const b: Session = { id: 'sess-b', user: users[1]!, prefix: 'rec/stack-1/fleet-1/sess-b/' };
    await Promise.all([recordSession(a, 12_000), recordSession(b, 12_000)]);
    await checkComplete(a, [640, 480]);
    await checkComplete(b, [800, 600]);
    expect(readdirSync(join(root, 'run')).sort()).toEqual(expect.arrayContaining(['sess-a', 'sess-b']));
  });
});

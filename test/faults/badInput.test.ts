/**
 * Bad input: every case ends before recording with exit 2 and ONE line on stderr naming the
 * problem and the fix (the JSON log and the AWS SDK's own Node-version notice aside), and the
 * spool is untouched: a session an earlier recorder left there keeps every byte, and no new
 * session dir appears. Credentials can only be known by trying: `record` puts the session's
 * metadata object first, and a store that refuses it for good (wrong or missing credentials, no
 * such bucket) is bad input too.
 */
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { chmodSync, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { readdir, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCli } from '../helpers/cli';
import { startS3Server, type TestS3Server } from '../helpers/s3Server';
import { startXvfb, type Xvfb } from '../helpers/xvfb';
import { humanLines, report } from './faultKit';

jest.setTimeout(180_000);

const work = mkdtempSync(join(tmpdir(), 'fault-bad-input-'));
const spoolDir = join(work, 'spool');
const readOnlyMount = join(work, 'ro');
mkdirSync(readOnlyMount);
// An unwritable spool. Root (the recorder's real user, and CI's) ignores file modes, so there it
// is a read-only tmpfs; anyone else gets a directory without write permission. Root without the
// right to mount cannot make one: that case fails, saying so, rather than being skipped.
const isRoot = process.getuid?.() === 0;
let readOnly = false;
let readOnlyProblem: string | undefined;
if (isRoot) {
  try {
    execFileSync('mount', ['-t', 'tmpfs', '-o', 'ro,size=1m,mode=0700', 'tmpfs', readOnlyMount], { stdio: 'pipe' });
    readOnly = true;
  } catch (error) {
    readOnlyProblem = `as root a read-only spool needs a read-only tmpfs, and mount failed: ${(error as Error).message}`;
  }
} else {
  chmodSync(readOnlyMount, 0o500);
}

let x: Xvfb;
let s3: TestS3Server;

beforeAll(async () => {
  [x, s3] = await Promise.all([startXvfb({ width: 640, height: 480, scene: false }), startS3Server({ bucket: 'bad-input' })]);
  // What an earlier, killed recorder left: must survive every bad start byte for byte.
  const old = join(spoolDir, 'old-session');
  mkdirSync(join(old, 'run-1795760000000'), { recursive: true, mode: 0o700 });
  writeFileSync(join(old, 'session.json'), JSON.stringify({ format: 'session-recorder.session/1', metadata: { sessionId: 'old-session', startedAt: '2026-11-27T06:00:00.000Z' }, sessionPrefix: 's/f/old-session/', destination: 's3://bad-input/' }));
  writeFileSync(join(old, 'recorder.lock'), JSON.stringify({ pid: 999_999, startedAt: '2026-11-27T06:00:00.000Z', sessionId: 'old-session', nonce: 'dead' }));
  writeFileSync(join(old, 'run-1795760000000', 'seg-00000.mp4'), Buffer.alloc(50_000, 7));
  writeFileSync(join(old, 'run-1795760000000', 'segments.csv'), 'seg-00000.mp4,0.000000,2.000000\n');
  writeFileSync(join(work, 'a-file'), 'not a directory\n');
});
afterAll(async () => {
  await Promise.all([x?.stop(), s3?.stop()]);
  if (readOnly) execFileSync('umount', [readOnlyMount], { stdio: 'pipe' });
  await rm(work, { recursive: true, force: true });
});

/** Every file under the spool with its size, mode, mtime and SHA-256. */
async function snapshot(dir: string): Promise<string[]> {
  const out: string[] = [];
  for (const name of (await readdir(dir, { recursive: true }).catch(() => [] as string[])).map(String).sort()) {
    const path = join(dir, name);
    const s = await stat(path);
    const sha = s.isFile() ? createHash('sha256').update(await readFile(path)).digest('hex') : 'dir';
    out.push(`${name} ${s.size} ${(s.mode & 0o7777).toString(8)} ${s.mtimeMs} ${sha}`);
  }
  return out;
}

interface Case {
  readonly name: string;
  readonly args: () => string[];
  readonly env?: () => NodeJS.ProcessEnv;
  /** What the one line must say. */
  readonly says: RegExp;
  /** Why this machine cannot produce the fault: the case fails with this reason. */
  readonly cannotRunHere?: string;
}

const base = (): string[] => [
  'record', '--destination', 's3://bad-input/p/', '--endpoint', s3.endpoint, '--region', 'us-east-1', '--display', x.display,
  '--spool-dir', spoolDir, '--sentinel', join(work, 'run', 'end'), '--segment-seconds', '2', '--session-id', 'new-session',
  '--stack', 's', '--fleet', 'f', '--user', 'u', '--wait-for-display', '1',
];
const withFlag = (flag: string, value?: string) => (): string[] => {
  const args = base();
  const i = args.indexOf(flag);
  if (i >= 0) {
    if (value === undefined) args.splice(i, 2);
    else args[i + 1] = value;
  } else args.push(flag, ...(value === undefined ? [] : [value]));
  return args;
};
const s3env = () => ({ ...process.env, ...s3.env });

const cases: Case[] = [
  { name: 'missing FFmpeg', args: withFlag('--ffmpeg-path', '/nonexistent/ffmpeg'), says: /FFmpeg not found at "\/nonexistent\/ffmpeg": install it .* or pass --ffmpeg-path/ },
  { name: 'no display', args: withFlag('--display', ':250'), says: /no (X )?display at :250 after 1 s .*: start the session's X server, pass --display/ },
  { name: 'spool under a file', args: withFlag('--spool-dir', join(work, 'a-file', 'spool')), says: /cannot create spool directory .*a-file\/spool \(ENOTDIR\): .*set --spool-dir to a writable place/ },
  {
    name: 'read-only spool',
    args: withFlag('--spool-dir', readOnlyMount),
    says: isRoot
      ? /spool directory .*: its file system is read-only \(EROFS\): .*point --spool-dir at a writable directory/
      : /spool directory .*: it cannot be written .*point --spool-dir at a writable directory/,
    ...(readOnlyProblem === undefined ? {} : { cannotRunHere: readOnlyProblem }),
  },
  { name: 'invalid destination URL', args: withFlag('--destination', 'http://bad-input/p/'), says: /--destination: Destination "http:\/\/bad-input\/p\/" has an unknown scheme; expected s3:\/\/bucket\/prefix\// },
  { name: 'invalid bucket name', args: withFlag('--destination', 's3://Bad_Bucket/p/'), says: /Bucket name "Bad_Bucket" .* is invalid: it may contain only lowercase letters/ },
  { name: 'bad number', args: withFlag('--segment-seconds', 'abc'), says: /--segment-seconds: expected a whole number of seconds from 1 to 3600, got "abc"/ },
  { name: 'zero frame rate', args: withFlag('--frame-rate', '0'), says: /--frame-rate: expected frames per second, more than 0 and at most 60, got "0"/ },
  { name: 'negative drain timeout', args: withFlag('--drain-timeout', '-5'), says: /--drain-timeout: expected seconds, more than 0/ },
  { name: 'unknown flag', args: () => [...base(), '--segment-secs', '3'], says: /unknown option '--segment-secs' \(Did you mean --segment-seconds\?\); run with --help for usage/ },
  { name: 'unknown setting in the environment', args: base, env: () => ({ ...s3env(), SESSION_RECORDER_SEGMENT_SECS: '3' }), says: /SESSION_RECORDER_SEGMENT_SECS: unknown setting.*; unset it or use a variable from the README's configuration table/ },
  { name: 'wrong credentials', args: base, env: () => ({ ...s3env(), AWS_ACCESS_KEY_ID: 'WRONGKEY' }), says: /cannot write to the destination, nothing recorded: .* was refused: the credentials are wrong or expired/ },
  {
    name: 'no credentials at all', args: base,
    env: () => {
      const env: NodeJS.ProcessEnv = { ...s3env(), HOME: join(work, 'empty-home'), AWS_CONFIG_FILE: join(work, 'none'), AWS_SHARED_CREDENTIALS_FILE: join(work, 'none') };
      delete env['AWS_ACCESS_KEY_ID'];
      delete env['AWS_SECRET_ACCESS_KEY'];
      delete env['AWS_PROFILE'];
      return env;
    },
    says: /cannot write to the destination, nothing recorded: .*found no AWS credentials: set AWS_ACCESS_KEY_ID/,
  },
  { name: 'bucket does not exist', args: withFlag('--destination', 's3://no-such-bucket/p/'), says: /cannot write to the destination, nothing recorded: .*the bucket does not exist; create it or fix the destination/ },
  { name: 'recover: bad number', args: () => ['recover', '--spool-dir', spoolDir, '--drain-timeout', 'soon'], says: /--drain-timeout: expected seconds, more than 0, got "soon"/ },
];

test.each(cases.map((c) => [c.name, c] as const))('%s: one clear line, exit 2, spool untouched', async (_name, c) => {
  if (c.cannotRunHere !== undefined) throw new Error(c.cannotRunHere);
  const before = await snapshot(spoolDir);
  const started = Date.now();
  const result = await runCli(c.args(), { env: c.env?.() ?? s3env(), cwd: work }).done;
  const lines = humanLines(result.stderr);
  expect({ code: result.code, lines }).toEqual({ code: 2, lines: [expect.stringMatching(c.says)] });
  expect(lines[0]).toMatch(/^session-recorder: /);
  expect(await snapshot(spoolDir)).toEqual(before);
  expect(await stat(join(spoolDir, 'new-session')).catch(() => null)).toBeNull();
  expect(await s3.listKeys()).toEqual([]);
  report(`bad-input ${c.name}`, { exit: result.code, ms: Date.now() - started, line: lines[0] });
});


/**
 * Issue 4's proof, with real parts: the built CLI records short sessions of FFmpeg's generated
 * test source (lavfi: no screen needed) into a real S3-compatible server (s3rver) behind a proxy
 * that logs every request and can answer like S3 does, or into a file:// directory; then
 * `session-recorder verify` checks what landed, before and after the bucket is tampered with.
 *
 * - hostile metadata (flags and the AppStream variables a user controls) never steers a key
 *   outside `<prefix><stack>/<fleet>/<session>/`, and the raw values are kept in the metadata file;
 * - while recording, the recorder only writes (PutObject, multipart calls): no Get, Head or List,
 *   so a write-only role is enough; every PUT carries our SHA-256 and Content-MD5, SSE and Object Lock;
 * - `verify` passes an untouched session and names an altered and a deleted segment (exit 5);
 * - a 400 BadDigest keeps the local file and the upload is retried until it lands.
 */
import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { appendFile, mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { sessionPrefix } from '../../src/domain/sanitize';
import { CLI, runCli, waitUntil } from '../helpers/cli';
import { type S3Proxy, startS3Proxy } from '../helpers/s3Proxy';
import { type TestS3Server, startS3Server } from '../helpers/s3Server';

const run = promisify(execFile);
const BUCKET = 'evidence-recordings';
jest.setTimeout(120_000);

let s3: TestS3Server;
let proxy: S3Proxy;
let work: string;

beforeAll(async () => {
  s3 = await startS3Server({ bucket: BUCKET });
  proxy = await startS3Proxy(s3.endpoint);
});
afterAll(async () => {
  await proxy?.stop();
  await s3?.stop();
});
beforeEach(async () => {
  work = await mkdtemp(join(tmpdir(), 'e2e-evidence-'));
  proxy.requests.length = 0;
  proxy.fault = undefined;
});
afterEach(async () => {
  await rm(work, { recursive: true, force: true });
});

/** `record` with the lavfi source and 1 s segments, stopping by itself after `seconds`. */
function record(destination: string, extra: readonly string[], options: { seconds?: number; env?: NodeJS.ProcessEnv } = {}) {
  return runCli(
    [
      'record', '--capture-source', 'lavfi', '--destination', destination, ...extra,
      '--spool-dir', join(work, 'spool'), '--sentinel', join(work, 'run', 'end'),
      '--segment-seconds', '1', '--frame-rate', '5', '--max-duration', String(options.seconds ?? 4), '--drain-timeout', '30',
    ],
    { env: { ...process.env, ...s3.env, ...options.env }, cwd: work },
  );
}

async function recorded(r: ReturnType<typeof record>): Promise<void> {
  const result = await r.done;
  expect({ code: result.code, stderr: result.code === 0 ? '' : result.stderr.slice(-3000) }).toEqual({ code: 0, stderr: '' });
}

function verify(url: string, extra: readonly string[] = []) {
  return runCli(['verify', url, ...extra], { env: { ...process.env, ...s3.env }, cwd: work }).done;
}

interface JsonReport {
  verdict: string;
  exitCode: number;
  problems: { code: string; name?: string }[];
  metadata: Record<string, string> | null;
}

async function verifyJson(url: string, extra: readonly string[] = []): Promise<JsonReport & { code: number | null; stderr: string }> {
  const result = await verify(url, [...extra, '--json']);
  return { ...(JSON.parse(result.stdout) as JsonReport), code: result.code, stderr: result.stderr };
}

const aws = (args: string[]) =>
  run('/usr/bin/aws', ['--endpoint-url', s3.endpoint, 's3api', ...args], { env: { ...process.env, ...s3.env, AWS_CONFIG_FILE: '/nonexistent' } });

/** The request's key inside the bucket (path-style URL), decoded, without the query. */
function keyOf(url: string): string {
  const path = decodeURIComponent(url.split('?')[0] ?? '');
  return path.slice(`/${BUCKET}/`.length);
}

test('S3: hostile flags stay inside the session prefix; only writes while recording; verify passes, then names an altered and a deleted segment', async () => {
  const hostile = { sessionId: 'a/b', stack: '..', fleet: '\\', user: '../../x' };
  const prefix = `tenant-1/${sessionPrefix(hostile)}`;
  await recorded(
    record(`s3://${BUCKET}/tenant-1/`, [
      '--endpoint', proxy.endpoint, '--region', 'us-east-1',
      '--session-id', hostile.sessionId, '--stack', hostile.stack, '--fleet', hostile.fleet, '--user', hostile.user,
      '--sse', 'aws:kms', '--kms-key-id', 'alias/recordings', '--object-lock-mode', 'GOVERNANCE', '--object-lock-days', '1',
    ]),
  );

  // Every key in the bucket is inside the session prefix, three sanitized components deep.
  const keys = await s3.listKeys();
  expect(keys.length).toBeGreaterThanOrEqual(6); // metadata, >= 3 segments, manifest, end
  for (const key of keys) {
    expect(key.startsWith(prefix)).toBe(true);
    expect(key.slice(prefix.length)).toMatch(/^[0-9TZ.]+-(metadata\.json|video\.mp4)$|^manifest\.json$|^end\.json$/);
  }
  expect(prefix.split('/').every((part) => part !== '..' && part !== '.' && !part.includes('\\'))).toBe(true);

  // While recording the recorder only wrote: PutObject (and multipart calls, which a 4 s session does not need).
  expect(proxy.requests.length).toBeGreaterThanOrEqual(keys.length);
  for (const r of proxy.requests) {
    const multipart = /[?&](uploads|uploadId=|partNumber=)/.test(r.url);
    expect({ method: r.method, url: r.url, allowed: r.method === 'PUT' || (multipart && (r.method === 'POST' || r.method === 'DELETE')) }).toMatchObject({ allowed: true });
    expect(keyOf(r.url).startsWith(prefix)).toBe(true);
    expect(r.headers).toMatchObject({
      'x-amz-server-side-encryption': 'aws:kms',
      'x-amz-server-side-encryption-aws-kms-key-id': 'alias/recordings',
      'x-amz-object-lock-mode': 'GOVERNANCE',
    });
    expect(r.headers['x-amz-checksum-sha256']).toMatch(/^[A-Za-z0-9+/]{43}=$/);
    expect(r.headers['content-md5']).toMatch(/^[A-Za-z0-9+/]{22}==$/);
    expect(Date.parse(String(r.headers['x-amz-object-lock-retain-until-date'])) - Date.now()).toBeGreaterThan(23 * 3600_000);
  }

  // The uploader sent our own precomputed SHA-256, the one the manifest records, with each segment.
  const manifest = JSON.parse((await s3.getObject(`${prefix}manifest.json`)).toString('utf8')) as { entries: { key: string; sha256: string }[] };
  for (const entry of manifest.entries) {
    const puts = proxy.requests.filter((r) => r.method === 'PUT' && keyOf(r.url) === `tenant-1/${entry.key}`);
    expect(puts.map((r) => r.headers['x-amz-checksum-sha256'])).toEqual([Buffer.from(entry.sha256, 'hex').toString('base64')]);
  }

  // The raw values are kept, JSON-escaped, in the metadata file.
  const metadataKey = keys.find((k) => k.endsWith('-metadata.json'))!;
  const metadataText = (await s3.getObject(metadataKey)).toString('utf8');
  expect(JSON.parse(metadataText)).toMatchObject(hostile);
  expect(metadataText).toContain('"fleet": "\\\\"');

  // The auditor verifies with read access, straight to the store.
  const url = `s3://${BUCKET}/${prefix}`;
  const auditor = ['--endpoint', s3.endpoint, '--region', 'us-east-1'];
  const clean = await verify(url, auditor);
  expect(clean.code).toBe(0);
  expect(clean.stderr).not.toMatch(/verifying|\r/); // no progress line: stderr is not a TTY
  expect(clean.stdout).toContain('user "../../x"');
  expect(clean.stdout).toMatch(/hash chain intact/);
  expect(clean.stdout).toMatch(/\nVERIFIED: .*\(exit 0\)\n$/);

  const videos = keys.filter((k) => k.endsWith('-video.mp4'));
  const altered = videos[0]!;
  const deleted = videos[1]!;
  const alteredFile = join(work, 'altered.mp4');
  await aws(['get-object', '--bucket', BUCKET, '--key', altered, alteredFile]);
  await appendFile(alteredFile, Buffer.from([0]));
  await aws(['put-object', '--bucket', BUCKET, '--key', altered, '--body', alteredFile]);
  await aws(['delete-object', '--bucket', BUCKET, '--key', deleted]);

  const tampered = await verifyJson(url, auditor);
  expect(tampered.code).toBe(5);
  expect(tampered).toMatchObject({ verdict: 'problems', exitCode: 5 });
  expect(tampered.problems.map((p) => [p.code, p.name]).sort()).toEqual(
    [
      ['segment-altered', altered.slice(prefix.length)],
      ['segment-missing', deleted.slice(prefix.length)],
    ].sort(),
  );
  const text = await verify(url, auditor);
  expect(text.code).toBe(5);
  expect(text.stdout).toMatch(new RegExp(`\n  segment-altered +${altered.slice(prefix.length)} \\(manifest entry \\d+\\) was altered`));
  expect(text.stdout).toMatch(new RegExp(`\n  segment-missing +${deleted.slice(prefix.length)} \\(manifest entry \\d+, .*\\) is missing from the store`));
  expect(text.stdout).toMatch(/\nFAILED: 2 problems \(exit 5\)\n$/);
});

test('file://: hostile AppStream variables from the user environment stay inside the session directory; verify passes, then names an altered and a deleted segment', async () => {
  const root = join(work, 'recordings');
  const env = {
    AppStream_Session_ID: `${'s'.repeat(2000)}\n🎥`,
    AppStream_UserName: '../../root\n🎥',
    AppStream_Stack_Name: '',
    AppStream_Resource_Name: '..\\..\\evil',
  };
  await recorded(record(`file://${root}`, [], { env }));

  const prefix = sessionPrefix({ stack: env.AppStream_Stack_Name, fleet: env.AppStream_Resource_Name, sessionId: env.AppStream_Session_ID });
  expect(prefix.startsWith('unknown/')).toBe(true); // empty stack: never an empty component
  const files = (await readdir(root, { recursive: true, withFileTypes: true })).filter((d) => d.isFile()).map((d) => join(d.parentPath, d.name).slice(root.length + 1));
  expect(files.length).toBeGreaterThanOrEqual(6);
  for (const file of files) expect(file.startsWith(prefix)).toBe(true);
  // Nothing landed next to the destination either.
  expect((await readdir(work)).filter((name) => !['recordings', 'run', 'spool'].includes(name))).toEqual([]);

  const dir = join(root, prefix);
  const metadataName = files.find((f) => f.endsWith('-metadata.json'))!;
  const metadata = JSON.parse(await readFile(join(root, metadataName), 'utf8')) as Record<string, unknown>;
  expect(metadata).toMatchObject({ sessionId: env.AppStream_Session_ID, user: env.AppStream_UserName, stack: '', fleet: env.AppStream_Resource_Name });
  expect(metadata['sources']).toMatchObject({ sessionId: 'env:AppStream_Session_ID', user: 'env:AppStream_UserName' });

  const url = `file://${dir}`;
  const clean = await verifyJson(url);
  expect({ code: clean.code, verdict: clean.verdict, problems: clean.problems }).toEqual({ code: 0, verdict: 'verified', problems: [] });
  expect(clean.stderr).toBe(''); // file://: no SDK, and no progress line when stderr is not a TTY
  expect(clean.metadata).toMatchObject({ user: env.AppStream_UserName });
  // The text report shows hostile values escaped on one line.
  const text = await verify(url);
  expect(text.stdout).toContain('user "../../root\\n🎥"');

  // On a terminal (a pseudo-terminal from script(1)) a progress line is drawn on stderr.
  const tty = await run('script', ['-qec', `'${process.execPath}' '${CLI}' verify 'file://${dir}'`, '/dev/null'], { cwd: work });
  expect(tty.stdout).toMatch(/\r\u001b\[Kverifying: \d+\/\d+ segments/);
  expect(tty.stdout).toContain('VERIFIED');

  const videos = files.filter((f) => f.endsWith('-video.mp4')).map((f) => f.slice(prefix.length)).sort();
  await appendFile(join(dir, videos[1]!), 'tampered');
  await rm(join(dir, videos[2]!));
  const tampered = await verifyJson(url);
  expect(tampered.code).toBe(5);
  expect(tampered.problems.map((p) => [p.code, p.name]).sort()).toEqual([
    ['segment-altered', videos[1]],
    ['segment-missing', videos[2]],
  ]);
});

test('a 400 BadDigest from the store keeps the local file, and the upload is retried until it lands', async () => {
  const prefix = `p/${sessionPrefix({ sessionId: 'digest-1', stack: 'st', fleet: 'fl' })}`;
  const rejected = new Map<string, { count: number; sha256: string }>();
  let faulting = true;
  proxy.fault = (r) => {
    if (!faulting || r.method !== 'PUT' || !r.url.includes('-video.mp4')) return undefined;
    const key = keyOf(r.url);
    const seen = rejected.get(key) ?? { count: 0, sha256: String(r.headers['x-amz-checksum-sha256']) };
    rejected.set(key, { ...seen, count: seen.count + 1 });
    return { status: 400, code: 'BadDigest', message: 'The Content-MD5 you specified did not match what we received.' };
  };
  const recorder = record(`s3://${BUCKET}/p/`, ['--endpoint', proxy.endpoint, '--region', 'us-east-1', '--session-id', 'digest-1', '--stack', 'st', '--fleet', 'fl'], {
    seconds: 6,
  });

  // The first segment is refused twice...
  const [firstKey, first] = await waitUntil('two BadDigest answers for one segment', () => [...rejected].find(([, v]) => v.count >= 2), 30_000);
  // ...and its file, with exactly the bytes that were sent, is still in the spool; nothing landed.
  const spoolFiles = (await readdir(join(work, 'spool'), { recursive: true, withFileTypes: true })).filter((d) => d.isFile() && d.name.endsWith('.mp4'));
  const spoolHashes = await Promise.all(
    spoolFiles.map(async (d) => createHash('sha256').update(await readFile(join(d.parentPath, d.name))).digest('base64')),
  );
  expect(spoolHashes).toContain(first.sha256);
  expect((await s3.listKeys(prefix)).filter((k) => k.endsWith('-video.mp4'))).toEqual([]);

  faulting = false;
  await recorded(recorder);
  const puts = proxy.requests.filter((r) => r.method === 'PUT' && keyOf(r.url) === firstKey);
  expect(puts.length).toBeGreaterThan(first.count); // retried after the rejections
  const landed = await s3.getObject(firstKey);
  expect(createHash('sha256').update(landed).digest('base64')).toBe(first.sha256);
  const report = await verifyJson(`s3://${BUCKET}/${prefix}`, ['--endpoint', s3.endpoint, '--region', 'us-east-1']);
  expect({ code: report.code, problems: report.problems }).toEqual({ code: 0, problems: [] });
  // The spool is gone once everything is durable.
  expect(existsSync(join(work, 'spool', 'digest-1'))).toBe(false);
});

test('verify: a whole bucket is bad usage (exit 2); a store that cannot be listed is "not verified" (exit 6)', async () => {
  const usage = await verify(`s3://${BUCKET}`, ['--endpoint', s3.endpoint]);
  expect(usage.code).toBe(2);
  expect(usage.stderr).toMatch(/names a whole bucket; expected the URL of one session/);
  const missing = await verify('s3://no-such-bucket-here/st/fl/se/', ['--endpoint', s3.endpoint, '--region', 'us-east-1']);
  expect(missing.code).toBe(6);
  expect(missing.stdout).toMatch(/could not list the session's objects/);
  expect(missing.stdout).toMatch(/\nNOT VERIFIED: .*\(exit 6\)\n$/);
});

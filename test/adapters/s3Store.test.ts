// The S3 store against a real S3-compatible server (s3rver) over HTTP, with real temp files.
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Readable } from 'node:stream';
import { promisify } from 'node:util';
import { checksumsOf, hashFile } from '../../src/adapters/checksums';
import type { S3Store } from '../../src/adapters/s3Store';
import { s3StoreWith, type S3TestStoreOptions } from '../helpers/s3Store';
import { UploadError } from '../../src/domain/errors';
import { type S3Proxy, startS3Proxy } from '../helpers/s3Proxy';
import { type TestS3Server, startS3Server } from '../helpers/s3Server';

const run = promisify(execFile);
let s3: TestS3Server;
let dir: string;
const stores: S3Store[] = [];
const proxies: S3Proxy[] = [];

function store(extra: Partial<S3TestStoreOptions> = {}): S3Store {
  const s = s3StoreWith({ bucket: s3.bucket, prefix: 'rec/', region: s3.region, endpoint: s3.endpoint, ...extra });
  stores.push(s);
  return s;
}

async function proxy(): Promise<S3Proxy> {
  const p = await startS3Proxy(s3.endpoint);
  proxies.push(p);
  return p;
}

async function readAll(stream: Readable): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const c of stream) chunks.push(c as Buffer);
  return Buffer.concat(chunks);
}

async function collect<T>(items: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const i of items) out.push(i);
  return out;
}

/** A port that was free a moment ago: nothing listens there. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as { port: number }).port;
  await new Promise<void>((r) => server.close(() => r()));
  return port;
}

beforeAll(async () => {
  s3 = await startS3Server();
  dir = await mkdtemp(join(tmpdir(), 's3store-'));
});

afterAll(async () => {
  for (const s of stores) s.close();
  for (const p of proxies) await p.stop();
  await s3.stop();
  await rm(dir, { recursive: true, force: true });
});

test('a file put as one PutObject reads back identical, through the store and through the aws CLI', async () => {
  const data = randomBytes(300_000);
  const path = join(dir, 'single.mp4');
  await writeFile(path, data);
  const sums = await hashFile(path);
  const s = store();

  await s.put('st/fl/se/a-video.mp4', { path }, { ...sums, contentType: 'video/mp4' });

  expect(await s3.listKeys()).toEqual(['rec/st/fl/se/a-video.mp4']);
  expect((await readAll((await s.open('st/fl/se/a-video.mp4')).body)).equals(data)).toBe(true);
  // An independent client: Debian's aws CLI.
  const out = join(dir, 'via-cli.mp4');
  const { stdout } = await run(
    '/usr/bin/aws',
    ['s3api', 'get-object', '--endpoint-url', s3.endpoint, '--bucket', s3.bucket, '--key', 'rec/st/fl/se/a-video.mp4', out],
    { env: { ...process.env, ...s3.env, AWS_CONFIG_FILE: '/nonexistent', AWS_SHARED_CREDENTIALS_FILE: '/nonexistent' } },
  );
  expect(JSON.parse(stdout)).toMatchObject({ ContentLength: data.length, ContentType: 'video/mp4' });
  expect((await readFile(out)).equals(data)).toBe(true);
});

test.each(['WHEN_SUPPORTED', 'WHEN_REQUIRED'] as const)(
  'PutObject (%s) carries our SHA-256 and Content-MD5 and stores the bytes uncorrupted',
  async (checksumMode) => {
    const p = await proxy();
    const s = store({ endpoint: p.endpoint, checksumMode });
    const data = randomBytes(50_000);
    const path = join(dir, `mode-${checksumMode}.bin`);
    await writeFile(path, data);
    const sums = checksumsOf(data);

    await s.put(`mode/${checksumMode}.bin`, { path }, { ...sums, contentType: 'application/octet-stream' });

    const puts = p.requests.filter((r) => r.method === 'PUT');
    expect(puts).toHaveLength(1);
    expect(puts[0]?.headers['x-amz-checksum-sha256']).toBe(sums.sha256Base64);
    expect(puts[0]?.headers['content-md5']).toBe(sums.md5Base64);
    expect(puts[0]?.headers['content-length']).toBe(String(data.length));
    expect((await s3.getObject(`rec/mode/${checksumMode}.bin`)).equals(data)).toBe(true);
  },
);

test('above the threshold a file goes multipart with a SHA-256 per part, and reads back identical', async () => {
  const p = await proxy();
  const s = store({ endpoint: p.endpoint, multipartThresholdBytes: 1024 * 1024, partSizeBytes: 5 * 1024 * 1024 });
  const data = randomBytes(11 * 1024 * 1024 + 123);
  const path = join(dir, 'big.mp4');
  await writeFile(path, data);
  const sums = await hashFile(path);

  await s.put('big/video.mp4', { path }, { ...sums, contentType: 'video/mp4' });

  const parts = p.requests.filter((r) => r.method === 'PUT' && r.url.includes('partNumber='));
  expect(parts).toHaveLength(3);
  // Each part carries the SHA-256 of exactly its own bytes, which S3 verifies per part.
  const partSize = 5 * 1024 * 1024;
  for (const part of parts) {
    const n = Number(/[?&]partNumber=(\d+)/.exec(part.url)?.[1]);
    const bytes = data.subarray((n - 1) * partSize, n * partSize);
    expect({ part: n, sha256: part.headers['x-amz-checksum-sha256'] }).toEqual({ part: n, sha256: checksumsOf(bytes).sha256Base64 });
  }
  const create = p.requests.find((r) => r.method === 'POST' && /[?&]uploads(=|&|$)/.test(r.url));
  expect(create?.headers['x-amz-checksum-algorithm']).toBe('SHA256');
  expect(p.requests.some((r) => r.method === 'POST' && r.url.includes('uploads'))).toBe(true);
  expect(p.requests.some((r) => r.method === 'POST' && r.url.includes('uploadId='))).toBe(true);
  expect((await s3.getObject('rec/big/video.mp4')).equals(data)).toBe(true);
});

test('a multipart upload whose file does not match the given SHA-256 is rejected', async () => {
  const s = store({ multipartThresholdBytes: 1024 });
  const path = join(dir, 'changed.bin');
  await writeFile(path, randomBytes(6 * 1024 * 1024));
  const stale = checksumsOf(Buffer.from('what was hashed earlier'));
  await expect(s.put('changed.bin', { path }, { ...stale, contentType: 'video/mp4' })).rejects.toThrow(
    /file changed after it was hashed/,
  );
});

test('server-side encryption and Object Lock retention are passed to S3', async () => {
  const p = await proxy();
  const now = Date.parse('2026-11-27T06:24:09.123Z');
  const kms = store({
    endpoint: p.endpoint,
    serverSideEncryption: { type: 'aws:kms', kmsKeyId: 'alias/recordings' },
    objectLock: { mode: 'COMPLIANCE', retainDays: 30 },
    now: () => now,
  });
  const data = Buffer.from('{"a":1}');
  await kms.put('lock/meta.json', { data }, { ...checksumsOf(data), contentType: 'application/json' });
  const aes = store({ endpoint: p.endpoint, serverSideEncryption: { type: 'AES256' } });
  await aes.put('lock/aes.json', { data }, { ...checksumsOf(data), contentType: 'application/json' });

  const [first, second] = p.requests.filter((r) => r.method === 'PUT');
  expect(first?.headers).toMatchObject({
    'x-amz-server-side-encryption': 'aws:kms',
    'x-amz-server-side-encryption-aws-kms-key-id': 'alias/recordings',
    'x-amz-object-lock-mode': 'COMPLIANCE',
    'x-amz-object-lock-retain-until-date': '2026-12-27T06:24:09.123Z',
  });
  expect(second?.headers['x-amz-server-side-encryption']).toBe('AES256');
  expect(second?.headers['x-amz-object-lock-mode']).toBeUndefined();
});

test('list gives keys relative to the destination prefix; get of a missing key is an UploadError', async () => {
  const s = store({ prefix: 'listing/' });
  for (const name of ['b.json', 'a.json']) {
    const data = Buffer.from(name);
    await s.put(`st/fl/se/${name}`, { data }, { ...checksumsOf(data), contentType: 'application/json' });
  }
  expect(await collect(s.list('st/fl/se/'))).toEqual([
    { key: 'st/fl/se/a.json', bytes: 6 },
    { key: 'st/fl/se/b.json', bytes: 6 },
  ]);
  await expect(s.open('st/fl/se/missing.json')).rejects.toBeInstanceOf(UploadError);
});

test('a store answering 400 BadDigest is rejected with a message about the checksum', async () => {
  const p = await proxy();
  p.fault = (r) => (r.method === 'PUT' ? { status: 400, code: 'BadDigest', message: 'The Content-MD5 you specified did not match' } : undefined);
  const s = store({ endpoint: p.endpoint });
  const data = Buffer.from('x');
  const error = await s.put('bad.bin', { data }, { ...checksumsOf(data), contentType: 'video/mp4' }).catch((e: unknown) => e);
  expect(error).toBeInstanceOf(UploadError);
  expect((error as Error).message).toMatch(/checksum did not match.*local file is kept/);
  expect((error as Error).message).toContain('BadDigest');
});

test('an unreachable endpoint fails with advice, never hangs', async () => {
  const s = store({ endpoint: `http://127.0.0.1:${await closedPort()}`, maxAttempts: 1 });
  const data = Buffer.from('x');
  const error = await s.put('x.bin', { data }, { ...checksumsOf(data), contentType: 'video/mp4' }).catch((e: unknown) => e);
  expect(error).toBeInstanceOf(UploadError);
  // The refused connection itself ended the attempt (not a timeout the test would have to wait for).
  expect((error as Error).message).toMatch(/could not reach the store: check --endpoint.*ECONNREFUSED/);
});

test('an endpoint that accepts but never answers is cut by the idle timeout; an abort cuts it sooner', async () => {
  const p = await proxy();
  p.fault = () => 'hang';
  const data = Buffer.from('x');
  const put = { ...checksumsOf(data), contentType: 'video/mp4' };

  const idle = store({ endpoint: p.endpoint, idleTimeoutMs: 300, maxAttempts: 1 });
  const cut = await idle.put('hang.bin', { data }, put).catch((e: unknown) => e);
  expect(cut).toBeInstanceOf(UploadError);
  // Cut by the idle timeout it was given, not by anything else (the SDK names the setting that fired).
  expect((cut as Error).message).toMatch(/could not reach the store.*timed out after 300 ms of inactivity/);

  // An idle timeout of 60 s is far longer than this test's 15 s deadline: only the abort can end it in time.
  const patient = store({ endpoint: p.endpoint, idleTimeoutMs: 60_000, maxAttempts: 1 });
  const controller = new AbortController();
  const pending = patient.put('hang.bin', { data }, { ...put, signal: controller.signal });
  setTimeout(() => controller.abort(), 100);
  await expect(pending).rejects.toThrow(/was aborted/);
}, 15_000);

test('wrong credentials and missing credentials each get a message that says what to set', async () => {
  const data = Buffer.from('x');
  const put = { ...checksumsOf(data), contentType: 'video/mp4' };
  const saved = { ...process.env };
  try {
    // s3rver checks the access key id (it does not verify V4 signatures).
    process.env.AWS_ACCESS_KEY_ID = 'NOT-A-KNOWN-KEY';
    await expect(store({ maxAttempts: 1 }).put('cred.bin', { data }, put)).rejects.toThrow(/credentials are wrong or expired/);

    delete process.env.AWS_ACCESS_KEY_ID;
    delete process.env.AWS_SECRET_ACCESS_KEY;
    process.env.AWS_CONFIG_FILE = join(dir, 'no-config');
    process.env.AWS_SHARED_CREDENTIALS_FILE = join(dir, 'no-credentials');
    process.env.AWS_EC2_METADATA_DISABLED = 'true';
    const error = await store({ maxAttempts: 1 }).put('cred.bin', { data }, put).catch((e: unknown) => e);
    expect((error as Error).message).toMatch(/set AWS_ACCESS_KEY_ID\/AWS_SECRET_ACCESS_KEY .* or give the machine an instance role/);
    expect((error as Error).message).not.toContain('S3RVER');
  } finally {
    process.env = saved;
  }
});

test('a malformed endpoint or prefix is a ConfigError at construction', () => {
  expect(() => s3StoreWith({ bucket: 'b-1', prefix: '', endpoint: 'ftp://x' })).toThrow(/http:\/\/ or https:\/\//);
  expect(() => s3StoreWith({ bucket: 'b-1', prefix: 'no-slash' })).toThrow(/end with "\/"/);
});

// The local-directory store on real temp dirs: same keys as the bucket, atomic, verified.
import { randomBytes } from 'node:crypto';
import { mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Readable } from 'node:stream';
import { checksumsOf, hashFile } from '../../src/adapters/checksums';
import { createLocalStore } from '../../src/adapters/localStore';
import { UploadError } from '../../src/domain/errors';

let root: string;
beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'localstore-'));
});
afterAll(() => rm(root, { recursive: true, force: true }));

async function readAll(stream: Readable): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const c of stream) chunks.push(c as Buffer);
  return Buffer.concat(chunks);
}

test('put lays objects out like the bucket and get/list read them back', async () => {
  const dest = join(root, 'dest');
  const store = createLocalStore(dest);
  const data = randomBytes(200_000);
  const source = join(root, 'segment.mp4');
  await writeFile(source, data);
  await store.put('st/fl/se/20261127T062409.123Z-video.mp4', { path: source }, { ...(await hashFile(source)), contentType: 'video/mp4' });
  const json = Buffer.from('{"a":1}\n');
  await store.put('st/fl/se/manifest.json', { data: json }, { ...checksumsOf(json), contentType: 'application/json' });

  expect((await readFile(join(dest, 'st/fl/se/20261127T062409.123Z-video.mp4'))).equals(data)).toBe(true);
  expect((await readAll((await store.open('st/fl/se/manifest.json')).body)).equals(json)).toBe(true);
  const listed = [];
  for await (const o of store.list('st/fl/')) listed.push(o);
  expect(listed).toEqual([
    { key: 'st/fl/se/20261127T062409.123Z-video.mp4', bytes: data.length },
    { key: 'st/fl/se/manifest.json', bytes: json.length },
  ]);
  expect(store.description).toBe(`file://${dest}`);
});

test('a put replaces an existing object whole, and leaves no temp files behind', async () => {
  const dest = join(root, 'replace');
  const store = createLocalStore(dest);
  for (const text of ['first version', 'second']) {
    const data = Buffer.from(text);
    await store.put('s/manifest.json', { data }, { ...checksumsOf(data), contentType: 'application/json' });
  }
  expect(await readFile(join(dest, 's/manifest.json'), 'utf8')).toBe('second');
  expect(await readdir(join(dest, 's'))).toEqual(['manifest.json']);
});

test('a body that does not match its checksum is refused and nothing lands', async () => {
  const dest = join(root, 'mismatch');
  const store = createLocalStore(dest);
  const source = join(root, 'changed.mp4');
  await writeFile(source, 'the bytes now');
  const stale = checksumsOf(Buffer.from('the bytes when hashed'));
  await expect(store.put('s/x.mp4', { path: source }, { ...stale, contentType: 'video/mp4' })).rejects.toThrow(
    /Checksum mismatch writing "s\/x.mp4".*source changed after it was hashed/,
  );
  expect(await readdir(join(dest, 's'))).toEqual([]);
});

test('keys that would leave the directory are refused; a missing source or object is an UploadError', async () => {
  const store = createLocalStore(join(root, 'keys'));
  const data = Buffer.from('x');
  for (const key of ['../x', 'a/../../x', '/etc/x', 'a//b', 'a\\b']) {
    await expect(store.put(key, { data }, { ...checksumsOf(data), contentType: 'x' })).rejects.toThrow(/expected a relative key/);
  }
  await expect(store.put('a/b', { path: join(root, 'nope') }, { ...checksumsOf(data), contentType: 'x' })).rejects.toBeInstanceOf(UploadError);
  await expect(store.open('a/missing')).rejects.toThrow(/no such object/);
  const listed = [];
  for await (const o of store.list('nothing/here/')) listed.push(o);
  expect(listed).toEqual([]);
});

test('an aborted put rejects and writes nothing', async () => {
  const dest = join(root, 'aborted');
  const store = createLocalStore(dest);
  const data = Buffer.from('x');
  await expect(store.put('s/x', { data }, { ...checksumsOf(data), contentType: 'x', signal: AbortSignal.abort() })).rejects.toThrow(/was aborted/);
  await expect(readdir(dest)).rejects.toMatchObject({ code: 'ENOENT' });
});

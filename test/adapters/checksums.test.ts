import { createHash, randomBytes } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { base64ToHex, checksumsOf, hashFile, hexToBase64 } from '../../src/adapters/checksums';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'checksums-'));
});
afterAll(() => rm(dir, { recursive: true, force: true }));

test('one pass gives SHA-256 (hex and base64) and MD5 (base64), equal to hashing the whole buffer', async () => {
  const data = randomBytes(3 * 1024 * 1024 + 17); // several read chunks
  const path = join(dir, 'file.bin');
  await writeFile(path, data);
  const sums = await hashFile(path);
  expect(sums).toEqual(checksumsOf(data));
  expect(sums.bytes).toBe(data.length);
  expect(sums.sha256Hex).toBe(createHash('sha256').update(data).digest('hex'));
  expect(sums.md5Base64).toBe(createHash('md5').update(data).digest('base64'));
  expect(base64ToHex(sums.sha256Base64)).toBe(sums.sha256Hex);
  expect(hexToBase64(sums.sha256Hex)).toBe(sums.sha256Base64);
});

test('known vectors for the empty file', async () => {
  const path = join(dir, 'empty');
  await writeFile(path, '');
  expect(await hashFile(path)).toEqual({
    bytes: 0,
    sha256Hex: 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855',
    sha256Base64: '47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=',
    md5Base64: '1B2M2Y8AsgTpgAmY7PhCfg==',
  });
});

test('a missing file rejects with ENOENT; an aborted read rejects', async () => {
  await expect(hashFile(join(dir, 'missing'))).rejects.toMatchObject({ code: 'ENOENT' });
  await expect(hashFile(join(dir, 'file.bin'), AbortSignal.abort())).rejects.toMatchObject({ name: 'AbortError' });
});

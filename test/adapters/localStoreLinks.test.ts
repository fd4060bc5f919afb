/**
 * A file:// destination is read without following symbolic links: a link planted in it (by
 * whoever can write there) must not make `list`, `export` or the viewer, run by the auditor,
 * read a file outside the destination. Real files and links in a temp directory.
 */
import { mkdir, mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createLocalStore } from '../../src/adapters/localStore';

let root: string;
let dest: string;
const SESSION = join('st', 'fl', 'sess');

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'local-links-'));
  dest = join(root, 'dest');
  const outside = join(root, 'outside');
  await mkdir(join(outside, 'session'), { recursive: true });
  await writeFile(join(outside, 'secret.txt'), 'the auditor\'s private file');
  await writeFile(join(outside, 'session', 'manifest.json'), '{"secret": true}');
  await mkdir(join(dest, SESSION), { recursive: true });
  await writeFile(join(dest, SESSION, '20261124T090000.000Z-video.mp4'), 'real segment');
  await symlink(join(outside, 'secret.txt'), join(dest, SESSION, '20261124T090001.000Z-video.mp4'));
  await symlink(join(outside, 'secret.txt'), join(dest, SESSION, 'manifest.json'));
  await symlink(join(outside, 'session'), join(dest, 'st', 'fl', 'linked')); // a whole session directory
});
afterAll(async () => {
  if (root) await rm(root, { recursive: true, force: true });
});

async function text(stream: NodeJS.ReadableStream): Promise<string> {
  let out = '';
  for await (const chunk of stream) out += chunk.toString();
  return out;
}

test('real files are read as before', async () => {
  const store = createLocalStore(dest);
  const opened = await store.open('st/fl/sess/20261124T090000.000Z-video.mp4');
  expect(await text(opened.body)).toBe('real segment');
  expect((await store.listLevel('st/fl/sess/')).objects.map((o) => o.key)).toEqual(['st/fl/sess/20261124T090000.000Z-video.mp4']);
});

test('a linked segment or manifest is refused, saying why', async () => {
  const store = createLocalStore(dest);
  await expect(store.open('st/fl/sess/20261124T090001.000Z-video.mp4')).rejects.toThrow(/is a symbolic link: file:\/\/ destinations are read without following links/);
  await expect(store.readSmall('st/fl/sess/manifest.json', 1024)).rejects.toThrow(/is a symbolic link/);
});

test('a linked directory is neither listed nor read through', async () => {
  const store = createLocalStore(dest);
  expect((await store.listLevel('st/fl/')).prefixes).toEqual(['st/fl/sess/']);
  expect(await store.listLevel('st/fl/linked/')).toEqual({ prefixes: [], objects: [] });
  await expect(store.readSmall('st/fl/linked/manifest.json', 1024)).rejects.toThrow(/is a symbolic link/);
  await expect(store.open('st/fl/linked/manifest.json')).rejects.toThrow(/is a symbolic link/);
});

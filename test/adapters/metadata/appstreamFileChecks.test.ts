/**
 * The AppStream profile.d files are trusted only when root owns them, they are regular files (no
 * symbolic link) and small: the recorder (readRootOwnedFile, through the metadata source) and
 * the Linux hook (sr_read_var_file in lib.sh) apply the same checks to the same real files.
 */
import { spawnSync } from 'node:child_process';
import { chownSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createAppStreamLinuxFilesSource } from '../../../src/adapters/metadata/appstreamLinuxFiles';
import { MAX_VARS_FILE_BYTES, readRootOwnedFile } from '../../../src/adapters/metadata/rootOwnedFile';

const isRoot = process.getuid?.() === 0;
const lib = join(__dirname, '..', '..', '..', 'scripts', 'appstream', 'linux', 'lib.sh');
let dir: string;
const file = (name: string): string => join(dir, name);

beforeAll(() => {
  if (!isRoot) throw new Error('this test needs root: it makes files owned by root and by another uid');
  dir = mkdtempSync(join(tmpdir(), 'appstream-vars-'));
  const vars = (id: string): string => `export AppStream_Session_ID="${id}"\nexport AppStream_Stack_Name="stack-1"\n`;
  writeFileSync(file('good.sh'), vars('from-root-file'), { mode: 0o644 });
  writeFileSync(file('foreign.sh'), vars('from-user-file'), { mode: 0o644 });
  chownSync(file('foreign.sh'), 64511, 64511);
  symlinkSync(file('good.sh'), file('link.sh'));
  writeFileSync(file('huge.sh'), `${vars('from-huge-file')}# ${'x'.repeat(MAX_VARS_FILE_BYTES)}\n`, { mode: 0o644 });
});
afterAll(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
});

/** What the hook reads from one file: the session id, or undefined when it refuses the file. */
function hookReads(path: string): string | undefined {
  const r = spawnSync('bash', ['-c', 'source "$1"; sr_read_var_file "$2" AppStream_Session_ID', 'hook', lib, path], { encoding: 'utf8' });
  return r.status === 0 ? r.stdout.trim() : undefined;
}

/** What the recorder reads from one file, and what it warns. */
async function recorderReads(path: string): Promise<{ sessionId: string | undefined; warnings: string[] }> {
  const warnings: string[] = [];
  const found = await createAppStreamLinuxFilesSource({ readFile: readRootOwnedFile, paths: [path], warn: (m) => warnings.push(m) }).read();
  return { sessionId: found.sessionId?.value, warnings };
}

test('a root-owned regular file is read by both', async () => {
  expect(hookReads(file('good.sh'))).toBe('from-root-file');
  expect(await recorderReads(file('good.sh'))).toEqual({ sessionId: 'from-root-file', warnings: [] });
});

test.each([
  ['foreign.sh', /is owned by uid 64511, not root/],
  ['link.sh', /is a symbolic link/],
  ['huge.sh', /is \d+ bytes; at most 65536/],
])('%s is refused by both, and the recorder says why', async (name, why) => {
  expect(hookReads(file(name))).toBeUndefined();
  const read = await recorderReads(file(name));
  expect(read.sessionId).toBeUndefined();
  expect(read.warnings).toEqual([expect.stringMatching(new RegExp(`^${file(name).replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')}: not used: .*${why.source}`))]);
});

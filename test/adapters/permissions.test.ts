import { chmodSync, mkdirSync, mkdtempSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { ensureSecureDir, type SecureDirInput } from '../../src/adapters/permissions';
import { EnvironmentError } from '../../src/domain/errors';

const uid = process.getuid?.() ?? 0;
let root: string;
beforeEach(() => {
  root = mkdtempSync(path.join(tmpdir(), 'sr-perm-'));
});
afterEach(() => rmSync(root, { recursive: true, force: true }));

const input = (dir: string, over: Partial<SecureDirInput> = {}): SecureDirInput => ({
  dir, role: 'spool directory', flag: '--spool-dir', insecure: false, platform: 'linux', uid, ...over,
});

async function problem(p: Promise<unknown>): Promise<string> {
  const err = await p.then(() => undefined, (e: unknown) => e);
  expect(err).toBeInstanceOf(EnvironmentError);
  const message = (err as Error).message;
  expect(message).not.toContain('\n');
  return message;
}

test('creates missing directories with mode 0700 and accepts them', async () => {
  const dir = path.join(root, 'a', 'b', 'spool');
  expect(await ensureSecureDir(input(dir))).toEqual({ path: dir, created: true, checked: true });
  expect(statSync(dir).mode & 0o777).toBe(0o700);
  expect(await ensureSecureDir(input(dir))).toEqual({ path: dir, created: false, checked: true });
});

test('a directory others can write is refused, with the fix', async () => {
  const dir = path.join(root, 'open');
  mkdirSync(dir);
  chmodSync(dir, 0o777);
  expect(await problem(ensureSecureDir(input(dir)))).toBe(
    `spool directory ${dir} is writable by group or others (mode 0777): run "chmod 700 ${dir}" or pass --insecure`,
  );
  chmodSync(dir, 0o720);
  expect(await problem(ensureSecureDir(input(dir, { role: 'sentinel directory', flag: '--sentinel' })))).toMatch(/^sentinel directory .* \(mode 0720\)/);
});

test('--insecure lets it through and says so', async () => {
  const dir = path.join(root, 'open');
  mkdirSync(dir);
  chmodSync(dir, 0o777);
  expect(await ensureSecureDir(input(dir, { insecure: true }))).toEqual({
    path: dir, created: false, checked: false, note: `spool directory ${dir}: ownership and mode not checked (--insecure)`,
  });
});

test("a directory owned by someone else is refused", async () => {
  const dir = path.join(root, 'theirs');
  mkdirSync(dir, { mode: 0o700 });
  const other = uid === 4242 ? 4243 : 4242; // the dir is ours; act as another user
  expect(await problem(ensureSecureDir(input(dir, { uid: other })))).toBe(
    `spool directory ${dir} is owned by uid ${uid}, not by the recorder's uid ${other} (mode 0700): run "chown ${other} ${dir} && chmod 700 ${dir}" or pass --insecure`,
  );
});

test('a parent others can write (no sticky bit) is refused; a sticky one like /tmp is fine', async () => {
  const parent = path.join(root, 'shared');
  const dir = path.join(parent, 'spool');
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  chmodSync(parent, 0o777);
  expect(await problem(ensureSecureDir(input(dir)))).toBe(
    `spool directory ${dir}: its parent ${parent} is writable by group or others without the sticky bit (mode 0777): run "chmod go-w ${parent}" or pass --insecure`,
  );
  chmodSync(parent, 0o1777);
  expect((await ensureSecureDir(input(dir))).checked).toBe(true);
});

test('symlinks: the target is checked, and so is the directory holding the link', async () => {
  const real = path.join(root, 'real');
  mkdirSync(real, { mode: 0o700 });
  const link = path.join(root, 'link');
  symlinkSync(real, link);
  expect((await ensureSecureDir(input(link))).checked).toBe(true);
  const openParent = path.join(root, 'open');
  mkdirSync(openParent);
  chmodSync(openParent, 0o777);
  const sneaky = path.join(openParent, 'link');
  symlinkSync(real, sneaky);
  expect(await problem(ensureSecureDir(input(sneaky)))).toMatch(/its parent .*open is writable by group or others/);
});

test('a file is not a directory; an uncreatable path says how to fix it', async () => {
  const file = path.join(root, 'file');
  writeFileSync(file, '');
  expect(await problem(ensureSecureDir(input(file)))).toBe(`spool directory ${file} is not a directory: point --spool-dir at a directory`);
  expect(await problem(ensureSecureDir(input(path.join(file, 'sub'))))).toMatch(/^cannot create spool directory .*file\/sub \(ENOTDIR\): run as root or set --spool-dir to a writable place$/);
});

test('Windows: created, not checked, and the result says so', async () => {
  const dir = path.join(root, 'win');
  const result = await ensureSecureDir(input(dir, { platform: 'win32' }));
  expect(result).toMatchObject({ created: true, checked: false });
  expect(result.note).toMatch(/Windows ACLs are not checked/);
});

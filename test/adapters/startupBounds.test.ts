/** The pieces that keep `record`'s start-up checks finite: the /proc and /sys rule, and the time bound. */
import { mkdtemp, rm, symlink } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pseudoFsRoot, pseudoFsRootResolved } from '../../src/adapters/pseudoFs';
import { withTimeout } from '../../src/adapters/withTimeout';
import { EnvironmentError } from '../../src/domain/errors';

test.each([
  ['/proc', '/proc'], ['/proc/self/x', '/proc'], ['/sys/kernel', '/sys'], ['/tmp/../proc/x', '/proc'],
  ['/procfs/x', undefined], ['/system', undefined], ['/sys/../tmp/x', undefined], ['/var/spool/session-recorder', undefined],
])('pseudoFsRoot(%s) is %s', (path, root) => {
  expect(pseudoFsRoot(path)).toBe(root);
});

test('a link into /proc is seen through, for paths that do not exist yet too', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'pseudo-fs-'));
  try {
    await symlink('/proc', join(dir, 'link'));
    expect(await pseudoFsRootResolved(join(dir, 'link', 'new', 'dir'))).toBe('/proc');
    expect(await pseudoFsRootResolved(join(dir, 'plain', 'new'))).toBeUndefined();
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

test('withTimeout: work that never settles becomes one EnvironmentError naming it and the fix', async () => {
  const never = new Promise<never>(() => undefined);
  const error = await withTimeout(never, 50, 'checking the spool directory /x', 'fix that file system').catch((e: unknown) => e);
  expect(error).toBeInstanceOf(EnvironmentError);
  expect((error as Error).message).toBe('checking the spool directory /x did not finish within 0.05 s: fix that file system');
  await expect(withTimeout(Promise.resolve(7), 50, 'x', 'y')).resolves.toBe(7);
  await expect(withTimeout(Promise.reject(new Error('own failure')), 50, 'x', 'y')).rejects.toThrow('own failure');
});

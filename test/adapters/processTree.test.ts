import { join } from 'node:path';
import { descendantsSync, isAlive, isGroupAlive, killTree, killTreeSync, spawnDetached, waitUntilGone } from '../../src/adapters/processTree';

const family = join(__dirname, '../fixtures/processTree/family.sh');

/** Starts the family and resolves its pid and its 3 descendants once all are running. */
async function startFamily(): Promise<{ pid: number; descendants: number[] }> {
  const child = spawnDetached(family, [], { stdio: ['ignore', 'pipe', 'ignore'] });
  await new Promise<void>((resolve, reject) => {
    child.stdout?.on('data', (d: Buffer) => { if (d.toString().includes('READY')) resolve(); });
    child.once('error', reject);
  });
  const pid = child.pid as number;
  const deadline = Date.now() + 15_000;
  let descendants = descendantsSync(pid);
  while (descendants.length < 3 && Date.now() < deadline) {
    await new Promise((r) => setTimeout(r, 20));
    descendants = descendantsSync(pid);
  }
  expect(descendants).toHaveLength(3);
  return { pid, descendants };
}

async function expectAllGone(pid: number, descendants: number[]): Promise<void> {
  expect(await waitUntilGone(pid, 15_000)).toBe(true);
  for (const d of descendants) expect(await waitUntilGone(d, 15_000)).toBe(true);
}

test('spawnDetached leads its own process group', async () => {
  const { pid, descendants } = await startFamily();
  expect(isAlive(pid)).toBe(true);
  expect(isGroupAlive(pid)).toBe(true);
  killTreeSync(pid);
  await expectAllGone(pid, descendants);
  expect(isGroupAlive(pid)).toBe(false);
});

test('killTree (tree-kill + group) kills every descendant, the one that left the group too', async () => {
  const { pid, descendants } = await startFamily();
  await killTree(pid, 'SIGKILL');
  await expectAllGone(pid, descendants);
});

test('killTree with SIGTERM', async () => {
  const { pid, descendants } = await startFamily();
  await killTree(pid, 'SIGTERM');
  await expectAllGone(pid, descendants);
});

test('killing something already gone is harmless', async () => {
  const { pid, descendants } = await startFamily();
  killTreeSync(pid);
  await expectAllGone(pid, descendants);
  expect(() => killTreeSync(pid)).not.toThrow();
  await expect(killTree(pid)).resolves.toBeUndefined();
  expect(await waitUntilGone(pid, 10)).toBe(true);
});

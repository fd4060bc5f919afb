/**
 * A closed watcher leaves nothing on the event loop: no timer of chokidar's throttles (one kept
 * the recorder alive up to a second after its work was done), no fs watch handle.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import chokidar from 'chokidar';
import { closeWatcher } from '../../src/adapters/fileWatch';
import { trackTimers } from '../helpers/pendingTimers';
import { tempDirEach } from '../helpers/tempDir';

const tempDir = tempDirEach('file-watch-');

test('after closeWatcher no timer or watch handle of the watcher is left', async () => {
  const root = tempDir();
  const watchesBefore = process.getActiveResourcesInfo().filter((r) => r === 'FSEventWrap').length;
  const timers = trackTimers();
  const watcher = chokidar.watch(root, { depth: 2 });
  await new Promise<void>((resolve) => watcher.once('ready', resolve));
  // A new directory with a file: chokidar reads the directory and throttles further reads (1 s).
  const added = new Promise<void>((resolve) => watcher.on('add', (p: string) => p.endsWith('segments.csv') && resolve()));
  await mkdir(join(root, 'run-1'));
  await writeFile(join(root, 'run-1', 'segments.csv'), 'seg-00000.mp4,0,10\n');
  await added;
  expect(timers.created()).toBeGreaterThan(0);

  await closeWatcher(watcher);
  expect(timers.stillPending()).toEqual([]);
  // fs.watch handles finish closing in the loop's close phase: wait for that (a deadline, not a sleep).
  const deadline = Date.now() + 15_000;
  const watches = (): number => process.getActiveResourcesInfo().filter((r) => r === 'FSEventWrap').length;
  while (watches() > watchesBefore && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 10));
  expect(watches()).toBe(watchesBefore);
});

/**
 * The free-space watch's logic with an injected statfs and clock (no disk needs filling): the
 * real file system case is test/faults/diskFloor.test.ts (a 16 MB tmpfs).
 */
import { existsSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { MB } from '../../src/adapters/freeSpace';
import { RESERVE_BYTES, RESERVE_FILE, watchSpoolSpace } from '../../src/recording/spoolSpaceWatch';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'space-watch-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

function setup(minFreeMb: number) {
  const lines: { level: number; msg: string; keptSegments?: number }[] = [];
  const logger = pino({ level: 'debug' }, { write: (l: string) => void lines.push(JSON.parse(l)) });
  let free = 100 * MB;
  let now = 0;
  const watch = watchSpoolSpace({
    dir, minFreeMb, logger, intervalMs: 3_600_000, repeatMs: 60_000,
    statfs: async () => ({ freeBytes: free, totalBytes: 200 * MB }),
    now: () => now,
  });
  return {
    lines, watch,
    setFree: (mb: number) => (free = mb * MB),
    advance: (ms: number) => (now += ms),
    errors: () => lines.filter((l) => l.level === 50),
  };
}

test('below the floor: one error at once naming what is kept, then at most one a minute; back above: one info line', async () => {
  const s = setup(50);
  await s.watch.check();
  expect(s.errors()).toHaveLength(0);
  await writeFile(join(dir, 'seg-00000.mp4'), Buffer.alloc(1000));
  s.setFree(20);
  await s.watch.check();
  expect(s.errors()).toHaveLength(1);
  expect(s.errors()[0]).toMatchObject({ keptSegments: 1, msg: expect.stringMatching(/below the free-space floor \(20 MB free < 50 MB\): still recording; every segment not yet in the store is kept/) });
  for (let i = 0; i < 10; i += 1) {
    s.advance(5_000);
    await s.watch.check();
  }
  expect(s.errors()).toHaveLength(1);
  s.advance(10_000);
  await s.watch.check();
  expect(s.errors()).toHaveLength(2);
  s.setFree(80);
  await s.watch.check();
  expect(s.lines.filter((l) => l.msg === 'spool file system back above the free-space floor')).toHaveLength(1);
  await s.watch.stop();
});

test('keeps a space reserve while space is plentiful and releases it when the file system is full', async () => {
  const s = setup(10);
  await s.watch.check();
  expect(existsSync(join(dir, RESERVE_FILE))).toBe(true);
  s.setFree(RESERVE_BYTES / MB / 4);
  await s.watch.check();
  expect(existsSync(join(dir, RESERVE_FILE))).toBe(false);
  expect(s.errors().some((l) => /released the 2 MB space reserve/.test(l.msg))).toBe(true);
  s.setFree(5); // below the 10 MB floor: not made again yet
  await s.watch.check();
  expect(existsSync(join(dir, RESERVE_FILE))).toBe(false);
  s.setFree(50);
  await s.watch.check();
  expect(existsSync(join(dir, RESERVE_FILE))).toBe(true);
  await s.watch.stop();
  expect(existsSync(join(dir, RESERVE_FILE))).toBe(false);
});

test('a floor of 0 never logs an error', async () => {
  const s = setup(0);
  s.setFree(3);
  await s.watch.check();
  expect(s.errors()).toHaveLength(0);
  await s.watch.stop();
});

import { watch, existsSync, mkdtempSync, readFileSync, rmSync, statSync, unlinkSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import pino from 'pino';
import { createActor, setup } from 'xstate';
import { createSentinelWatcher } from '../src/actors/sentinelWatcher';
import type { RecorderEvent } from '../src/machines/recorderEvents';
import { requestEnd } from '../src/sentinel';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(path.join(tmpdir(), 'sr-end-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

const now = new Date('2024-03-14T10:00:00.000Z');

/** A stand-in recorder: the real sentinel watcher; on `sentinel.appeared`, "drains" then deletes the sentinel. */
function fakeRecorder(sentinelPath: string, drain: () => Promise<void> = async () => undefined) {
  const machine = setup({
    types: { events: {} as RecorderEvent },
    actors: { sentinelWatcher: createSentinelWatcher({ sentinelPath, logger: pino({ level: 'silent' }) }) },
    actions: { drainThenDelete: ({ event }) => void drain().then(() => unlinkSync((event as { path: string }).path)) },
  }).createMachine({
    invoke: { src: 'sentinelWatcher' },
    on: { 'sentinel.appeared': { actions: 'drainThenDelete' } },
  });
  return createActor(machine).start();
}

test('end writes the sentinel and returns once the recorder deleted it', async () => {
  const sentinel = path.join(dir, 'end');
  const recorder = fakeRecorder(sentinel);
  const result = await requestEnd({ sentinelPath: sentinel, timeoutMs: 15_000, pid: 4242, now });
  recorder.stop();
  // vanished: the recorder deleted it before the deadline (15 s: it catches a hang, it does not time the recorder).
  expect(result.vanished).toBe(true);
  expect(existsSync(sentinel)).toBe(false);
});

test('what the sentinel says', async () => {
  const sentinel = path.join(dir, 'end');
  const seen = new Promise<string>((resolve) => {
    const w = watch(dir, () => {
      if (!existsSync(sentinel)) return;
      const body = readFileSync(sentinel, 'utf8');
      if (body === '') return;
      w.close();
      unlinkSync(sentinel); // deleted at once: the fast path must not be missed
      resolve(body);
    });
  });
  const result = await requestEnd({ sentinelPath: sentinel, timeoutMs: 15_000, pid: 4242, now });
  expect(result.vanished).toBe(true);
  expect(JSON.parse(await seen)).toEqual({ requestedBy: 'session-recorder end', pid: 4242, at: '2024-03-14T10:00:00.000Z' });
});

test('a recorder that takes a while to drain is waited for', async () => {
  const sentinel = path.join(dir, 'end');
  let drained = false;
  const recorder = fakeRecorder(sentinel, async () => {
    await new Promise((resolve) => setTimeout(resolve, 300)); // the recorder's drain, not the test waiting
    drained = true;
  });
  const result = await requestEnd({ sentinelPath: sentinel, timeoutMs: 15_000, pid: 1, now });
  recorder.stop();
  expect(result.vanished).toBe(true);
  expect(drained).toBe(true);
  expect(result.waitedMs).toBeGreaterThanOrEqual(250);
});

test('no recorder: it times out, says so, and leaves the sentinel for a recorder still draining', async () => {
  const sentinel = path.join(dir, 'end');
  const result = await requestEnd({ sentinelPath: sentinel, timeoutMs: 300, pid: 1, now });
  expect(result.vanished).toBe(false);
  expect(result.waitedMs).toBeGreaterThanOrEqual(290);
  expect(existsSync(sentinel)).toBe(true);
});

test('creates the sentinel directory (0700) and accepts a sentinel that is already there', async () => {
  const sentinel = path.join(dir, 'run', 'session-1', 'end');
  const first = await requestEnd({ sentinelPath: sentinel, timeoutMs: 100, pid: 1, now });
  expect(first.vanished).toBe(false);
  expect(statSync(path.dirname(sentinel)).mode & 0o777).toBe(0o700);
  const recorder = fakeRecorder(sentinel);
  const second = await requestEnd({ sentinelPath: sentinel, timeoutMs: 15_000, pid: 1, now });
  recorder.stop();
  expect(second.vanished).toBe(true);
});

test('a sentinel path that cannot be written is an error, not a wait', async () => {
  mkdirSync(path.join(dir, 'end'));
  await expect(requestEnd({ sentinelPath: path.join(dir, 'end'), timeoutMs: 10_000, pid: 1, now })).rejects.toThrow(/EISDIR/);
  writeFileSync(path.join(dir, 'file'), '');
  await expect(requestEnd({ sentinelPath: path.join(dir, 'file', 'end'), timeoutMs: 10_000, pid: 1, now })).rejects.toThrow(/EEXIST|ENOTDIR/);
});

import chokidar from 'chokidar';
import { mkdirSync, mkdtempSync, rmSync, unlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import pino from 'pino';
import { assign, createActor, setup, waitFor } from 'xstate';
import { createSentinelWatcher } from '../../src/actors/sentinelWatcher';
import type { RecorderEvent } from '../../src/machines/recorderEvents';

let dir: string;
let lines: string[];
beforeEach(() => {
  dir = mkdtempSync(path.join(tmpdir(), 'sr-sentinel-'));
  lines = [];
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

const logger = () => pino({ level: 'info' }, { write: (line: string) => void lines.push(line) });

/** A parent that counts what the watcher sends, as the recorder machine would receive it. */
function start(sentinelPath: string) {
  const machine = setup({
    types: { context: {} as { appeared: string[] }, events: {} as RecorderEvent },
    actors: { sentinelWatcher: createSentinelWatcher({ sentinelPath, logger: logger() }) },
  }).createMachine({
    context: { appeared: [] },
    invoke: { src: 'sentinelWatcher' },
    on: { 'sentinel.appeared': { actions: assign({ appeared: ({ context, event }) => [...context.appeared, event.path] }) } },
  });
  return createActor(machine).start();
}

/** Resolves once an independent watcher has seen `file` added: a barrier instead of a sleep. */
async function seenByAnotherWatcher(file: string, create: () => void): Promise<void> {
  const other = chokidar.watch(path.dirname(file), { depth: 0, ignoreInitial: true });
  await new Promise<void>((resolve) => other.once('ready', () => resolve()));
  const added = new Promise((resolve) => other.on('add', (p) => p === file && resolve(p)));
  create();
  await added;
  await other.close();
}

test('a sentinel created while recording is reported once', async () => {
  const sentinel = path.join(dir, 'end');
  const actor = start(sentinel);
  writeFileSync(path.join(dir, 'unrelated'), 'x'); // ignored
  await seenByAnotherWatcher(path.join(dir, 'also-unrelated'), () => writeFileSync(path.join(dir, 'also-unrelated'), 'x'));
  expect(actor.getSnapshot().context.appeared).toEqual([]);

  writeFileSync(sentinel, '');
  await waitFor(actor, (s) => s.context.appeared.length === 1, { timeout: 15_000 });
  expect(actor.getSnapshot().context.appeared).toEqual([sentinel]);

  unlinkSync(sentinel);
  await seenByAnotherWatcher(sentinel, () => writeFileSync(sentinel, 'again'));
  expect(actor.getSnapshot().context.appeared).toEqual([sentinel]);
  actor.stop();
  expect(lines.map((l) => JSON.parse(l).msg)).toContain('sentinel appeared: the session is ending');
});

test('a sentinel already there at start is reported', async () => {
  const sentinel = path.join(dir, 'end');
  writeFileSync(sentinel, '');
  const actor = start(sentinel);
  await waitFor(actor, (s) => s.context.appeared.length === 1, { timeout: 15_000 });
  expect(JSON.parse(lines[0] as string)).toMatchObject({ how: expect.stringMatching(/created|present at start/), sentinel });
  actor.stop();
});

test('relative paths and a nested sentinel directory work', async () => {
  const nested = path.join(dir, 'run', 'session-1');
  mkdirSync(nested, { recursive: true });
  const relative = path.relative(process.cwd(), path.join(nested, 'end'));
  const actor = start(relative);
  await seenByAnotherWatcher(path.join(nested, 'x'), () => writeFileSync(path.join(nested, 'x'), ''));
  writeFileSync(path.join(nested, 'end'), '');
  await waitFor(actor, (s) => s.context.appeared.length === 1, { timeout: 15_000 });
  expect(actor.getSnapshot().context.appeared).toEqual([path.join(nested, 'end')]);
  actor.stop();
});

test('stopping before the sentinel closes the watcher cleanly; nothing is sent afterwards', async () => {
  const sentinel = path.join(dir, 'end');
  const actor = start(sentinel);
  await seenByAnotherWatcher(path.join(dir, 'warm'), () => writeFileSync(path.join(dir, 'warm'), ''));
  actor.stop();
  await seenByAnotherWatcher(sentinel, () => writeFileSync(sentinel, ''));
  expect(actor.getSnapshot().context.appeared).toEqual([]);
  expect(lines.filter((l) => JSON.parse(l).level >= 50)).toEqual([]);
});

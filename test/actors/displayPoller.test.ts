/**
 * The display poller with a real notification process (`tail -F` of a file the test appends to,
 * standing in for `xev -root -event randr`) and an in-memory probe: bursts become one change,
 * an endless stream still gets probed, non-notification lines are ignored, and nothing is sent
 * while nothing changes. The real X11 pair (xev + xrandr on Xvnc) is covered by
 * test/e2e/displayChanges.test.ts.
 */
import { appendFileSync, writeFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createActor, createMachine } from 'xstate';
import { createDisplayPoller } from '../../src/actors/displayPoller';
import type { DisplayProbe } from '../../src/adapters/display/displayProbe';
import type { DisplayLayout } from '../../src/domain/displayLayout';
import type { RecorderEvent } from '../../src/machines/recorderEvents';
import { waitUntil } from '../helpers/cli';
import { EventLog, testLogger } from './harness';

const layout = (width: number, height: number): DisplayLayout => ({
  x: 0, y: 0, width, height, monitors: [{ name: 'M', x: 0, y: 0, width, height, primary: true }],
});

let dir: string;
let feed: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'poller-'));
  feed = join(dir, 'notifications');
  writeFileSync(feed, '');
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** A probe answering the layout the test sets, counting how often it was asked. */
function fakeProbe(initial: DisplayLayout) {
  const state = { current: initial, probes: 0 };
  const probe: DisplayProbe = {
    description: 'test probe',
    probe: async () => {
      state.probes += 1;
      return state.current;
    },
    notifications: { command: 'tail', args: ['-F', '-n', '0', feed], isNotification: (line) => line.startsWith('NOTIFY') },
  };
  return { state, probe };
}

function start(probe: DisplayProbe, options: { debounceMs?: number; maxDebounceMs?: number } = {}) {
  const log = new EventLog();
  const poller = createDisplayPoller({ probe, logger: testLogger, pollIntervalMs: 60_000, ...options });
  const actor = createActor(createMachine({
    invoke: { id: 'displayPoller', src: poller },
    on: { '*': { actions: ({ event }) => log.push(event as RecorderEvent) } },
  }));
  actor.start();
  return { log, stop: () => actor.stop() };
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const notify = (lines: string[]) => appendFileSync(feed, lines.map((l) => `${l}\n`).join(''));

/** `tail -F` is running once a line written now comes back as a probe. */
async function waitForWatcher(state: { probes: number }) {
  const deadline = Date.now() + 15_000;
  while (Date.now() < deadline) {
    const before = state.probes;
    notify(['NOTIFY warm-up']);
    await sleep(150);
    if (state.probes > before) return;
  }
  throw new Error('the notification process never answered');
}

const sizeOf = (l: DisplayLayout) => `${l.width}x${l.height}`;

test('a burst of 8 notifications becomes one probe and one display.changed', async () => {
  const { state, probe } = fakeProbe(layout(1920, 1080));
  // A debounce far longer than one write's lines take to arrive, so the burst is one burst even on
  // a busy machine; what is proven is the grouping, not its speed (that is in npm run bench).
  const p = start(probe, { debounceMs: 200, maxDebounceMs: 1_000 });
  try {
    await p.log.waitFor('display.detected', 15_000);
    await waitForWatcher(state);
    const probesBefore = state.probes;
    state.current = layout(1280, 720);
    notify(Array.from({ length: 8 }, (_, i) => `NOTIFY ${i}`));
    await p.log.waitFor('display.changed', 15_000);
    // A later, distinct change: once it is in, anything else the burst caused is in too.
    await sleep(300);
    state.current = layout(1024, 768);
    notify(['NOTIFY marker']);
    await p.log.waitFor('display.changed', 15_000, (e) => e.layout.width === 1024);
    expect(p.log.of('display.changed').map((e) => sizeOf(e.layout))).toEqual(['1280x720', '1024x768']);
    expect(state.probes - probesBefore).toBe(2);
  } finally {
    p.stop();
  }
});

test('an endless stream of notifications is still probed while it lasts, newest layout winning', async () => {
  const { state, probe } = fakeProbe(layout(1920, 1080));
  // Notifications every 20 ms, ten times faster than the debounce: a plain trailing debounce
  // would never fire while the stream lasts; maxDebounceMs makes it.
  const p = start(probe, { debounceMs: 200, maxDebounceMs: 500 });
  try {
    await p.log.waitFor('display.detected', 15_000);
    await waitForWatcher(state);
    const deadline = Date.now() + 15_000;
    let width = 1000;
    while (p.log.of('display.changed').length < 3) {
      if (Date.now() > deadline) throw new Error(`only ${p.log.of('display.changed').length} display.changed while notifications kept coming`);
      width += 2;
      state.current = layout(width, 700);
      notify(['NOTIFY']);
      await sleep(20);
    }
    const last = state.current;
    await p.log.waitFor('display.changed', 15_000, (e) => e.layout.width === last.width);
    expect(p.log.of('display.changed').at(-1)!.layout).toEqual(last);
  } finally {
    p.stop();
  }
});

test('lines that are not notifications, and notifications without a change, send nothing', async () => {
  const { state, probe } = fakeProbe(layout(1920, 1080));
  const p = start(probe);
  try {
    await p.log.waitFor('display.detected', 15_000);
    await waitForWatcher(state);
    const probesBefore = state.probes;
    state.current = layout(800, 600);
    notify(['    width 800, height 600', 'something else']);
    await sleep(300); // spacing, so a (wrong) probe of these lines would not merge with the next
    state.current = layout(1920, 1080);
    notify(['NOTIFY same layout']);
    await waitUntil('the same-layout notification to be probed', () => (state.probes > probesBefore ? true : undefined), 15_000);
    // A real change last: once it is reported, whatever the lines before caused was reported too.
    state.current = layout(1280, 720);
    notify(['NOTIFY marker']);
    await p.log.waitFor('display.changed', 15_000);
    expect(p.log.of('display.changed').map((e) => sizeOf(e.layout))).toEqual(['1280x720']);
    expect(state.probes - probesBefore).toBe(2);
  } finally {
    p.stop();
  }
});

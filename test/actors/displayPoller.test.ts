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
  const deadline = Date.now() + 5_000;
  while (Date.now() < deadline) {
    const before = state.probes;
    notify(['NOTIFY warm-up']);
    await sleep(150);
    if (state.probes > before) return;
  }
  throw new Error('the notification process never answered');
}

test('a burst of 8 notifications becomes one probe and one display.changed, within 100 ms', async () => {
  const { state, probe } = fakeProbe(layout(1920, 1080));
  const p = start(probe);
  try {
    await p.log.waitFor('display.detected', 5_000);
    await waitForWatcher(state);
    const probesBefore = state.probes;
    state.current = layout(1280, 720);
    const at = Date.now();
    notify(Array.from({ length: 8 }, (_, i) => `NOTIFY ${i}`));
    const changed = await p.log.waitFor('display.changed', 2_000);
    const latency = p.log.receivedAt[p.log.events.indexOf(changed)]! - at;
    await sleep(200);
    expect(changed.layout).toEqual(layout(1280, 720));
    expect(p.log.of('display.changed')).toHaveLength(1);
    expect(state.probes - probesBefore).toBe(1);
    expect(latency).toBeLessThan(100);
  } finally {
    p.stop();
  }
});

test('an endless stream of notifications is still probed (at most maxDebounceMs after it began), newest layout winning', async () => {
  const { state, probe } = fakeProbe(layout(1920, 1080));
  const p = start(probe, { debounceMs: 50, maxDebounceMs: 250 });
  try {
    await p.log.waitFor('display.detected', 5_000);
    await waitForWatcher(state);
    const began = Date.now();
    let width = 1000;
    // A notification every 20 ms for 1 s: a plain trailing debounce would never fire.
    while (Date.now() - began < 1_000) {
      width += 2;
      state.current = layout(width, 700);
      notify(['NOTIFY']);
      await sleep(20);
    }
    const first = await p.log.waitFor('display.changed', 1_000);
    expect(p.log.receivedAt[p.log.events.indexOf(first)]! - began).toBeLessThan(600);
    await sleep(300);
    expect(p.log.of('display.changed').length).toBeGreaterThanOrEqual(3);
    expect(p.log.of('display.changed').at(-1)!.layout).toEqual(state.current);
  } finally {
    p.stop();
  }
});

test('lines that are not notifications, and notifications without a change, send nothing', async () => {
  const { state, probe } = fakeProbe(layout(1920, 1080));
  const p = start(probe);
  try {
    await p.log.waitFor('display.detected', 5_000);
    await waitForWatcher(state);
    const probesBefore = state.probes;
    state.current = layout(800, 600);
    notify(['    width 800, height 600', 'something else']);
    await sleep(300);
    expect(state.probes).toBe(probesBefore);
    state.current = layout(1920, 1080);
    notify(['NOTIFY same layout']);
    await sleep(300);
    expect(state.probes).toBe(probesBefore + 1);
    expect(p.log.of('display.changed')).toHaveLength(0);
  } finally {
    p.stop();
  }
});

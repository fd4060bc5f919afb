/**
 * Integration (real processes): the display watchdog with the real X11 ping on a real Xvfb while
 * the test's hostile client (test/fixtures/xattack) holds the server grabbed. The ping is one
 * round trip over a persistent X connection: the grab is reported as display.stalled and its end
 * as display.answering, and `xrandr` (here a wrapper that writes a line per run, then runs the
 * real one) was not started once for it: no process per tick. A hostile XKillClient cannot cut
 * that connection (it owns no resource to name). The scene's clients stay connected
 * (as the user's session does): a bare Xvfb resets when its last client leaves and drops a
 * connection being set up at that moment (seen here: the watchdog then used xrandr for one tick).
 */
import { readFileSync } from 'node:fs';
import { chmod, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createActor, createMachine } from 'xstate';
import { createDisplayWatchdog } from '../../src/actors/displayWatchdog';
import { createX11Probe } from '../../src/adapters/display/x11Probe';
import type { RecorderEvent } from '../../src/machines/recorderEvents';
import { waitUntil } from '../helpers/cli';
import { startXvfb, type Xvfb } from '../helpers/xvfb';
import { buildXattack, xattack } from '../helpers/xattack';
import { Writable } from 'node:stream';
import pino from 'pino';
import { EventLog, testLogger } from './harness';

jest.setTimeout(120_000);

let work: string;
let x: Xvfb;
let attack: string;
let xrandr: string;
let xrandrRuns: string;
beforeAll(async () => {
  work = await mkdtemp(join(tmpdir(), 'watchdog-'));
  [x, attack] = await Promise.all([startXvfb({ width: 320, height: 240 }), buildXattack(work)]);
  xrandrRuns = join(work, 'xrandr-runs');
  await writeFile(xrandrRuns, '');
  xrandr = join(work, 'xrandr');
  await writeFile(xrandr, `#!/bin/sh\necho "$*" >> '${xrandrRuns}'\nexec xrandr "$@"\n`);
  await chmod(xrandr, 0o755);
});
afterAll(async () => {
  await x?.stop();
  if (work) await rm(work, { recursive: true, force: true });
});

function startWatchdog(display: string) {
  const log = new EventLog();
  const logLines: string[] = [];
  const logger = pino({ level: 'info' }, new Writable({ write: (chunk: Buffer, _enc, done) => { logLines.push(chunk.toString()); done(); } }));
  const probe = createX11Probe({ display, env: x.env, xrandrPath: xrandr, logger });
  const counts = { pings: 0 };
  const watchdog = createDisplayWatchdog({ ping: (signal) => { counts.pings += 1; return probe.ping!(signal); }, logger: testLogger });
  const actor = createActor(createMachine({
    invoke: { id: 'displayWatchdog', src: watchdog },
    on: { '*': { actions: ({ event }) => log.push(event as RecorderEvent) } },
  }));
  actor.start();
  return { log, logLines, counts, stop: () => actor.stop() };
}

test('XKillClient cannot cut the connection; a 6 s server grab is a stall from the last answer to the first after it, with no xrandr started', async () => {
  const { log, logLines, counts, stop } = startWatchdog(x.display);
  try {
    await waitUntil('the connection open', () => (logLines.some((l) => l.includes('round trips over one persistent X connection')) ? true : undefined), 20_000);
    // A hostile client aims XKillClient at every X client of this process (the connection is
    // this process's only one on the display): it owns no resource to name, so the server refuses.
    const comm = readFileSync('/proc/self/comm', 'utf8').trim();
    const cut = await xattack(attack, x.display, ['cut', comm, '500', '500']).then(() => 'cut', (e: Error) => e.message);
    expect(cut).toMatch(/BadValue[\s\S]*X_KillClient/);
    const lines = await xattack(attack, x.display, ['grab', '6000']);
    const releasedAt = Date.now();
    expect(lines.map((l) => l.split(' ')[1])).toEqual(['grabbed', 'released']);
    const stalled = await log.waitFor('display.stalled', 20_000);
    const answering = await log.waitFor('display.answering', 20_000);
    expect(answering.sinceMs).toBe(stalled.sinceMs);
    // The stretch covers the grab (from the last answer before it to the first after it).
    expect(answering.atMs - answering.sinceMs).toBeGreaterThanOrEqual(6_000);
    // And it began before the grab ended (the order of two events, not a speed).
    expect(stalled.sinceMs).toBeLessThanOrEqual(releasedAt);
    expect(log.of('display.stalled')).toHaveLength(1);
    // Positive marker: five more round trips after the grab, so the window counted below holds
    // many ticks (an xrandr ping would have started one process each).
    const after = counts.pings;
    await waitUntil('five round trips after the grab', () => (counts.pings >= after + 5 ? true : undefined), 30_000);
    expect((await readFile(xrandrRuns, 'utf8')).split('\n').filter((l) => l !== '')).toEqual([]);
    expect(logLines.filter((l) => l.includes('round trips over one persistent X connection'))).toHaveLength(1);
  } finally {
    stop();
  }
});

test('no X connection can be opened: the round trips fall back to xrandr, one per tick', async () => {
  // A display the x11 package cannot reach but whose xrandr is the wrapper: an unreachable
  // display fails both ways, so the fallback is proven by the wrapper's lines (each a failed run).
  const { log, logLines, stop } = startWatchdog(':987');
  try {
    const deadline = Date.now() + 20_000;
    let runs: string[] = [];
    while (Date.now() < deadline) {
      runs = (await readFile(xrandrRuns, 'utf8')).split('\n').filter((l) => l !== '');
      if (runs.length >= 3) break;
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
    expect(runs.slice(0, 3)).toEqual(['--current', '--current', '--current']);
    // Said once, in one line, with the cause.
    const fallbackLines = logLines.filter((l) => l.includes('falling back to one `xrandr --current` per round trip'));
    expect(fallbackLines).toHaveLength(1);
    expect(fallbackLines[0]).toContain('cannot connect to X display :987');
    // A failed round trip is an answer (the display poller reports a lost display), never a stall.
    expect(log.of('display.stalled')).toEqual([]);
  } finally {
    stop();
  }
});

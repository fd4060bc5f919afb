/**
 * Integration (real processes): the activity actor with the real X11 source on a real Xvfb that
 * goes away (its X server killed) and comes back on the same display. The stretch without it is
 * journaled as lost with its cause, the actor reconnects by itself, and the cut objects say what
 * was not observed. The recording is never stopped for it (the actor has no way to stop it).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ActivityTracker } from '../../src/actors/activity';
import { x11ActivitySource } from '../../src/adapters/activity/x11ActivitySource';
import { ActivityTrack } from '../../src/domain/activityCut';
import { parseJournal } from '../../src/domain/activityJournal';
import { createLogger } from '../../src/logger';
import { waitUntil } from '../helpers/cli';
import { startXvfb, type Xvfb } from '../helpers/xvfb';

jest.setTimeout(120_000);

let work: string;
let first: Xvfb | undefined;
let second: ChildProcess | undefined;
let term: ChildProcess | undefined;
beforeAll(async () => {
  work = await mkdtemp(join(tmpdir(), 'activity-actor-'));
});
afterAll(async () => {
  term?.kill('SIGKILL');
  second?.kill('SIGKILL');
  await first?.stop();
  await rm(work, { recursive: true, force: true });
});

const journalText = (path: string): Promise<string> => readFile(path, 'utf8').catch(() => '');

test('X server gone and back: a lost stretch with its cause, then observed again by itself', async () => {
  first = await startXvfb({ width: 320, height: 240, scene: false });
  const display = first.display;
  const journal = join(work, 'activity.jsonl');
  const tracker = new ActivityTracker({ connect: x11ActivitySource(display), journalPath: journal, idleThresholdMs: 60_000, logger: createLogger('silent'), reconnectBaseMs: 200, reconnectMaxMs: 1_000 });
  tracker.start();
  try {
    await waitUntil('observed', async () => ((await journalText(journal)).includes('"k":"observed"') ? true : undefined), 20_000);
    const goneAt = Date.now();
    await first.stop();
    first = undefined;
    await waitUntil('lost', async () => ((await journalText(journal)).includes('"k":"lost"') ? true : undefined), 20_000);
    // The same display number again, and a window on it.
    second = spawn('Xvfb', [display, '-screen', '0', '320x240x24', '-nolisten', 'tcp'], { stdio: 'ignore' });
    const backAt = Date.now();
    await waitUntil('observed again', async () => ((await journalText(journal)).split('"k":"observed"').length - 1 >= 2 ? true : undefined), 30_000);
    term = spawn('xterm', ['-T', 'BACK-AGAIN', '-e', 'sleep', '120'], { env: { ...process.env, DISPLAY: display }, stdio: 'ignore' });
    await waitUntil('the window after the return', async () => ((await journalText(journal)).includes('BACK-AGAIN') ? true : undefined), 30_000);

    const { records } = parseJournal(await journalText(journal));
    const lost = records.find((r) => r.k === 'lost');
    expect(lost).toMatchObject({ k: 'lost', cause: expect.stringMatching(/X connection to .* (was closed|closed|failed)/) });
    const track = new ActivityTrack('x11-focus');
    track.add(records);
    const object = track.cut({ sessionPrefix: 's/', startMs: goneAt - 5_000, endMs: Date.now() });
    const stretch = object.unobserved.find((u) => u.cause === (lost as { cause: string }).cause);
    expect(stretch).toBeDefined();
    expect(Date.parse(stretch!.start)).toBeGreaterThanOrEqual(goneAt - 1_000);
    expect(Date.parse(stretch!.end)).toBeGreaterThanOrEqual(backAt);
    expect(object.events.some((e) => e.kind === 'windows' && e.windows.some((w) => w.title === 'BACK-AGAIN' && w.app === 'XTerm'))).toBe(true);
  } finally {
    tracker.stop();
  }
  // Closed cleanly: the last record says so.
  const { records } = parseJournal(await journalText(journal));
  expect(records[records.length - 1]?.k).toBe('end');
});

test('idle after the threshold without input (MIT-SCREEN-SAVER), active again at the input, with exact edges', async () => {
  const x = await startXvfb({ width: 320, height: 240, scene: false });
  const journal = join(work, 'idle.jsonl');
  const tracker = new ActivityTracker({ connect: x11ActivitySource(x.display), journalPath: journal, idleThresholdMs: 1_500, idleSampleMs: 250, logger: createLogger('silent') });
  tracker.start();
  try {
    await waitUntil('idle', async () => ((await journalText(journal)).includes('"kind":"idle"') ? true : undefined), 20_000);
    const before = Date.now();
    await new Promise<void>((resolve, reject) =>
      spawn('xdotool', ['mousemove', '100', '100'], { env: { ...process.env, DISPLAY: x.display }, stdio: 'ignore' }).on('exit', (code) => (code === 0 ? resolve() : reject(new Error(`xdotool exited ${code}`)))),
    );
    const after = Date.now();
    await waitUntil('active', async () => ((await journalText(journal)).includes('"kind":"active"') ? true : undefined), 20_000);
    const events = parseJournal(await journalText(journal)).records.flatMap((r) => (r.k === 'event' ? [r.event] : []));
    const idle = events.find((e) => e.kind === 'idle');
    const active = events.find((e) => e.kind === 'active');
    // The idle stretch starts at the last input (before the tracker started: Xvfb's start), not at the sample.
    expect(idle!.kind === 'idle' && Date.parse(idle!.since)).toBeLessThanOrEqual(Date.parse(idle!.at) - 1_500);
    // Active at the input itself (server-side idle time), within the sampling noise.
    expect(Date.parse(active!.at)).toBeGreaterThanOrEqual(before - 1_000);
    expect(Date.parse(active!.at)).toBeLessThanOrEqual(after + 1_000);
  } finally {
    tracker.stop();
    await x.stop();
  }
});

/**
 * The real X11 pair on a resizable X server (TigerVNC's Xvnc): `xev -root -event randr` for
 * notifications and `xrandr` for the layout, inside the real display poller. Checks outcomes only
 * (one event per change, the right size); how fast a change is seen and what the watcher costs
 * while nothing changes are measured by `npm run bench` (BENCHMARKS.md, rows 5 and 6).
 */
import { execFile } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { promisify } from 'node:util';
import { createActor, createMachine } from 'xstate';
import { createDisplayPoller } from '../../src/actors/displayPoller';
import { createX11Probe } from '../../src/adapters/display/x11Probe';
import { startVirtualDisplay, type VirtualDisplay } from '../../src/adapters/virtualDisplay';
import type { RecorderEvent } from '../../src/machines/recorderEvents';
import { EventLog, testLogger } from '../actors/harness';
import { waitUntil } from '../helpers/cli';

const run = promisify(execFile);
jest.setTimeout(120_000);

let x: VirtualDisplay;
beforeAll(async () => {
  x = await startVirtualDisplay({ server: 'Xvnc', width: 1920, height: 1080, scene: false });
});
afterAll(async () => {
  await x?.stop();
});

const xrandr = (args: string[]) => run('xrandr', args, { env: x.env });

function childPids(name: string): number[] {
  return readdirSync('/proc').filter((d) => /^\d+$/.test(d)).map(Number).filter((pid) => {
    try {
      const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      return ppid === process.pid && stat.includes(`(${name})`);
    } catch {
      return false;
    }
  });
}

test('each resize is reported once, with the new size, in order', async () => {
  const log = new EventLog();
  const poller = createDisplayPoller({ probe: createX11Probe({ display: x.display, env: x.env }), logger: testLogger });
  const actor = createActor(createMachine({
    invoke: { id: 'displayPoller', src: poller },
    on: { '*': { actions: ({ event }) => log.push(event as RecorderEvent) } },
  }));
  actor.start();
  try {
    await log.waitFor('display.detected', 15_000);
    // xev is started right after the first layout: wait until it runs before resizing.
    await waitUntil('xev to start', () => (childPids('xev').length > 0 ? true : undefined), 15_000);

    const sizes = ['1280x720', '1920x1080', '1024x768', '1600x1200', '800x600', '1920x1080'];
    const requested = [...sizes, ...sizes];
    for (const size of requested) {
      const seen = log.of('display.changed').length;
      await xrandr(['-s', size]);
      await log.waitForCount('display.changed', seen + 1, 15_000);
      const [w, h] = size.split('x').map(Number);
      expect(log.of('display.changed')[seen]!.layout).toMatchObject({ width: w, height: h });
    }
    // A last, distinct resize: once its event is in, any duplicate from an earlier burst (each
    // resize sends ~7 notifications, debounced into one probe) would have arrived before it.
    await xrandr(['-s', '1024x768']);
    await log.waitFor('display.changed', 15_000, (e) => e.layout.width === 1024 && log.of('display.changed').length > requested.length);
    const reported = log.of('display.changed').map((e) => `${e.layout.width}x${e.layout.height}`);
    expect(reported).toEqual([...requested, '1024x768']);
  } finally {
    actor.stop();
  }
});

test('xrandr --setmonitor sends no RandR notification: the safety-net poll reports it within its interval', async () => {
  await xrandr(['--fb', '3840x1080']);
  const log = new EventLog();
  const poller = createDisplayPoller({ probe: createX11Probe({ display: x.display, env: x.env }), logger: testLogger, pollIntervalMs: 2_000 });
  const actor = createActor(createMachine({
    invoke: { id: 'displayPoller', src: poller },
    on: { '*': { actions: ({ event }) => log.push(event as RecorderEvent) } },
  }));
  actor.start();
  try {
    const detected = await log.waitFor('display.detected', 15_000);
    expect(detected.layout).toMatchObject({ width: 3840, height: 1080 });
    const at = Date.now();
    await xrandr(['--setmonitor', 'L', '1920/500x1080/280+0+0', 'VNC-0']);
    await xrandr(['--setmonitor', 'R', '1920/500x1080/280+1920+0', 'none']);
    const changed = await log.waitFor('display.changed', 15_000, (e) => e.layout.monitors.length === 2);
    process.stdout.write(`monitor-only change (--setmonitor) seen by the safety-net poll after ${Date.now() - at} ms (poll every 2 s here, 5 s by default)\n`);
    expect(changed.layout).toMatchObject({ width: 3840, height: 1080 });
  } finally {
    actor.stop();
    await xrandr(['--delmonitor', 'L']).catch(() => undefined);
    await xrandr(['--delmonitor', 'R']).catch(() => undefined);
  }
});

/**
 * The real X11 pair on a resizable X server (TigerVNC's Xvnc): `xev -root -event randr` for
 * notifications and `xrandr` for the layout, inside the real display poller. Measures and PRINTS
 * the detection latency (xrandr started → display.changed) and what the poller costs while the
 * display does not change (xev's own CPU and the safety-net probes', from /proc over 30 s).
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

const run = promisify(execFile);
const QUIET_SECONDS = 30;
jest.setTimeout(120_000);

let x: VirtualDisplay;
beforeAll(async () => {
  x = await startVirtualDisplay({ server: 'Xvnc', width: 1920, height: 1080, scene: false });
});
afterAll(async () => {
  await x?.stop();
});

const xrandr = (args: string[]) => run('xrandr', args, { env: x.env });
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** utime+stime (and optionally the reaped children's) of a process, in clock ticks. */
function cpuTicks(pid: number | 'self', children = false): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  // After "pid (comm) ": state is field 3, so utime (14) is index 11 here.
  const own = Number(fields[11]) + Number(fields[12]);
  return children ? own + Number(fields[13]) + Number(fields[14]) : own;
}

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

const percentile = (values: number[], p: number) => [...values].sort((a, b) => a - b)[Math.min(values.length - 1, Math.floor(p * values.length))]!;

test('resizes are detected within 100 ms; while nothing changes the watcher costs (almost) nothing', async () => {
  const log = new EventLog();
  const poller = createDisplayPoller({ probe: createX11Probe({ display: x.display, env: x.env }), logger: testLogger });
  const actor = createActor(createMachine({
    invoke: { id: 'displayPoller', src: poller },
    on: { '*': { actions: ({ event }) => log.push(event as RecorderEvent) } },
  }));
  actor.start();
  try {
    await log.waitFor('display.detected', 10_000);
    // xev is started right after the first layout; give it a moment to select its events.
    const deadline = Date.now() + 5_000;
    while (childPids('xev').length === 0 && Date.now() < deadline) await sleep(50);
    const [xev] = childPids('xev');
    expect(xev).toBeDefined();
    await sleep(500);

    const sizes = ['1280x720', '1920x1080', '1024x768', '1600x1200', '800x600', '1920x1080'];
    const latencies: number[] = [];
    for (const [i, size] of [...sizes, ...sizes].entries()) {
      const seen = log.of('display.changed').length;
      const at = Date.now();
      await xrandr(['-s', size]);
      await log.waitForCount('display.changed', seen + 1, 2_000);
      latencies.push(log.receivedAt[log.events.indexOf(log.of('display.changed')[seen]!)]! - at);
      const [w, h] = size.split('x').map(Number);
      expect(log.of('display.changed')[seen]!.layout).toMatchObject({ width: w, height: h });
      await sleep(i % 2 === 0 ? 300 : 700);
    }
    // One event per resize: the 7-notification burst of each was debounced into one probe.
    expect(log.of('display.changed')).toHaveLength(latencies.length);
    process.stdout.write(
      `detection latency (xrandr -s started → display.changed), ${latencies.length} resizes on Xvnc: ` +
      `min ${Math.min(...latencies)} ms, median ${percentile(latencies, 0.5)} ms, max ${Math.max(...latencies)} ms ` +
      `[${latencies.join(', ')}]\n`,
    );
    expect(percentile(latencies, 0.5)).toBeLessThan(100);

    // Nothing changes for QUIET_SECONDS: xev blocks in read(); the only work is the 5 s safety poll.
    const tick = 100; // USER_HZ on Linux
    const xevBefore = cpuTicks(xev!);
    const childrenBefore = cpuTicks('self', true) - cpuTicks('self');
    const probesBefore = log.events.length;
    await sleep(QUIET_SECONDS * 1000);
    const xevTicks = cpuTicks(xev!) - xevBefore;
    const probeTicks = cpuTicks('self', true) - cpuTicks('self') - childrenBefore;
    process.stdout.write(
      `idle ${QUIET_SECONDS} s: xev used ${xevTicks} ticks (${((xevTicks / tick) * 1000).toFixed(0)} ms CPU), ` +
      `safety-net xrandr probes used ${probeTicks} ticks (${((probeTicks / tick) * 1000).toFixed(0)} ms CPU) = ` +
      `${(((xevTicks + probeTicks) / tick / QUIET_SECONDS) * 100).toFixed(2)} % of one core\n`,
    );
    expect(log.events.length).toBe(probesBefore); // no spurious events
    expect(xevTicks).toBeLessThanOrEqual(1);
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
    const detected = await log.waitFor('display.detected', 10_000);
    expect(detected.layout).toMatchObject({ width: 3840, height: 1080 });
    await sleep(300);
    const at = Date.now();
    await xrandr(['--setmonitor', 'L', '1920/500x1080/280+0+0', 'VNC-0']);
    await xrandr(['--setmonitor', 'R', '1920/500x1080/280+1920+0', 'none']);
    const changed = await log.waitFor('display.changed', 5_000, (e) => e.layout.monitors.length === 2);
    process.stdout.write(`monitor-only change (--setmonitor) seen by the safety-net poll after ${Date.now() - at} ms (poll every 2 s here, 5 s by default)\n`);
    expect(changed.layout).toMatchObject({ width: 3840, height: 1080 });
  } finally {
    actor.stop();
    await xrandr(['--delmonitor', 'L']).catch(() => undefined);
    await xrandr(['--delmonitor', 'R']).catch(() => undefined);
  }
});

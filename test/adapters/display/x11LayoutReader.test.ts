/**
 * The layout read over one persistent X connection (GetGeometry + RRGetMonitors) against what
 * `xrandr` prints, on a real resizable X server (TigerVNC's Xvnc), through resizes and
 * `--setmonitor` splits; a grabbed server gives a timeout, a stopped one an error.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { parseX11Layout } from '../../../src/adapters/display/parseXrandr';
import { createX11LayoutReader, LayoutReadTimeout, type X11LayoutReader } from '../../../src/adapters/display/x11LayoutReader';
import { startVirtualDisplay, type VirtualDisplay } from '../../../src/adapters/virtualDisplay';
import { buildXattack } from '../../helpers/xattack';

const run = promisify(execFile);
jest.setTimeout(120_000);

let x: VirtualDisplay;
let reader: X11LayoutReader;
let work: string;
beforeAll(async () => {
  work = mkdtempSync(join(tmpdir(), 'layout-reader-'));
  x = await startVirtualDisplay({ server: 'Xvnc', width: 1920, height: 1080, scene: false });
  reader = createX11LayoutReader(x.display);
});
afterAll(async () => {
  reader?.close();
  await x?.stop();
  rmSync(work, { recursive: true, force: true });
});

const xrandr = async (args: string[]) => (await run('xrandr', args, { env: x.env })).stdout;
const viaXrandr = async () => parseX11Layout(await xrandr(['--current']), await xrandr(['--listmonitors']));

test('the same layout as xrandr prints, through resizes and monitor splits, on one connection', async () => {
  const steps: Array<() => Promise<unknown>> = [
    async () => undefined,
    () => xrandr(['-s', '1280x720']),
    () => xrandr(['-s', '1920x1080']),
    () => xrandr(['--fb', '3840x1080']),
    () => xrandr(['--setmonitor', 'L', '1920/500x1080/280+0+0', 'VNC-0']),
    () => xrandr(['--setmonitor', 'R', '1920/500x1080/280+1920+0', 'none']),
    () => xrandr(['--delmonitor', 'L']),
    () => xrandr(['--delmonitor', 'R']),
  ];
  const seen = new Set<string>();
  for (const step of steps) {
    await step();
    const expected = await viaXrandr();
    expect(await reader.read(15_000)).toEqual(expected);
    seen.add(`${expected.width}x${expected.height}/${expected.monitors.length}`);
  }
  // The steps did change what there is to read (sizes and monitor counts).
  expect(seen).toEqual(new Set(['1920x1080/1', '1280x720/1', '3840x1080/1', '3840x1080/2']));
});

test('a server held grabbed by another client: the read times out instead of hanging', async () => {
  const xattack = await buildXattack(work);
  const grab = run(xattack, ['grab', '4000'], { env: x.env });
  // The grab is on once the grabbing client says so.
  await new Promise<void>((resolve) => {
    const child = grab.child;
    child.stdout?.on('data', (d: Buffer) => {
      if (d.toString().includes('grabbed')) resolve();
    });
  });
  await expect(reader.read(500)).rejects.toBeInstanceOf(LayoutReadTimeout);
  await grab;
  // Released: the next read opens a new connection and answers.
  expect(await reader.read(15_000)).toEqual(await viaXrandr());
});

test('a stopped server: the read rejects with the cause', async () => {
  const other = await startVirtualDisplay({ server: 'Xvnc', width: 800, height: 600, scene: false });
  const own = createX11LayoutReader(other.display);
  try {
    expect((await own.read(15_000)).width).toBe(800);
    await other.stop();
    await expect(own.read(15_000)).rejects.toThrow(/X connection|cannot connect|closed/);
  } finally {
    own.close();
    await other.stop();
  }
});

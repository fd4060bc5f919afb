/**
 * Integration (real processes): the damage grabber's still marks (`--marks`, native/damage-grab/
 * marks.h) on a real Xvfb. On a still screen it writes no frame, only the marks, and they keep
 * up: the last frame written and the last tick checked. A change is a frame, and the marks follow
 * it. When the X server goes away it writes one last frame on the last tick it checked (so FFmpeg's
 * segment reaches it), and when its reader goes away on a still screen it ends by itself.
 * Bounds are generous (a loaded machine); what is checked is what the grabber wrote, not its speed.
 */
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { startVirtualDisplay, type VirtualDisplay } from '../../src/adapters/virtualDisplay';
import { parseStillMarks, type StillMarks } from '../../src/adapters/stillMarks';
import { builtGrabberPath } from '../../src/recording/x11Capture';
import { waitUntil } from '../helpers/cli';
import { readIvf, type IvfReader } from '../helpers/ivfFrames';
import { openX11Pointer, type X11Pointer } from '../helpers/warpPointer';

const run = promisify(execFile);
jest.setTimeout(120_000);

const W = 320;
const H = 240;
let dir: string;
const started: ChildProcess[] = [];
const displays: VirtualDisplay[] = [];
const holders: X11Pointer[] = [];

beforeEach(() => { dir = mkdtempSync(join(tmpdir(), 'marks-')); });
afterEach(async () => {
  for (const child of started.splice(0)) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  for (const h of holders.splice(0)) h.close();
  for (const d of displays.splice(0)) await d.stop();
  rmSync(dir, { recursive: true, force: true });
});

async function still(): Promise<VirtualDisplay> {
  const x = await startVirtualDisplay({ width: W, height: H, scene: false });
  displays.push(x);
  holders.push(await openX11Pointer(x.display)); // keeps the server from resetting between clients
  await run('xsetroot', ['-solid', 'black'], { env: x.env });
  return x;
}

function grab(x: VirtualDisplay, marks: string): { child: ChildProcess; ivf: IvfReader; exit: Promise<number | null> } {
  const child = spawn(builtGrabberPath, ['--fps', '5', '--still', '60', '--no-cursor', '--marks', marks, x.display, '0', '0', String(W), String(H)],
    { stdio: ['ignore', 'pipe', 'ignore'] });
  started.push(child);
  const exit = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return { child, ivf: readIvf(child.stdout as NonNullable<typeof child.stdout>), exit };
}

const readMarks = (path: string): StillMarks | undefined => {
  try {
    return parseStillMarks(readFileSync(path, 'utf8')) ?? undefined;
  } catch {
    return undefined;
  }
};

test('a still screen: no frame after the first, the marks advance; a change is a frame and the marks follow it', async () => {
  const x = await still();
  const marksPath = join(dir, 'still-marks');
  const g = grab(x, marksPath);
  const seen = await waitUntil('3 s of still marks', () => {
    const m = readMarks(marksPath);
    return m !== undefined && m.stillThroughMs >= 3_000 ? m : undefined;
  }, 30_000);
  expect(g.ivf.frames).toHaveLength(1); // no heartbeat: --still 60
  expect(seen.frameMs).toBe(0);
  expect(seen.stillThroughMs % 200).toBe(0); // a tick of the 5 fps grid

  await run('xsetroot', ['-solid', 'red'], { env: x.env });
  await waitUntil('a second frame', () => (g.ivf.frames.length >= 2 ? true : undefined), 30_000);
  const changed = g.ivf.frames[1]!.pts - g.ivf.frames[0]!.pts;
  const after = await waitUntil('the marks on the new frame, then past it', () => {
    const m = readMarks(marksPath);
    return m !== undefined && m.frameMs === changed && m.stillThroughMs > changed ? m : undefined;
  }, 30_000);
  expect(after.frameMs).toBeGreaterThan(seen.stillThroughMs);
  g.child.kill('SIGTERM');
  expect(await g.exit).toBe(0);
});

test('the X server goes away: exit 6, after one last frame on the last tick it checked', async () => {
  const x = await still();
  const marksPath = join(dir, 'still-marks');
  const g = grab(x, marksPath);
  await waitUntil('2 s of still marks', () => ((readMarks(marksPath)?.stillThroughMs ?? 0) >= 2_000 ? true : undefined), 30_000);
  displays.splice(displays.indexOf(x), 1);
  holders.splice(0).forEach((h) => h.close());
  await x.stop();
  expect(await g.exit).toBe(6);
  await waitUntil('the output read to its end', () => (g.child.stdout?.readableEnded ? true : undefined), 15_000);
  const last = readMarks(marksPath)!;
  const offsets = g.ivf.frames.map((f) => f.pts - g.ivf.frames[0]!.pts);
  expect(offsets).toEqual([0, last.stillThroughMs]);
});

test('its reader goes away on a still screen: it ends by itself (no frame to fail on)', async () => {
  const x = await still();
  const marksPath = join(dir, 'still-marks');
  const g = grab(x, marksPath);
  await waitUntil('1 s of still marks', () => ((readMarks(marksPath)?.stillThroughMs ?? 0) >= 1_000 ? true : undefined), 30_000);
  g.child.stdout?.destroy();
  let deadline: NodeJS.Timeout | undefined;
  const ended = await Promise.race([g.exit, new Promise<string>((resolve) => { deadline = setTimeout(() => resolve('still running after 30 s'), 30_000); })]);
  clearTimeout(deadline); // a pending timer would keep the Jest worker from exiting
  expect(ended).toBe(0);
});

/**
 * Integration (real processes): the damage grabber (dist/native/damage-grab, built by npm run
 * build) on a real Xvfb, its IVF output read as it comes. A still screen gets a frame every
 * stillFrameSeconds (the heartbeat) and no more; a change (the root background repainted) is in a
 * frame written within one tick + tolerance; with DAMAGE ignored the safety scan alone still
 * catches it within its bound; the pointer is drawn, and its move is a change. Timing bounds are
 * the grabber's contract with generous tolerance for a loaded machine.
 */
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { promisify } from 'node:util';
import { startVirtualDisplay, type VirtualDisplay } from '../../src/adapters/virtualDisplay';
import { builtGrabberPath } from '../../src/recording/x11Capture';
import { waitUntil } from '../helpers/cli';
import { pixelYuv, readIvf, type IvfReader } from '../helpers/ivfFrames';
import { openX11Pointer, type X11Pointer } from '../helpers/warpPointer';

const run = promisify(execFile);
jest.setTimeout(120_000);

const W = 320;
const H = 240;
let x: VirtualDisplay;
let pointer: X11Pointer;
const started: ChildProcess[] = [];

beforeAll(async () => {
  x = await startVirtualDisplay({ width: W, height: H, scene: false });
  // One client stays connected throughout: an X server left without clients resets itself
  // (pointer back to the centre, root background back to its default).
  pointer = await openX11Pointer(x.display);
  await run('xsetroot', ['-solid', 'black'], { env: x.env });
});
afterAll(async () => {
  pointer?.close();
  for (const child of started) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  await x?.stop();
});

function grab(extra: string[]): { child: ChildProcess; ivf: IvfReader; stderr: () => string } {
  const child = spawn(builtGrabberPath, [...extra, x.display, '0', '0', String(W), String(H)], { stdio: ['ignore', 'pipe', 'pipe'] });
  started.push(child);
  let stderr = '';
  child.stderr?.on('data', (c: Buffer) => (stderr += c.toString()));
  return { child, ivf: readIvf(child.stdout as NonNullable<typeof child.stdout>), stderr: () => stderr };
}

async function stop(child: ChildProcess): Promise<number | null> {
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  child.kill('SIGTERM');
  return exited;
}

/** The first frame with pts ≥ atMs whose centre pixel is `red` (or not) in limited-range YUV. */
function firstRedFrame(ivf: IvfReader, sinceMs: number): number | undefined {
  const f = ivf.frames.find((fr) => fr.pts >= sinceMs && isRed(pixelYuv(fr, W, H, W / 2, H / 2)));
  return f?.pts;
}
// BT.601 limited range red (255,0,0): Y 82, U 90, V 240.
const isRed = ([y, u, v]: [number, number, number]) => Math.abs(y - 82) <= 2 && Math.abs(u - 90) <= 2 && Math.abs(v - 240) <= 2;

test('the grabber is built by npm run build', () => {
  expect(existsSync(builtGrabberPath)).toBe(true);
});

test('a still screen: one frame per stillFrameSeconds; a change is in the next frame, within a tick', async () => {
  await run('xsetroot', ['-solid', 'black'], { env: x.env });
  const g = grab(['--fps', '5', '--still', '0.4', '--no-cursor']);
  await waitUntil('3 s of frames', () => (g.ivf.frames.length > 0 && g.ivf.frames.at(-1)!.pts - g.ivf.frames[0]!.pts >= 3_000 ? true : undefined), 20_000);
  const still = g.ivf.frames.slice();
  const gaps = still.slice(1).map((f, i) => f.pts - still[i]!.pts);
  // At 5 fps with a 0.4 s heartbeat, every second tick writes: gaps of ~400 ms, never every tick.
  const median = [...gaps].sort((a, b) => a - b)[Math.floor(gaps.length / 2)]!;
  expect({ median: Math.abs(median - 400) <= 50, gapsOfOneTick: gaps.filter((g2) => g2 < 300).length }).toEqual({ median: true, gapsOfOneTick: 0 });
  expect(Math.max(...gaps)).toBeLessThan(1_500);

  const changeAt = Date.now();
  await run('xsetroot', ['-solid', 'red'], { env: x.env });
  const redPts = await waitUntil('a red frame', () => firstRedFrame(g.ivf, changeAt - 5), 15_000);
  // One tick is 200 ms; the tolerance covers xsetroot's own start and a loaded machine.
  expect(redPts - changeAt).toBeLessThan(200 + 1_000);
  // The frame before the change was not red: the change is the grabber's, not a stale frame.
  const before = g.ivf.frames.filter((f) => f.pts < changeAt - 50).at(-1)!;
  expect(isRed(pixelYuv(before, W, H, W / 2, H / 2))).toBe(false);
  expect(await stop(g.child)).toBe(0);
});

test('pts on the tick grid; a segment\'s first ticks, the tick before each boundary and the boundary (exactly, when it falls between ticks); a last frame at the stop', async () => {
  await run('xsetroot', ['-solid', 'black'], { env: x.env });
  // 5 fps (200 ms ticks), a 1 s heartbeat, segments of 1.5 s: boundaries at 1500 (between ticks) and 3000 (a tick).
  const g = grab(['--fps', '5', '--still', '1', '--segment', '1.5', '--no-cursor']);
  await waitUntil('4 s of frames', () => (g.ivf.frames.length > 0 && g.ivf.frames.at(-1)!.pts - g.ivf.frames[0]!.pts >= 4_000 ? true : undefined), 20_000);
  const stopAt = Date.now();
  expect(await stop(g.child)).toBe(0);
  await waitUntil('the last frame read', () => (g.child.stdout?.readableEnded ? true : undefined), 15_000);
  const first = g.ivf.frames[0]!.pts;
  const offsets = g.ivf.frames.map((f) => f.pts - first);
  // Every frame but the boundaries' own between ticks (1500, 4500) is on the 200 ms grid, the stop's too.
  expect(offsets.filter((o) => o % 200 !== 0 && o % 1500 !== 0)).toEqual([]);
  // The first segment's first 4 ticks, then nothing on the still screen until the tick before the
  // boundary (the 1 s heartbeat would be due at 1800); the boundary; the next segment's first ticks.
  expect(offsets.filter((o) => o < 2600)).toEqual([0, 200, 400, 600, 800, 1400, 1500, 1600, 1800, 2000, 2200, 2400]);
  // The boundary on a tick: the tick before it, it, and the next segment's first ticks.
  expect(offsets.filter((o) => o >= 2600 && o <= 3800)).toEqual([2800, 3000, 3200, 3400, 3600, 3800]);
  // The stop frame: the last, within a tick (+ a loaded machine's tolerance) of the stop.
  expect(Math.abs(first + offsets.at(-1)! - stopAt)).toBeLessThan(1_000);
});

test('with DAMAGE ignored, the rolling safety scan alone catches a change within its bound', async () => {
  await run('xsetroot', ['-solid', 'black'], { env: x.env });
  const g = grab(['--fps', '5', '--still', '0.4', '--no-cursor', '--no-damage', '--scan-seconds', '2']);
  await waitUntil('a first frame', () => (g.ivf.frames.length >= 3 ? true : undefined), 15_000);
  const changeAt = Date.now();
  await run('xsetroot', ['-solid', 'red'], { env: x.env });
  const redPts = await waitUntil('a red frame', () => firstRedFrame(g.ivf, changeAt - 5), 15_000);
  expect(redPts - changeAt).toBeLessThan(2_000 + 1_000);
  expect(await stop(g.child)).toBe(0);
});

test('the pointer is drawn, and its move is a change', async () => {
  await run('xsetroot', ['-solid', 'black'], { env: x.env });
  await pointer.warp(40, 40);
  const g = grab(['--fps', '5', '--still', '2']); // a long heartbeat: frames come from changes
  await waitUntil('a first frame', () => (g.ivf.frames.length >= 1 ? true : undefined), 15_000);
  const cursorAt = (px: number, py: number) => (f: (typeof g.ivf.frames)[number]) => {
    // The default X cursor (an X of black and white) around its hot spot: some pixel is bright.
    for (let dy = -6; dy <= 6; dy++) for (let dx = -6; dx <= 6; dx++) if (pixelYuv(f, W, H, px + dx, py + dy)[0] > 128) return true;
    return false;
  };
  expect(cursorAt(40, 40)(g.ivf.frames[0]!)).toBe(true);
  expect(cursorAt(200, 150)(g.ivf.frames[0]!)).toBe(false);
  const count = g.ivf.frames.length;
  const movedAt = Date.now();
  await pointer.warp(200, 150);
  const moved = await waitUntil('a frame with the pointer moved', () => g.ivf.frames.slice(count).find(cursorAt(200, 150)), 15_000);
  expect(moved.pts - movedAt).toBeLessThan(1_500); // well before the 2 s heartbeat
  expect(cursorAt(40, 40)(moved)).toBe(false);
  expect(await stop(g.child)).toBe(0);
});

test('bad input and a missing display: one line, a distinct exit code', async () => {
  const odd = await run(builtGrabberPath, [x.display, '0', '0', '321', '240']).catch((e: { code: number; stderr: string }) => e);
  expect({ code: (odd as { code: number }).code, line: /even width/.test((odd as { stderr: string }).stderr) }).toEqual({ code: 2, line: true });
  const outside = await run(builtGrabberPath, [x.display, '0', '0', String(W + 2), String(H)]).catch((e: { code: number; stderr: string }) => e);
  expect({ code: (outside as { code: number }).code, line: /outside the/.test((outside as { stderr: string }).stderr) }).toEqual({ code: 5, line: true });
  const nodisplay = await run(builtGrabberPath, [':9999', '0', '0', '2', '2']).catch((e: { code: number; stderr: string }) => e);
  expect({ code: (nodisplay as { code: number }).code, line: /cannot open display/.test((nodisplay as { stderr: string }).stderr) }).toEqual({ code: 3, line: true });
});

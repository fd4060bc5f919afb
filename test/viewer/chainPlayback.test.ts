/**
 * Segments that share a keyframe (issue 16), played by real headless Chromium through the viewer:
 * sessions made by real FFmpeg (test/helpers/sharedKeyframeSession.ts: testsrc2, whose picture
 * changes every frame, cut on P-frames), the viewer server on a file:// destination, and the
 * picture on screen compared with the frame FFmpeg decodes at that time from the whole session
 * (its segments read in order by FFmpeg's concat demuxer, not by the viewer's join).
 */
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import type { Page } from 'playwright-core';
import { openStore } from '../../src/adapters/openStore';
import { serializeManifest } from '../../src/domain/manifest';
import { startViewer, type ViewerServer } from '../../src/viewer/viewerServer';
import { openBrowser, type HeadlessBrowser } from '../helpers/browser';
import { writeSharedKeyframeSession, type SharedKeyframeSession } from '../helpers/sharedKeyframeSession';
import { viewerGet } from './viewerHttp';

jest.setTimeout(180_000);

const run = promisify(execFile);
const ARTIFACTS = join(__dirname, '..', '..', 'test-artifacts');
const W = 320;
const H = 240;
const FPS = 5;
const SECONDS = 2;
/** 6 segments of 2 s: keyframes at segments 0 and 4; 1-3 and 5 continue the one before. */
const STILL = 'st/fl/still/';
/** 4 segments on one keyframe; the second is altered in the store after the manifest was written. */
const BROKEN = 'st/fl/broken/';
/** 4 segments on one keyframe, no end.json: the manifest lists 2 at first, 4 later. */
const LIVE = 'st/fl/live/';

let dest: string;
let viewer: ViewerServer;
let browser: HeadlessBrowser;
let still: SharedKeyframeSession;
let live: SharedKeyframeSession;
/** Every frame of the STILL session as FFmpeg decodes it, RGB, W x H. */
let stillFrames: Buffer[];
let liveFrames: Buffer[];

interface PlayerState {
  segment: number; globalTime: number; currentTime: number; activeSrc: string; readyState: number; seeking: boolean; playing: boolean; paused: boolean;
  base: number; problem: string | null;
}
interface ViewerApi { state(): PlayerState; seek(t: number): void; play(): void; pause(): void; setRate(r: number): void }
const state = (page: Page): Promise<PlayerState> => page.evaluate(() => (globalThis as unknown as { viewer: ViewerApi }).viewer.state());

/** Every frame of `files` decoded one after the other, as one stream (the concat demuxer), BT.601 RGB. */
async function decodeInOrder(files: readonly string[]): Promise<Buffer[]> {
  const list = join(dest, `list-${Date.now()}-${Math.random()}.txt`);
  await writeFile(list, files.map((f) => `file '${f}'\n`).join(''));
  const { stdout } = await run('ffmpeg', ['-v', 'error', '-f', 'concat', '-safe', '0', '-i', list, '-vf', 'scale=in_color_matrix=bt601', '-f', 'rawvideo', '-pix_fmt', 'rgb24', '-'], {
    encoding: 'buffer', maxBuffer: 256 * 1024 * 1024,
  });
  const size = W * H * 3;
  return Array.from({ length: Math.floor(stdout.length / size) }, (_, i) => stdout.subarray(i * size, (i + 1) * size));
}

/** The frame the page's active <video> shows, RGB, W x H. */
async function frameOnScreen(page: Page): Promise<Buffer> {
  const rgb = await page.evaluate(() => {
    const g = globalThis as unknown as {
      viewer: { activeVideo(): { videoWidth: number; videoHeight: number } };
      document: { createElement(tag: 'canvas'): { width: number; height: number; getContext(k: '2d'): { drawImage(v: unknown, x: number, y: number): void; getImageData(x: number, y: number, w: number, h: number): { data: Uint8ClampedArray } } } };
    };
    const v = g.viewer.activeVideo();
    const c = g.document.createElement('canvas');
    c.width = v.videoWidth;
    c.height = v.videoHeight;
    const ctx = c.getContext('2d');
    ctx.drawImage(v, 0, 0);
    const data = ctx.getImageData(0, 0, c.width, c.height).data;
    const out: number[] = [];
    for (let i = 0; i < data.length; i += 4) out.push(data[i] as number, data[i + 1] as number, data[i + 2] as number);
    return out;
  });
  return Buffer.from(rgb);
}

function meanAbsDiff(a: Buffer, b: Buffer): number {
  if (a.length !== b.length) return Infinity;
  let sum = 0;
  for (let i = 0; i < a.length; i++) sum += Math.abs((a[i] as number) - (b[i] as number));
  return sum / a.length;
}

/** Which reference frame the screen shows: the best match, its difference, and the next best one's. */
async function matchFrame(page: Page, frames: readonly Buffer[]): Promise<{ best: number; diff: number; next: number }> {
  const shown = await frameOnScreen(page);
  const diffs = frames.map((f) => meanAbsDiff(f, shown));
  const best = diffs.indexOf(Math.min(...diffs));
  const next = Math.min(...diffs.filter((_d, i) => i !== best));
  return { best, diff: diffs[best] as number, next };
}

/** Waits until the player shows `segment` with a decoded frame and no seek in flight. */
async function settled(page: Page, segment: number): Promise<PlayerState> {
  await page.waitForFunction(
    (n) => {
      const s = (globalThis as unknown as { viewer: ViewerApi }).viewer.state();
      return s.segment === n && s.readyState >= 2 && !s.seeking && s.activeSrc.endsWith(`&i=${n}`);
    },
    segment,
    { timeout: 30_000, polling: 50 },
  );
  await page.waitForTimeout(200); // let the compositor paint the frame the element now holds
  return state(page);
}

async function openSession(page: Page, prefix: string): Promise<void> {
  await page.goto(viewer.url);
  await page.evaluate((p) => { (globalThis as unknown as { location: { hash: string } }).location.hash = `#session=${encodeURIComponent(p)}`; }, prefix);
  await settled(page, 0);
}

beforeAll(async () => {
  dest = await mkdtemp(join(tmpdir(), 'viewer-chain-'));
  const now = Date.now();
  const made = await Promise.all([
    writeSharedKeyframeSession({ storeDir: dest, prefix: STILL, startedAtMs: Date.parse('2026-12-03T05:00:00Z'), segments: 6, seconds: SECONDS, keyframeAt: [4], width: W, height: H, fps: FPS }),
    writeSharedKeyframeSession({ storeDir: dest, prefix: BROKEN, startedAtMs: Date.parse('2026-12-03T06:00:00Z'), segments: 4, seconds: SECONDS, keyframeAt: [], width: W, height: H, fps: FPS }),
    writeSharedKeyframeSession({ storeDir: dest, prefix: LIVE, startedAtMs: now - 10_000, segments: 4, seconds: SECONDS, keyframeAt: [], width: W, height: H, fps: FPS }),
  ]);
  [still, , live] = made as [SharedKeyframeSession, SharedKeyframeSession, SharedKeyframeSession];
  expect(still.keyframe).toEqual([true, false, false, false, true, false]);
  // BROKEN: one byte of the second segment's picture changed after the manifest was written.
  const broken = made[1] as SharedKeyframeSession;
  const altered = join(broken.dir, broken.names[1] as string);
  const bytes = await readFile(altered);
  bytes[bytes.length - 200] = (bytes[bytes.length - 200] as number) ^ 0xff;
  await writeFile(altered, bytes);
  // LIVE: still being recorded, two segments landed so far.
  await rm(join(live.dir, 'end.json'));
  await writeFile(join(live.dir, 'manifest.json'), serializeManifest({ ...live.manifest, entries: live.manifest.entries.slice(0, 2) }));
  [stillFrames, liveFrames] = await Promise.all([
    decodeInOrder(still.names.map((n) => join(still.dir, n))),
    decodeInOrder(live.names.map((n) => join(live.dir, n))),
  ]);
  expect(stillFrames).toHaveLength(6 * SECONDS * FPS);
  const store = openStore({ kind: 'file', dir: dest, url: `file://${dest}` }, { use: 'audit' });
  viewer = await startViewer({ store, destination: `file://${dest}`, port: 0, pollSeconds: 1 });
  browser = await openBrowser();
});
afterAll(async () => {
  await browser?.close();
  await viewer?.close();
  if (dest) await rm(dest, { recursive: true, force: true });
});

test('a seek into the middle of a segment that continues the ones before it shows that frame', async () => {
  const { page } = browser;
  const pageErrors: string[] = [];
  page.on('pageerror', (e) => pageErrors.push(e.message));
  await openSession(page, STILL);
  // Segment 4 (index 3, 6-8 s) continues 3, 2 and 1; 1.1 s into it is frame 35 (7.0 s; 7.2 s is the next).
  await page.evaluate(() => (globalThis as unknown as { viewer: ViewerApi }).viewer.seek(7.1));
  const at = await settled(page, 3);
  expect(at.problem).toBeNull();
  expect(at.base).toBeCloseTo(3 * SECONDS, 3); // three segments of the chain before it
  expect(at.globalTime).toBeCloseTo(7.1, 2);
  const match = await matchFrame(page, stillFrames);
  process.stdout.write(`seek 7.1 s: best frame ${match.best} (diff ${match.diff.toFixed(2)}), next best ${match.next.toFixed(2)}\n`);
  expect(match.best).toBe(35);
  expect(match.diff).toBeLessThan(3);
  expect(match.next).toBeGreaterThan(2 * match.diff);
  await page.screenshot({ path: join(ARTIFACTS, 'viewer-chain-seek.png') });

  // Segment 6 (index 5) continues segment 5, which has its own keyframe: a chain of two.
  await page.evaluate(() => (globalThis as unknown as { viewer: ViewerApi }).viewer.seek(10.5));
  const later = await settled(page, 5);
  expect(later.base).toBeCloseTo(SECONDS, 3);
  expect((await matchFrame(page, stillFrames)).best).toBe(52);
  const chain = JSON.parse((await viewerGet(viewer, `/api/chain?prefix=${encodeURIComponent(STILL)}&i=3`)).body.toString()) as unknown;
  expect(chain).toEqual({ offsetSeconds: 6, first: 0, links: 4 });
  expect(pageErrors).toEqual([]);
});

test('playback crosses from a keyframe-led segment into the ones that continue it, picture for picture', async () => {
  const { page } = browser;
  await openSession(page, STILL);
  // Each segment the player shows while playing, and the line over the video, sampled every frame.
  await page.evaluate(() => {
    const g = globalThis as unknown as { viewer: ViewerApi; seen: number[]; messages: string[]; requestAnimationFrame(f: () => void): void; document: { getElementById(id: string): { hidden: boolean; textContent: string } } };
    g.seen = [];
    g.messages = [];
    const sample = (): void => {
      const s = g.viewer.state();
      if (g.seen[g.seen.length - 1] !== s.segment) g.seen.push(s.segment);
      const m = g.document.getElementById('stage-message');
      if (!m.hidden && m.textContent && !g.messages.includes(m.textContent)) g.messages.push(m.textContent);
      g.requestAnimationFrame(sample);
    };
    sample();
    g.viewer.seek(1.4);
    g.viewer.play();
  });
  await page.waitForFunction(() => (globalThis as unknown as { viewer: ViewerApi }).viewer.state().segment >= 3, null, { timeout: 60_000, polling: 50 });
  await page.evaluate(() => (globalThis as unknown as { viewer: ViewerApi }).viewer.pause());
  const seen = await page.evaluate(() => (globalThis as unknown as { seen: number[] }).seen);
  expect(seen.slice(0, 4)).toEqual([0, 1, 2, 3]);
  expect(await page.evaluate(() => (globalThis as unknown as { messages: string[] }).messages)).toEqual([]);
  // Paused where playback got to: the frame shown is the session's frame at that time.
  const paused = await settled(page, (await state(page)).segment);
  const match = await matchFrame(page, stillFrames);
  const expected = Math.floor(paused.globalTime * FPS + 1e-6);
  process.stdout.write(`paused at ${paused.globalTime.toFixed(3)} s: best frame ${match.best} (diff ${match.diff.toFixed(2)}), expected ${expected}\n`);
  expect(match.diff).toBeLessThan(3);
  expect(Math.abs(match.best - expected)).toBeLessThanOrEqual(1);
  expect(paused.globalTime).toBeGreaterThanOrEqual(3 * SECONDS);
});

test('a segment whose chain is broken says why over the video and shows no picture', async () => {
  const { page } = browser;
  await openSession(page, BROKEN);
  await page.evaluate(() => (globalThis as unknown as { viewer: ViewerApi }).viewer.seek(5));
  await page.waitForFunction(() => (globalThis as unknown as { viewer: ViewerApi }).viewer.state().problem !== null, null, { timeout: 30_000, polling: 50 });
  const s = await state(page);
  expect(s.segment).toBe(2);
  // Nothing loaded: no garbage, and not the previous segment's last frame.
  expect(s.readyState).toBe(0);
  expect(await page.evaluate(() => (globalThis as unknown as { viewer: { activeVideo(): { getAttribute(a: string): string | null } } }).viewer.activeVideo().getAttribute('src'))).toBeNull();
  const text = await page.locator('#stage-message').textContent();
  expect(await page.locator('#stage-message').isVisible()).toBe(true);
  expect(text).toMatch(/^Segment 3 cannot be shown: it continues the segments before it back to segment 1 \(its keyframe\), and segment 2 \(\S+-video\.mp4\) is altered: its SHA-256 is not the one in the manifest, so its picture cannot be decoded\.$/);
  await page.screenshot({ path: join(ARTIFACTS, 'viewer-chain-broken.png') });
  const media = await viewerGet(viewer, `/media?prefix=${encodeURIComponent(BROKEN)}&i=2`);
  expect(media.status).toBe(422);
  // The segment before the altered one still plays, and moving there clears the line.
  await page.evaluate(() => (globalThis as unknown as { viewer: ViewerApi }).viewer.seek(1));
  await settled(page, 0);
  expect(await page.locator('#stage-message').isVisible()).toBe(false);
});

test('live: a viewer waiting at the newest frame plays on into segments that land and continue it', async () => {
  const { page } = browser;
  await openSession(page, LIVE);
  expect(await page.locator('#go-live').isVisible()).toBe(true);
  await page.click('#go-live');
  await page.waitForFunction(() => {
    const s = (globalThis as unknown as { viewer: ViewerApi }).viewer.state();
    return s.segment === 1 && s.playing;
  }, null, { timeout: 30_000, polling: 50 });
  // Two more segments land, each continuing the one before.
  await writeFile(join(live.dir, 'manifest.json'), serializeManifest(live.manifest));
  await page.waitForFunction(() => (globalThis as unknown as { viewer: ViewerApi }).viewer.state().segment === 3, null, { timeout: 60_000, polling: 50 });
  await page.evaluate(() => (globalThis as unknown as { viewer: ViewerApi }).viewer.pause());
  await page.evaluate(() => (globalThis as unknown as { viewer: ViewerApi }).viewer.seek(7.3));
  const at = await settled(page, 3);
  expect(at.base).toBeCloseTo(3 * SECONDS, 3);
  expect((await matchFrame(page, liveFrames)).best).toBe(36);
});

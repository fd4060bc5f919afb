/**
 * Issue 8's viewer, end to end: a session recorded by the built CLI into s3rver, `view` run as
 * a child process, and real headless Chromium playing it. The player is driven the way an
 * auditor drives it (clicks on the timeline, keys), and what it shows is checked against the
 * recording itself: the frame on screen after a seek into the third segment is the frame FFmpeg
 * decodes at that offset of that segment.
 */
import { execFile } from 'node:child_process';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import type { Page } from 'playwright-core';
import type { Manifest } from '../../src/domain/manifest';
import { sessionPrefix } from '../../src/domain/sanitize';
import { runCli, waitUntil, type CliRun } from '../helpers/cli';
import { openBrowser, type HeadlessBrowser } from '../helpers/browser';
import { recordSession } from '../helpers/recordedSession';
import { startS3Server, type TestS3Server } from '../helpers/s3Server';
import { httpGet, login, type ViewerResponse } from '../viewer/viewerHttp';

jest.setTimeout(180_000);

const run = promisify(execFile);
const BUCKET = 'viewer-recordings';
const DEST = `s3://${BUCKET}/tenant/`;
const ARTIFACTS = join(__dirname, '..', '..', 'test-artifacts');
const ALICE = { sessionId: 'sess-view-1', stack: 'Finance Desktop', fleet: 'fleet-1', user: 'alice@example.com' };
const BOB = { sessionId: 'sess-view-2', stack: 'Finance Desktop', fleet: 'fleet-2', user: 'bob' };
const W = 160;
const H = 90;

let s3: TestS3Server;
let work: string;
let viewer: CliRun;
let url: string;
let browser: HeadlessBrowser;
let manifest: Manifest;

interface PlayerState {
  segment: number; segments: number; globalTime: number; currentTime: number; loaded: number[]; activeSrc: string;
  readyState: number; paused: boolean; seeking: boolean; rate: number; playing: boolean;
}
interface Timeline { totalSeconds: number; segments: { offset: number; duration: number }[] }

/** The page's `window.viewer` (the test has no DOM types; functions, not strings, pass the page's CSP). */
interface ViewerApi { state(): PlayerState }
const state = (page: Page) => page.evaluate(() => (globalThis as unknown as { viewer: ViewerApi }).viewer.state());
/** The playbackRate of each of the player's two <video> elements. */
const playbackRates = (page: Page) => page.evaluate(() => {
  const doc = (globalThis as unknown as { document: { querySelectorAll(s: string): ArrayLike<{ playbackRate: number }> } }).document;
  return Array.from(doc.querySelectorAll('video'), (v) => v.playbackRate);
});

/** Waits until the player shows `segment` with a decoded frame and no seek in flight. */
async function settled(page: Page, segment: number): Promise<PlayerState> {
  await page.waitForFunction(
    (n) => {
      const s = (globalThis as unknown as { viewer: ViewerApi }).viewer.state();
      return s.segment === n && s.readyState >= 2 && !s.seeking && s.activeSrc.endsWith(`&i=${n}`);
    },
    segment,
    { timeout: 20_000, polling: 50 },
  );
  await page.waitForTimeout(200); // let the compositor paint the frame the element now holds
  return state(page);
}

/**
 * The frame the page's active <video> shows, at its own size, averaged down to W x H boxes in the
 * page (the same box filter as `boxDown`, so scaling algorithms do not differ), RGB.
 */
async function frameOnScreen(page: Page): Promise<Buffer> {
  const rgb = await page.evaluate(
    ([w, h]) => {
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
      const bw = c.width / w;
      const bh = c.height / h;
      for (let y = 0; y < h; y++) {
        for (let x = 0; x < w; x++) {
          let r = 0;
          let gr = 0;
          let b = 0;
          for (let yy = y * bh; yy < (y + 1) * bh; yy++) {
            for (let xx = x * bw; xx < (x + 1) * bw; xx++) {
              const i = (yy * c.width + xx) * 4;
              r += data[i] as number;
              gr += data[i + 1] as number;
              b += data[i + 2] as number;
            }
          }
          out.push(Math.round(r / (bw * bh)), Math.round(gr / (bw * bh)), Math.round(b / (bw * bh)));
        }
      }
      return out;
    },
    [W, H] as const,
  );
  return Buffer.from(rgb);
}

/** Averages a width x height RGB frame down to W x H boxes (width and height multiples of W and H). */
function boxDown(frame: Buffer, width: number, height: number): Buffer {
  const out = Buffer.alloc(W * H * 3);
  const bw = width / W;
  const bh = height / H;
  for (let y = 0; y < H; y++) {
    for (let x = 0; x < W; x++) {
      for (let c = 0; c < 3; c++) {
        let sum = 0;
        for (let yy = y * bh; yy < (y + 1) * bh; yy++) for (let xx = x * bw; xx < (x + 1) * bw; xx++) sum += frame[(yy * width + xx) * 3 + c] as number;
        out[(y * W + x) * 3 + c] = Math.round(sum / (bw * bh));
      }
    }
  }
  return out;
}

/** Every frame of a 1280x720 segment as FFmpeg decodes it (BT.709 or BT.601 YUV to RGB), boxed down to W x H. */
async function framesOf(file: string, matrix: 'bt709' | 'bt601'): Promise<Buffer[]> {
  const { stdout } = await run('ffmpeg', ['-v', 'error', '-i', file, '-vf', `scale=in_color_matrix=${matrix}`, '-f', 'rawvideo', '-pix_fmt', 'rgb24', '-'], {
    encoding: 'buffer', maxBuffer: 256 * 1024 * 1024,
  });
  const size = 1280 * 720 * 3;
  return Array.from({ length: Math.floor(stdout.length / size) }, (_, i) => boxDown(stdout.subarray(i * size, (i + 1) * size), 1280, 720));
}

function meanAbsDiff(a: Buffer, b: Buffer): number {
  let sum = 0;
  for (let i = 0; i < a.length; i++) sum += Math.abs((a[i] as number) - (b[i] as number));
  return sum / a.length;
}

/** GET as the auditor who opened the printed URL (it carries the access key; its cookie opens the rest). */
async function get(path: string, headers: Record<string, string> = {}): Promise<ViewerResponse> {
  return httpGet(url, path, { Cookie: await login({ url }), ...headers });
}

beforeAll(async () => {
  s3 = await startS3Server({ bucket: BUCKET });
  work = await mkdtemp(join(tmpdir(), 'e2e-viewer-'));
  const env = { ...process.env, ...s3.env };
  const extra = ['--endpoint', s3.endpoint];
  await Promise.all([
    recordSession({ ...ALICE, seconds: 6.5, destination: DEST, work, env, extra }),
    recordSession({ ...BOB, seconds: 3, destination: DEST, work, env, extra }),
  ]);
  manifest = JSON.parse((await s3.getObject(`tenant/${sessionPrefix(ALICE)}manifest.json`)).toString('utf8')) as Manifest;
  viewer = runCli(['view', DEST, '--endpoint', s3.endpoint, '--port', '0'], { env, cwd: work });
  // The printed URL, as is: it carries this run's access key.
  url = await waitUntil('the viewer URL', () => /(http:\/\/127\.0\.0\.1:\d+\/\?key=[A-Za-z0-9_-]+)/.exec(viewer.stdout())?.[1], 15_000);
  browser = await openBrowser();
});
afterAll(async () => {
  await browser?.close();
  if (viewer?.child.pid !== undefined && viewer.child.exitCode === null) {
    viewer.child.kill('SIGTERM');
    await viewer.done;
  }
  await s3?.stop();
  if (work) await rm(work, { recursive: true, force: true });
});

test('the proxy serves exactly the manifest segments, with Range, and only to loopback names', async () => {
  const entry = manifest.entries[1];
  if (entry === undefined) throw new Error('expected at least two segments');
  const whole = await s3.getObject(`tenant/${entry.key}`);
  const prefix = encodeURIComponent(sessionPrefix(ALICE));
  const part = await get(`/media?prefix=${prefix}&i=1`, { Range: 'bytes=100-1123' });
  expect(part.status).toBe(206);
  expect(part.headers['content-range']).toBe(`bytes 100-1123/${entry.bytes}`);
  expect(part.body.equals(whole.subarray(100, 1124))).toBe(true);
  expect((await get(`/media?prefix=${prefix}&i=99`)).status).toBe(404);
  expect((await get(`/media?prefix=${encodeURIComponent('../../etc/')}&i=0`)).status).toBe(404);
  expect((await get('/', { Host: 'attacker.example:80' })).status).toBe(403);
  expect((await httpGet(url, `/media?prefix=${prefix}&i=1`)).status).toBe(403); // no key, no cookie: nothing
  const page = await get('/');
  expect(page.headers['content-security-policy']).toContain("default-src 'self'");
  expect(page.body.toString()).not.toMatch(/https?:\/\/(?!127\.0\.0\.1)/); // no CDN, works offline
});

test('Chromium plays a three-segment session as one timeline: seek into the third segment shows that frame', async () => {
  expect(manifest.entries.length).toBeGreaterThanOrEqual(3);
  const { page } = browser;
  const pageErrors: string[] = [];
  page.on('pageerror', (e) => pageErrors.push(e.message));
  await page.goto(url);

  // The list, with filters.
  await page.waitForSelector('#sessions tbody tr', { timeout: 30_000 });
  expect(await page.locator('#sessions tbody tr').count()).toBe(2);
  await page.fill('input[name=user]', 'alice');
  expect(await page.locator('#sessions tbody tr').count()).toBe(1);
  await page.fill('input[name=user]', '');
  await page.fill('input[name=fleet]', 'fleet-2');
  expect(await page.locator('#sessions tbody tr td').nth(1).textContent()).toBe('bob');
  await page.click('button[type=reset]');
  await page.fill('input[name=user]', 'alice');
  await page.screenshot({ path: join(ARTIFACTS, 'viewer-list.png') });
  await page.click('#sessions tbody tr');

  // The player opens on segment 1.
  await settled(page, 0);
  const timeline = (await page.evaluate('window.viewer && (async () => (await (await fetch("/api/session?prefix=" + encodeURIComponent(window.viewer.state().prefix))).json()).timeline)()')) as Timeline;
  expect(timeline.segments).toHaveLength(manifest.entries.length);
  const third = timeline.segments[2] as { offset: number; duration: number };
  expect(await page.locator('video').count()).toBe(2); // current + preloaded next, never more

  // Click on the seek bar, inside the third segment.
  const bar = await page.locator('#timeline').boundingBox();
  if (bar === null) throw new Error('no timeline on the page');
  const target = third.offset + third.duration / 2;
  await page.mouse.click(bar.x + (bar.width * target) / timeline.totalSeconds, bar.y + bar.height / 2);
  const clicked = await settled(page, 2);
  const secondsPerPixel = timeline.totalSeconds / bar.width;
  expect(Math.abs(clicked.globalTime - target)).toBeLessThanOrEqual(2 * secondsPerPixel);
  expect(clicked.currentTime).toBeCloseTo(clicked.globalTime - third.offset, 2);
  expect(await page.locator('#segment-label').textContent()).toBe(`Segment 3 of ${timeline.segments.length} · 1280×720`);

  // An exact seek between two frames (5 fps: frames at 0.8 and 1.0 s): the frame shown is the one at 0.8 s.
  await page.evaluate(`window.viewer.seek(${third.offset + 0.9})`);
  const exact = await settled(page, 2);
  expect(exact.globalTime).toBeCloseTo(third.offset + 0.9, 2);
  expect(exact.currentTime).toBeCloseTo(0.9, 2);
  await mkdir(join(work, 'seg'), { recursive: true });
  const segmentFile = join(work, 'seg', 'third.mp4');
  await writeFile(segmentFile, await s3.getObject(`tenant/${manifest.entries[2]?.key}`));
  const shown = await frameOnScreen(page);
  // Chromium converts untagged HD video with BT.709 (measured: mean difference 0.9 against 8.6 with BT.601).
  const frames = await framesOf(segmentFile, 'bt709');
  const diffs = frames.map((f) => meanAbsDiff(f, shown));
  const best = diffs.indexOf(Math.min(...diffs));
  const others = diffs.filter((_d, i) => i !== best);
  process.stdout.write(`frame match: best ${best} (diff ${diffs[best]?.toFixed(2)}), next best diff ${Math.min(...others).toFixed(2)}\n`);
  expect(best).toBe(4);
  expect(diffs[best]).toBeLessThan(3);
  expect(Math.min(...others)).toBeGreaterThan(4 * (diffs[best] as number));
  await page.screenshot({ path: join(ARTIFACTS, 'viewer.png') });

  // Keys: Home, 4x speed, play; playback crosses segment boundaries by itself.
  await page.keyboard.press('Home');
  await settled(page, 0);
  await page.keyboard.press('ArrowUp');
  await page.keyboard.press('ArrowUp');
  expect((await state(page)).rate).toBe(4);
  await page.keyboard.press(' ');
  await page.waitForFunction(() => (globalThis as unknown as { viewer: ViewerApi }).viewer.state().segment >= 2, null, { timeout: 15_000, polling: 50 });
  const playing = await state(page);
  expect(playing.rate).toBe(4);
  expect(playing.globalTime).toBeGreaterThanOrEqual(third.offset);
  // 4x is what the media elements play at, including the one that took over at the segment boundary
  // (a new source can reset playbackRate to 1): the outcome, not how fast this machine got there.
  expect(await playbackRates(page)).toEqual([4, 4]);
  await page.keyboard.press(' ');
  expect((await state(page)).playing).toBe(false);
  expect(pageErrors).toEqual([]);
});

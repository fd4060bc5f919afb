/**
 * Integration (real processes): a screen where nothing moves, recorded with the defaults, which
 * drop unchanged frames (issue 16). Fewer frames are encoded, yet the timeline stays exact: each
 * kept frame lasts until the next one, so the segments tile the run without a hole (segments.csv,
 * the manifest's times, each file's own duration), verify finds 100 % coverage, every segment
 * decodes, Chromium plays one to its end, and export joins them into one file of the same length.
 * And the segments share the first one's keyframe (`--keyframe-seconds`, default 15 minutes): each
 * later one starts with a P-frame, says so in the manifest, and decodes after the ones before it.
 */
import { execFile } from 'node:child_process';
import { readdir, readFile, rm, mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { startVirtualDisplay, type VirtualDisplay } from '../../src/adapters/virtualDisplay';
import { sessionPrefix } from '../../src/domain/sanitize';
import type { VerifyReport } from '../../src/verify/report';
import { openBrowser } from '../helpers/browser';
import { runCli } from '../helpers/cli';
import { decodeChain, decodeErrors, decodeErrorsJoined, probeMedia } from '../helpers/media';

const run = promisify(execFile);
jest.setTimeout(180_000);

const FPS = 5;
const FRAME = 1 / FPS;
const SECONDS = 14;
const SEGMENT_SECONDS = 3;

let work: string;
let x: VirtualDisplay;
beforeAll(async () => {
  work = await mkdtemp(join(tmpdir(), 'e2e-still-'));
  x = await startVirtualDisplay({ width: 640, height: 480, scene: false }); // nothing on it at all
});
afterAll(async () => {
  await x?.stop();
  if (work) await rm(work, { recursive: true, force: true });
});

interface Entry { key: string; start: string; end: string; durationSeconds: number; runId: string; index: number; noFrames?: boolean; continuesPrevious?: boolean }

async function videoPackets(file: string): Promise<number> {
  const { stdout } = await run('ffprobe', ['-v', 'error', '-select_streams', 'v:0', '-count_packets', '-show_entries', 'stream=nb_read_packets', '-of', 'csv=p=0', file]);
  return Number.parseInt(stdout.trim(), 10);
}

async function firstPacketIsKey(file: string): Promise<boolean> {
  const { stdout } = await run('ffprobe', ['-v', 'error', '-select_streams', 'v:0', '-read_intervals', '%+#1', '-show_entries', 'packet=flags', '-of', 'csv=p=0', file]);
  return stdout.trim().startsWith('K');
}

test('a still screen: fewer frames, segments that tile the session, 100 % coverage, playable and exportable', async () => {
  const root = join(work, 'rec');
  const recorded = await runCli([
    'record', '--destination', `file://${root}`, '--display', x.display, '--spool-dir', join(work, 'spool'), '--run-dir', join(work, 'run'),
    '--insecure', '--segment-seconds', String(SEGMENT_SECONDS), '--frame-rate', String(FPS), '--max-duration', String(SECONDS),
    '--session-id', 'still', '--stack', 'st', '--fleet', 'fl', '--user', 'alice',
  ], { cwd: work }).done;
  expect({ code: recorded.code, stderr: recorded.code === 0 ? '' : recorded.stderr.slice(-2000) }).toEqual({ code: 0, stderr: '' });
  const dir = join(root, sessionPrefix({ stack: 'st', fleet: 'fl', sessionId: 'still' }));

  // The manifest's segments follow each other without a hole: each starts where the last ended.
  const manifest = JSON.parse(await readFile(join(dir, 'manifest.json'), 'utf8')) as { entries: Entry[] };
  const entries = [...manifest.entries].sort((a, b) => Date.parse(a.start) - Date.parse(b.start));
  expect(entries.length).toBeGreaterThanOrEqual(3);
  for (let i = 1; i < entries.length; i++) {
    expect({ segment: i, start: entries[i]!.start }).toEqual({ segment: i, start: entries[i - 1]!.end });
  }

  // Each file lasts what the manifest says (its last kept frame held until the next segment), and
  // decodes; fewer frames than seconds × fps were encoded (a still screen keeps one every 0.4 s by
  // default, half of them at 5 fps; encoding every frame would give all of them).
  let packets = 0;
  for (const e of entries) {
    const file = join(root, e.key);
    const info = await probeMedia(file);
    expect({ key: e.key, duration: Math.abs(info.durationSeconds - e.durationSeconds) <= FRAME }).toEqual({ key: e.key, duration: true });
    const chain = decodeChain(entries, e).map((c) => join(root, c.key));
    expect({ key: e.key, errors: await decodeErrorsJoined(chain) }).toEqual({ key: e.key, errors: '' });
    packets += await videoPackets(file);
  }

  // Segments share keyframes: the second continues the first (what that saves is measured by
  // `npm run bench -- --only idlebytes`; on this blank screen a keyframe is tiny). A keyframe comes
  // back once a segment's worth of frames (5 fps x 3 s) was encoded since the last: a still segment
  // holds ~7 (the boundary pair, the 4 ticks after it), so here about every third segment.
  expect(entries[0]!.continuesPrevious).toBeUndefined();
  expect(entries[1]!.continuesPrevious).toBe(true);
  expect(entries.filter((e) => e.continuesPrevious !== true).length).toBeLessThanOrEqual(Math.ceil(entries.length / 2));
  // The manifest's flag is the file's truth, as ffprobe (another reader than the recorder's) sees it.
  for (const e of entries) {
    expect({ key: e.key, firstPacketKey: await firstPacketIsKey(join(root, e.key)) }).toEqual({ key: e.key, firstPacketKey: e.continuesPrevious !== true });
  }
  const videoSeconds = entries.reduce((s, e) => s + e.durationSeconds, 0);
  expect(packets).toBeGreaterThan(0);
  expect(packets).toBeLessThan(0.75 * videoSeconds * FPS);

  // verify: intact and complete.
  const verified = await runCli(['verify', `file://${dir}`, '--json']).done;
  const report = JSON.parse(verified.stdout) as VerifyReport;
  expect({ code: verified.code, problems: report.problems }).toEqual({ code: 0, problems: [] });
  expect(report.coverage!.ratio).toBeGreaterThanOrEqual(0.99);

  // Chromium's own decoder plays a segment and reports the manifest's duration (the first: the
  // others continue it, and the viewer joins them for the browser, test/e2e/viewer*.test.ts).
  const middle = join(root, entries[0]!.key);
  const browser = await openBrowser();
  try {
    await browser.page.goto(`file://${middle}`);
    const played = await browser.page.evaluate(`new Promise((resolve) => {
      const v = document.querySelector('video');
      if (!v) { resolve({ error: 'no video element' }); return; }
      v.muted = true;
      const done = () => resolve({ duration: v.duration, currentTime: v.currentTime, error: v.error ? v.error.code : null });
      v.addEventListener('ended', done, { once: true });
      v.addEventListener('error', done, { once: true });
      v.playbackRate = 4;
      v.play().catch((e) => resolve({ error: String(e) }));
    })`) as { duration?: number; currentTime?: number; error?: unknown };
    expect(played.error ?? null).toBeNull();
    expect(Math.abs((played.duration ?? 0) - entries[0]!.durationSeconds)).toBeLessThanOrEqual(FRAME);
    expect(Math.abs((played.currentTime ?? 0) - entries[0]!.durationSeconds)).toBeLessThanOrEqual(FRAME);
  } finally {
    await browser.close();
  }

  // export: one file as long as the manifest's video.
  const out = join(work, 'still.mp4');
  const exported = await runCli(['export', `file://${dir}`, out]).done;
  expect({ code: exported.code, stderr: exported.code === 0 ? '' : exported.stderr }).toEqual({ code: 0, stderr: '' });
  expect(Math.abs((await probeMedia(out)).durationSeconds - videoSeconds)).toBeLessThanOrEqual(2 * FRAME);
  expect(await decodeErrors(out)).toBe('');
  expect((await readdir(work)).filter((f) => f.endsWith('.mp4'))).toEqual(['still.mp4']);
});

/**
 * Integration (real processes): the recorder with its default X11 capture (the damage grabber) on a
 * still screen that changes once. The built CLI records a real Xvfb into file:// segments; the test
 * turns the root red at a known wall-clock moment and then reads the recorded video itself: the
 * first red frame (decoded pixels) is within one tick + tolerance of the change, no frame is
 * encoded while nothing changes but those the schedule puts around each segment boundary (no
 * heartbeat: the grabber's still marks bound a crash's loss instead; read with ffprobe), the
 * segments tile without a hole, and verify passes at ≥ 99 %.
 */
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { startVirtualDisplay, type VirtualDisplay } from '../../src/adapters/virtualDisplay';
import { sessionPrefix } from '../../src/domain/sanitize';
import type { VerifyReport } from '../../src/verify/report';
import { runCli, waitUntil } from '../helpers/cli';
import { decodeChain, joinByCopy } from '../helpers/media';
import { openX11Pointer, type X11Pointer } from '../helpers/warpPointer';

const run = promisify(execFile);
jest.setTimeout(180_000);

const W = 640;
const H = 480;
let work: string;
let x: VirtualDisplay;
let holder: X11Pointer;
beforeAll(async () => {
  work = await mkdtemp(join(tmpdir(), 'e2e-damage-'));
  x = await startVirtualDisplay({ width: W, height: H, scene: false });
  holder = await openX11Pointer(x.display); // keeps the server from resetting between clients
  await holder.warp(W - 1, H - 1); // the pointer out of the way of the centre
  await run('xsetroot', ['-solid', 'black'], { env: x.env });
});
afterAll(async () => {
  holder?.close();
  await x?.stop();
  if (work) await rm(work, { recursive: true, force: true });
});

interface Entry { key: string; start: string; end: string; durationSeconds: number; runId: string; index: number; continuesPrevious?: boolean }

/** Every frame's time in the file (seconds from its start) and whether its centre is red. */
async function frames(file: string): Promise<Array<{ t: number; red: boolean }>> {
  // JSON, not CSV: a frame with side data (x264's SEI on a keyframe) printed an extra CSV line, one
  // time too many, and every later frame's pixels went with the time before theirs.
  const { stdout: times } = await run('ffprobe', ['-v', 'error', '-select_streams', 'v:0', '-show_entries', 'frame=pts_time', '-of', 'json', file], { maxBuffer: 1e8 });
  const { stdout: pixels } = await run('ffmpeg', ['-v', 'error', '-i', file, '-vf', `crop=8:8:${W / 2 - 4}:${H / 2 - 4},scale=1:1`, '-fps_mode', 'passthrough',
    '-f', 'rawvideo', '-pix_fmt', 'rgb24', '-'], { encoding: 'buffer', maxBuffer: 1e8 });
  const ts = (JSON.parse(times) as { frames: Array<{ pts_time: string }> }).frames.map((f) => Number(f.pts_time));
  expect({ file, frames: ts.length }).toEqual({ file, frames: pixels.length / 3 });
  return ts.map((t, i) => ({ t, red: pixels[i * 3]! > 200 && pixels[i * 3 + 1]! < 60 && pixels[i * 3 + 2]! < 60 }));
}

/**
 * A segment's own frames, decoded after the segments it continues (a still screen shares a
 * keyframe across segments): its chain joined by stream copy, decoded, and the frames from the
 * segment's start on kept, with their times from it.
 */
async function segmentFrames(root: string, entries: readonly Entry[], e: Entry): Promise<Array<{ t: number; red: boolean }>> {
  const chain = decodeChain(entries, e);
  if (chain.length === 1) return frames(join(root, e.key));
  const joined = join(work, `chain-${e.runId}-${e.index}.mp4`);
  await joinByCopy(chain.map((c) => join(root, c.key)), joined);
  const offset = chain.slice(0, -1).reduce((s, c) => s + c.durationSeconds, 0);
  return (await frames(joined)).filter((f) => f.t >= offset - 0.0005).map((f) => ({ t: f.t - offset, red: f.red }));
}

test('a still screen, then a change: the change is in the video within a tick, no heartbeat frames meanwhile, segments tile, verify ≥ 99 %', async () => {
  const root = join(work, 'rec');
  const recorder = runCli([
    'record', '--destination', `file://${root}`, '--display', x.display, '--spool-dir', join(work, 'spool'), '--run-dir', join(work, 'run'),
    '--insecure', '--segment-seconds', '4', '--frame-rate', '5', '--max-duration', '12', '--log-format', 'json',
    '--session-id', 'change', '--stack', 'st', '--fleet', 'fl', '--user', 'alice',
  ], { cwd: work });
  await waitUntil('the first frame', () => (recorder.stderr().includes('"ffmpeg.capturing"') ? true : undefined), 30_000);
  await new Promise((resolve) => setTimeout(resolve, 6_000)); // still for a while: more than a segment
  const changedAtMs = Date.now();
  await run('xsetroot', ['-solid', 'red'], { env: x.env });
  const done = await recorder.done;
  expect({ code: done.code, stderr: done.code === 0 ? '' : done.stderr.slice(-2000) }).toEqual({ code: 0, stderr: '' });
  expect(done.stderr).toContain('capture: damage grabber');

  const dir = join(root, sessionPrefix({ stack: 'st', fleet: 'fl', sessionId: 'change' }));
  const manifest = JSON.parse(await readFile(join(dir, 'manifest.json'), 'utf8')) as { entries: Entry[] };
  const entries = [...manifest.entries].sort((a, b) => Date.parse(a.start) - Date.parse(b.start));
  for (let i = 1; i < entries.length; i++) expect({ i, start: entries[i]!.start }).toEqual({ i, start: entries[i - 1]!.end });

  // Every frame on the session's wall clock (segment start + its pts), with its place in its segment.
  const all: Array<{ atMs: number; red: boolean; t: number; segmentSeconds: number }> = [];
  for (const e of entries) {
    for (const f of await segmentFrames(root, entries, e)) all.push({ atMs: Date.parse(e.start) + f.t * 1000, red: f.red, t: f.t, segmentSeconds: e.durationSeconds });
  }
  const firstRed = all.find((f) => f.red);
  expect(firstRed).toBeDefined();
  // Frames are stamped at the grab: the first red one within a tick (200 ms) + tolerance of the change.
  expect(firstRed!.atMs - changedAtMs).toBeGreaterThan(-50);
  expect(firstRed!.atMs - changedAtMs).toBeLessThan(200 + 1_000);
  expect(all.filter((f) => f.atMs < changedAtMs - 50).some((f) => f.red)).toBe(false);
  // No heartbeat: on the still screen before the change, frames only where the grabber's schedule
  // puts them (native/damage-grab/schedule.h): a segment's first tick and the 4 after it, and the
  // tick before its end. A frame in between (a heartbeat) would be encoded for nothing.
  const still = all.filter((f) => f.atMs < changedAtMs - 50 && f.atMs > Date.parse(entries[0]!.start) + 1_000);
  const betweenBoundaries = still.filter((f) => f.t > 4 * 0.2 + 0.05 && f.t < f.segmentSeconds - 0.2 - 0.05);
  const gaps = still.slice(1).map((f, i) => f.atMs - still[i]!.atMs);
  expect(still.length).toBeGreaterThan(0);
  expect(betweenBoundaries.map((f) => f.atMs - changedAtMs)).toEqual([]);

  const verified = await runCli(['verify', `file://${dir}`, '--json']).done;
  const report = JSON.parse(verified.stdout) as VerifyReport;
  expect({ code: verified.code, problems: report.problems }).toEqual({ code: 0, problems: [] });
  expect(report.coverage!.ratio).toBeGreaterThanOrEqual(0.99);
  process.stdout.write(`change → first red frame ${firstRed!.atMs - changedAtMs} ms; still-screen frame gaps max ${Math.max(...gaps)} ms, ${still.length} frames\n`);
});

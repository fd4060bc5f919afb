/**
 * Issue 15's `search`, with real parts: a session recorded by the built CLI from a real Xvfb in
 * which an xterm with a 14 pt TrueType font shows a distinctive line for about 10 s; `search`
 * reads it back by OCR (real FFmpeg, Debian's tesseract) within ±3 s of when it was shown, finds
 * nothing for text never shown, and answers the second time from its cache (proved by outcome:
 * with tesseract unavailable it still answers). A second xterm, full of text from the start, gets
 * one more line mid-recording: a change of a few rows, which `search` reads as a crop of the frame
 * (changedBands.ts), must be found within ±3 s too, and a line that stayed on screen once. The same recording's activity track (written by
 * the recorder) finds the session by the xterm's title, and the session verifies with it. Title
 * stretches and an altered activity object are also checked on activity objects written by the
 * domain serializer into the same store (a second fleet, so the real session does not match there).
 */
import { spawn } from 'node:child_process';
import { readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { runCli, waitUntil } from '../helpers/cli';
import { openBrowser } from '../helpers/browser';
import { recordSession } from '../helpers/recordedSession';
import { tempDirEach } from '../helpers/tempDir';
import { startXvfb, type Xvfb } from '../helpers/xvfb';
import { writeActivitySession } from '../helpers/activityFixture';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import type { SearchMatch } from '../../src/search/searchTypes';
import type { ManifestEntry } from '../../src/domain/manifest';
import { ocrCacheKey, ocrChain } from '../../src/search/ocrChain';

jest.setTimeout(300_000);

const LINE = 'WIRE 5521 RELEASED by treasury';
const TITLE = 'Ledger 77';
let x: Xvfb;
let work: string;
let store: string;
let shownAt = 0;
let closedAt = 0;
const TYPED = 'AUDIT 7730 OVERRIDE approved by ops';
const FILLER = Array.from({ length: 21 }, (_, i) => `job ${String(1000 + i * 37)} backup finished status ok node${i % 4}`);
let typedAt = 0;
const terminals: ReturnType<typeof spawn>[] = [];

/** An xterm full of FILLER from the start; after `afterMs`, one more line (TYPED) appears below the rest. */
async function fullTerminal(afterMs: number, go: string): Promise<void> {
  const script = `printf '%s\\n' ${FILLER.map((l) => `'${l}'`).join(' ')}; while [ ! -e '${go}' ]; do sleep 0.05; done; echo '${TYPED}'; sleep 600`;
  const xterm = spawn('xterm', ['-fa', 'Monospace', '-fs', '11', '-T', 'Audit console', '-geometry', '100x24+0+300', '-e', 'sh', '-c', script], { env: x.env, stdio: 'ignore' });
  await new Promise((r) => setTimeout(r, afterMs));
  await writeFile(go, '');
  typedAt = Date.now();
  // Leaves it on screen to the end of the recording (killed in afterAll).
  terminals.push(xterm);
}

/** Shows an xterm (14 pt Monospace, titled) with LINE for `seconds`, from `afterMs` on; resolves when it is gone. */
async function showLine(afterMs: number, seconds: number): Promise<void> {
  await new Promise((r) => setTimeout(r, afterMs));
  const xterm = spawn('xterm', ['-fa', 'Monospace', '-fs', '14', '-T', TITLE, '-geometry', '80x10+0+0', '-e', 'sh', '-c', `echo "${LINE}"; sleep 600`], {
    env: x.env, stdio: 'ignore',
  });
  shownAt = Date.now();
  await new Promise((r) => setTimeout(r, seconds * 1000));
  xterm.kill('SIGKILL');
  await new Promise((r) => xterm.once('close', r));
  closedAt = Date.now();
}

beforeAll(async () => {
  x = await startXvfb({ width: 1280, height: 720, scene: false });
  work = await mkdtemp(join(tmpdir(), 'e2e-search-'));
  store = join(work, 'store');
  await Promise.all([
    recordSession({ destination: `file://${store}`, work, env: process.env, sessionId: 'sess-ocr-1', stack: 'Finance', fleet: 'fleet-1', user: 'alice', seconds: 26, segmentSeconds: 5, display: x.display }),
    showLine(7_000, 10),
    fullTerminal(19_000, join(work, 'go')),
  ]);
});
afterAll(async () => {
  for (const t of terminals) t.kill('SIGKILL');
  await x?.stop();
  if (work) await rm(work, { recursive: true, force: true });
});

const cacheDir = tempDirEach('search-cache-');

async function search(args: readonly string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return runCli(['search', `file://${store}`, ...args]).done;
}

it('finds the line by OCR within ±3 s of when it was shown, and nothing for text never shown', async () => {
  const found = await search(['wire 5521', '--json', '--cache-dir', cacheDir()]);
  expect(found.stderr).toBe('');
  expect(found.code).toBe(0);
  const matches = JSON.parse(found.stdout) as SearchMatch[];
  expect(matches).toHaveLength(1);
  const [m] = matches as [SearchMatch];
  expect(m).toMatchObject({ session: 'Finance/fleet-1/sess-ocr-1/', source: 'screen', text: LINE });
  expect(Math.abs(Date.parse(m.at) - shownAt)).toBeLessThanOrEqual(3000);
  expect(closedAt - shownAt).toBeGreaterThan(8000);
  const metadataName = (await readdir(join(store, m.session))).find((n) => n.endsWith('-metadata.json')) as string;
  const startedAt = Date.parse((JSON.parse(await readFile(join(store, m.session, metadataName), 'utf8')) as { startedAt: string }).startedAt);
  expect(m.offsetSeconds).toBeCloseTo((Date.parse(m.at) - startedAt) / 1000, 2);

  const none = await search(['zebra 0000 never shown', '--json', '--cache-dir', cacheDir()]);
  expect(none.code).toBe(0);
  expect(JSON.parse(none.stdout)).toEqual([]);
});

it('finds a line added to a terminal already full of text (a small changed band) within ±3 s, and lines that stayed on screen once', async () => {
  const found = await search(['audit 7730', '--json', '--cache-dir', cacheDir()]);
  expect(found.code).toBe(0);
  const matches = JSON.parse(found.stdout) as SearchMatch[];
  expect(matches).toHaveLength(1);
  const [m] = matches as [SearchMatch];
  expect(m).toMatchObject({ session: 'Finance/fleet-1/sess-ocr-1/', source: 'screen', text: TYPED });
  expect(Math.abs(Date.parse(m.at) - typedAt)).toBeLessThanOrEqual(3000);
  // A filler line was on screen from the first frame to the last, across every segment: one match per segment read
  // (each segment's first frame is read whole; segments that follow each other keep the stretch), so exactly one.
  expect(FILLER[10]).toContain('job 1370 backup');
  const stayed = await search(['job 1370 backup', '--json', '--cache-dir', cacheDir()]);
  expect(stayed.code).toBe(0);
  expect((JSON.parse(stayed.stdout) as SearchMatch[]).map((s) => s.text)).toEqual([FILLER[10]]);
});

it('finds the session by the window title from its recorded activity track, within ±3 s of when the window opened, and the session verifies', async () => {
  const found = await search(['ledger 77', '--json', '--no-ocr', '--fleet', 'fleet-1']);
  expect({ code: found.code, stderr: found.stderr }).toEqual({ code: 0, stderr: '' });
  const matches = JSON.parse(found.stdout) as SearchMatch[];
  expect(matches).toEqual([expect.objectContaining({ session: 'Finance/fleet-1/sess-ocr-1/', source: 'window', text: TITLE })]);
  expect(Math.abs(Date.parse((matches[0] as SearchMatch).at) - shownAt)).toBeLessThanOrEqual(3000);

  const verified = await runCli(['verify', `file://${join(store, 'Finance/fleet-1/sess-ocr-1')}`, '--json']).done;
  expect({ code: verified.code, stderr: verified.stderr }).toEqual({ code: 0, stderr: '' });
  const manifest = JSON.parse(await readFile(join(store, 'Finance/fleet-1/sess-ocr-1/manifest.json'), 'utf8')) as { entries: { activity?: { key: string } }[] };
  expect(manifest.entries.length).toBeGreaterThan(0);
  expect(manifest.entries.every((e) => e.activity !== undefined)).toBe(true);
});

/**
 * The OCR cache key of each segment of the recorded session: its SHA-256, or for a segment that
 * continues the one before it (a still stretch shares a keyframe) its chain's (ocrChain.ts).
 */
async function cacheKeys(): Promise<string[]> {
  const manifest = JSON.parse(await readFile(join(store, 'Finance/fleet-1/sess-ocr-1/manifest.json'), 'utf8')) as { entries: ManifestEntry[] };
  return manifest.entries.map((e) => {
    const chain = ocrChain(manifest.entries, e, () => true);
    if (!chain.ok) throw new Error(chain.problem);
    return ocrCacheKey(chain.links);
  });
}

it('answers a second search from the cache: the entries exist and tesseract is not needed', async () => {
  const first = await search(['WIRE 5521', '--json', '--cache-dir', cacheDir()]);
  expect(first.code).toBe(0);
  for (const key of await cacheKeys()) {
    const entry = JSON.parse(await readFile(join(cacheDir(), key.slice(0, 2), `${key}.json`), 'utf8')) as { sha256: string; format: string };
    expect(entry).toMatchObject({ sha256: key, format: 'session-recorder.ocr/2' });
  }
  const cached = await search(['wire 5521', '--json', '--cache-dir', cacheDir(), '--tesseract-path', join(work, 'no-such-tesseract')]);
  expect(cached.code).toBe(0);
  expect(JSON.parse(cached.stdout)).toEqual(JSON.parse(first.stdout));

  // Without the cache, a missing tesseract is one line saying how to install it, and exit 8.
  const cold = await search(['wire 5521', '--json', '--cache-dir', join(cacheDir(), 'empty'), '--tesseract-path', join(work, 'no-such-tesseract')]);
  expect(cold.code).toBe(8);
  expect(cold.stderr.trim().split('\n')).toEqual([expect.stringMatching(/tesseract cannot be run .*apt-get install tesseract-ocr tesseract-ocr-eng/)]);
  // --no-ocr needs neither the video nor tesseract.
  const titles = await search(['wire 5521', '--json', '--no-ocr', '--tesseract-path', join(work, 'no-such-tesseract'), '--cache-dir', join(cacheDir(), 'empty')]);
  expect(titles.code).toBe(0);
  expect(JSON.parse(titles.stdout)).toEqual([]);
});

it('an altered cache entry in an unknown format is ignored, and the segment is read again', async () => {
  await search(['wire 5521', '--json', '--cache-dir', cacheDir()]);
  for (const key of await cacheKeys()) {
    await writeFile(join(cacheDir(), key.slice(0, 2), `${key}.json`), JSON.stringify({ format: 'session-recorder.ocr/999', sha256: key, frames: [] }));
  }
  const again = await search(['wire 5521', '--json', '--cache-dir', cacheDir()]);
  expect(again.code).toBe(0);
  expect((JSON.parse(again.stdout) as SearchMatch[]).map((m) => m.text)).toEqual([LINE]);
});

it('finds window titles in activity objects, one match per stretch, and reports an altered object', async () => {
  const t0 = Date.parse('2026-11-30T09:00:00Z');
  const prefix = 'Finance/fleet-2/sess-titles-1/';
  const w = (id: string, title: string) => ({ id, title, app: 'XTerm', pid: 7 });
  const paths = await writeActivitySession(store, prefix, t0 - 500, [
    { startMs: t0, seconds: 5, activity: { initial: { focus: null, windows: [w('0x1', 'bash')], idleSince: null }, events: [
      { at: new Date(t0 + 3000).toISOString(), kind: 'windows', windows: [w('0x1', 'bash'), w('0x2', 'Ledger 77 — payments')] },
    ] } },
    { startMs: t0 + 5000, seconds: 5, activity: { initial: { focus: null, windows: [w('0x1', 'bash'), w('0x2', 'Ledger 77 — payments')], idleSince: null }, events: [
      { at: new Date(t0 + 8000).toISOString(), kind: 'windows', windows: [w('0x1', 'bash')] },
    ] } },
    { startMs: t0 + 10_000, seconds: 5, activity: { initial: { focus: w('0x3', 'LEDGER 77 again'), windows: [], idleSince: null }, events: [] } },
  ]);
  const found = await search(['ledger 77', '--json', '--no-ocr', '--fleet', 'fleet-2']);
  expect(found.code).toBe(0);
  expect(JSON.parse(found.stdout)).toEqual([
    { session: prefix, at: new Date(t0 + 3000).toISOString(), offsetSeconds: 3.5, source: 'window', text: 'Ledger 77 — payments' },
    { session: prefix, at: new Date(t0 + 10_000).toISOString(), offsetSeconds: 10.5, source: 'window', text: 'LEDGER 77 again' },
  ]);

  // The user edits the last object: it is not trusted (no match from it), and the exit code says so.
  const text = await readFile(paths[2] as string, 'utf8');
  await writeFile(paths[2] as string, text.replace('LEDGER 77 again', 'LEDGER 77 forged'));
  const altered = await search(['ledger 77', '--json', '--no-ocr', '--fleet', 'fleet-2']);
  expect(altered.code).toBe(5);
  expect((JSON.parse(altered.stdout) as SearchMatch[]).map((m) => m.text)).toEqual(['Ledger 77 — payments']);
  expect(altered.stderr).toMatch(/activity object .* was altered/);
  await writeFile(paths[2] as string, text);
});

it("the viewer's search box finds the line, and its result opens the player at that moment", async () => {
  const viewer = runCli(['view', `file://${store}`, '--port', '0', '--cache-dir', cacheDir()]);
  const browser = await openBrowser();
  try {
    const url = await waitUntil('the viewer URL', () => /(http:\/\/127\.0\.0\.1:\d+\/\?key=[A-Za-z0-9_-]+)/.exec(viewer.stdout())?.[1], 20_000);
    const { page } = browser;
    await page.goto(url);
    await page.fill('#search-q', 'Wire 5521');
    await page.click('#search-go');
    const hit = page.locator('#search-results a.search-hit', { hasText: LINE });
    await hit.waitFor({ timeout: 240_000 }); // a cold cache: the segments are read by OCR now
    await hit.click();
    type State = { prefix: string | null; globalTime: number; readyState: number; seeking: boolean };
    await page.waitForFunction(
      () => {
        const s = (globalThis as unknown as { viewer: { state(): State } }).viewer.state();
        return s.prefix !== null && s.readyState >= 1 && !s.seeking;
      },
      undefined,
      { timeout: 30_000, polling: 100 },
    );
    const state = await page.evaluate(() => (globalThis as unknown as { viewer: { state(): State } }).viewer.state());
    expect(state.prefix).toBe('Finance/fleet-1/sess-ocr-1/');
    const manifest = JSON.parse(await readFile(join(store, 'Finance/fleet-1/sess-ocr-1/manifest.json'), 'utf8')) as { entries: { start: string }[] };
    const expected = (shownAt - Date.parse((manifest.entries[0] as { start: string }).start)) / 1000;
    expect(Math.abs(state.globalTime - expected)).toBeLessThanOrEqual(3);
    expect(page.url()).toMatch(/#session=Finance%2Ffleet-1%2Fsess-ocr-1%2F&at=/);
  } finally {
    await browser.close();
    viewer.child.kill('SIGTERM');
    await viewer.done;
  }
});

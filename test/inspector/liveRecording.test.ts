/**
 * The inspector during a REAL recording: the built CLI (`node dist/cli.js record ... --inspect 0`)
 * records a real Xvfb display with real FFmpeg into a file:// destination; real headless
 * Chromium opens the URL the recorder logs, sees `recording` highlighted, the test writes the
 * sentinel, and the page shows `draining` then `finished`. Screenshot: test-artifacts/inspector-live.png.
 * Needs dist/ (npm test builds it first: the "pretest" script).
 */
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { runCli, waitUntil, type CliRun } from '../helpers/cli';
import { startXvfb, type Xvfb } from '../helpers/xvfb';
import { openBrowser, type HeadlessBrowser } from '../helpers/browser';

jest.setTimeout(120_000);

const artifacts = join(__dirname, '..', '..', 'test-artifacts');
let x: Xvfb | undefined;
let work: string;
let browser: HeadlessBrowser | undefined;
let recorder: CliRun | undefined;

beforeAll(async () => {
  await mkdir(artifacts, { recursive: true });
  x = await startXvfb({ width: 1280, height: 720, motion: true });
  work = await mkdtemp(join(tmpdir(), 'inspector-live-'));
});

afterAll(async () => {
  await browser?.close();
  if (recorder && recorder.child.exitCode === null && recorder.child.signalCode === null) {
    recorder.child.kill('SIGTERM');
    await recorder.done.catch(() => undefined);
  }
  await x?.stop();
  await rm(work, { recursive: true, force: true });
});

/** The URL the recorder logs (pino JSON lines on stderr: `{"url":"http://127.0.0.1:…/",…}`). */
function loggedUrl(stderr: string): string | undefined {
  for (const line of stderr.split('\n')) {
    if (!line.startsWith('{')) continue;
    try {
      const entry = JSON.parse(line) as { url?: unknown };
      if (typeof entry.url === 'string' && entry.url.startsWith('http://127.0.0.1:')) return entry.url;
    } catch {
      // not a log line
    }
  }
  return undefined;
}

const leaf = (state: string): string => `.node.active.leaf[data-id="recorder.${state}"]`;

test('record --inspect: the page follows a real recording from recording through draining to finished', async () => {
  const destination = join(work, 'recordings');
  const sentinel = join(work, 'run', 'end');
  recorder = runCli(
    [
      'record', '--destination', `file://${destination}`, '--display', x!.display, '--spool-dir', join(work, 'spool'),
      '--sentinel', sentinel, '--segment-seconds', '2', '--frame-rate', '5', '--session-id', 'inspect-live-1',
      '--stack', 'stack', '--fleet', 'fleet', '--user', 'ada', '--drain-timeout', '30', '--inspect', '0',
    ],
    { cwd: work },
  );
  const url = await waitUntil('the inspector URL in the log', () => loggedUrl(recorder!.stderr()) ?? (recorder!.child.exitCode !== null ? '' : undefined), 30_000).catch(
    (err: Error) => `${err.message}; the recorder's log ends with: ${recorder!.stderr().slice(-2000)}`,
  );
  expect({ url, stderr: url.startsWith('http') ? '' : recorder.stderr().slice(-3000) }).toEqual({ url: expect.stringMatching(/^http:\/\/127\.0\.0\.1:\d+\/$/), stderr: '' });

  browser = await openBrowser({ width: 1280, height: 800 });
  const { page } = browser;
  const requested: string[] = [];
  page.on('request', (req) => requested.push(req.url()));
  await page.goto(url);
  await page.waitForSelector(leaf('recording'), { timeout: 30_000 });
  await page.waitForSelector('#ffmpeg-state.on', { timeout: 15_000 });
  expect(await page.textContent('#ff-pid')).toMatch(/^\d+$/);
  // Segments close and are uploaded while recording.
  await page.waitForSelector('#log li[data-event="upload.done"]', { timeout: 30_000 });
  expect(await page.textContent('#state-text')).toBe('recording');
  await page.waitForSelector('#canvas:not([data-moving])', { timeout: 15_000 });
  await page.screenshot({ path: join(artifacts, 'inspector-live-recording.png'), animations: 'disabled' });

  // Every phase the header shows from now on, however briefly (draining can take well under a second).
  await page.evaluate(`(() => {
    const now = document.getElementById('now');
    window.phasesBefore = [];
    new MutationObserver((records) => {
      for (const r of records) window.phasesBefore.push(r.oldValue);
    }).observe(now, { attributes: true, attributeFilter: ['data-phase'], attributeOldValue: true });
  })()`);

  await mkdir(dirname(sentinel), { recursive: true });
  await writeFile(sentinel, '');
  await page.waitForSelector(leaf('finished'), { timeout: 40_000 });
  // each change's old value, then the value now: every phase the header showed, in order
  const shown = (await page.evaluate(`[...window.phasesBefore, document.getElementById('now').getAttribute('data-phase')]`)) as string[];
  const phases = shown.filter((p, i, all) => p !== all[i - 1]);
  expect(phases).toEqual(['recording', 'draining', 'finished']);
  const targets = await page.locator('#log li.changed').evaluateAll((rows) => rows.map((row) => row.getAttribute('data-to') ?? '').reverse());
  expect(targets.findIndex((t) => t.startsWith('draining'))).toBeGreaterThan(targets.indexOf('recording'));
  expect(targets.at(-1)).toBe('finished');

  const result = await recorder.done;
  expect({ code: result.code, stderr: result.code === 0 ? '' : result.stderr.slice(-3000) }).toEqual({ code: 0, stderr: '' });
  await page.waitForSelector('#conn[data-conn="ended"]', { timeout: 15_000 });
  expect(await page.textContent('#drain-reason')).toContain('everything durable');
  await page.waitForSelector('#canvas:not([data-moving])', { timeout: 15_000 });
  await page.screenshot({ path: join(artifacts, 'inspector-live.png') });

  expect(existsSync(sentinel)).toBe(false);
  const landed = await readdir(destination, { recursive: true });
  expect(landed.some((f) => String(f).endsWith('end.json'))).toBe(true);
  expect(requested.filter((u) => !u.startsWith(url))).toEqual([]);
});

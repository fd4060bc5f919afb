/**
 * Issue 13: the viewer shows the same coverage as `verify` and flags a session that fails it.
 * Two real sessions recorded by the built CLI into a file:// destination (an untouched one, and
 * one whose FFmpeg is /bin/true, so it holds no video at all), `view` run as a child process, and
 * real headless Chromium reading the session list.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sessionPrefix } from '../../src/domain/sanitize';
import { openBrowser, type HeadlessBrowser } from '../helpers/browser';
import { runCli, waitUntil, type CliRun } from '../helpers/cli';
import { recordSession } from '../helpers/recordedSession';

jest.setTimeout(180_000);

const CLEAN = { sessionId: 'cov-clean', stack: 'st', fleet: 'fl', user: 'carol' };
const EMPTY = { sessionId: 'cov-empty', stack: 'st', fleet: 'fl', user: 'mallory' };

let work: string;
let destination: string;
let viewer: CliRun | undefined;
let browser: HeadlessBrowser | undefined;

beforeAll(async () => {
  work = await mkdtemp(join(tmpdir(), 'e2e-viewer-coverage-'));
  destination = `file://${join(work, 'recordings')}/`;
  await recordSession({ ...CLEAN, seconds: 4, destination, work, env: process.env });
  const empty = await runCli([
    'record', '--destination', destination, '--capture-source', 'lavfi', '--ffmpeg-path', '/bin/true',
    '--spool-dir', join(work, EMPTY.sessionId, 'spool'), '--run-dir', join(work, EMPTY.sessionId, 'run'), '--insecure',
    '--max-duration', '3', '--session-id', EMPTY.sessionId, '--stack', EMPTY.stack, '--fleet', EMPTY.fleet, '--user', EMPTY.user,
  ], { cwd: work }).done;
  expect(empty.code).toBe(7); // no video at all
});
afterAll(async () => {
  await browser?.close();
  if (viewer?.child.pid !== undefined && viewer.child.exitCode === null) {
    viewer.child.kill('SIGTERM');
    await viewer.done;
  }
  if (work) await rm(work, { recursive: true, force: true });
});

/** What verify says of a session: its exit code and coverage ratio. */
async function verified(session: typeof CLEAN): Promise<{ code: number | null; ratio: number }> {
  const result = await runCli(['verify', `${destination}${sessionPrefix(session)}`, '--json']).done;
  const report = JSON.parse(result.stdout) as { coverage?: { ratio: number } };
  return { code: result.code, ratio: report.coverage?.ratio ?? Number.NaN };
}

test('the session list shows each session\'s coverage as verify computes it, and flags the one that fails', async () => {
  const [clean, empty] = await Promise.all([verified(CLEAN), verified(EMPTY)]);
  expect(clean.code).toBe(0);
  expect(clean.ratio).toBeGreaterThanOrEqual(0.99);
  expect(empty).toEqual({ code: 7, ratio: 0 });

  viewer = runCli(['view', destination, '--port', '0'], { cwd: work });
  const url = await waitUntil('the viewer URL', () => /(http:\/\/127\.0\.0\.1:\d+\/\?key=[A-Za-z0-9_-]+)/.exec(viewer!.stdout())?.[1], 15_000);
  browser = await openBrowser();
  const { page } = browser;
  await page.goto(url);
  await page.waitForSelector('#sessions tbody tr', { timeout: 30_000 });
  const rows = await page.locator('#sessions tbody tr').evaluateAll((trs) => trs.map((tr) => ({
    text: (tr as unknown as { textContent: string }).textContent,
    badges: Array.from((tr as unknown as { querySelectorAll(s: string): ArrayLike<{ className: string; textContent: string; title: string }> }).querySelectorAll('.badge'),
      (b) => ({ cls: b.className, text: b.textContent, title: b.title })),
  })));
  const row = (user: string) => rows.find((r) => r.text.includes(user))!;
  const coverageBadge = (user: string) => row(user).badges.find((b) => b.text.startsWith('coverage'))!;

  expect(coverageBadge('carol')).toMatchObject({ cls: 'badge ok', text: `coverage ${(Math.floor(clean.ratio * 1000) / 10).toFixed(1)} %` });
  expect(coverageBadge('mallory')).toMatchObject({ cls: 'badge bad', text: 'coverage 0.0 %' });
  expect(coverageBadge('mallory').title).toMatch(/no video|coverage/);
  expect(row('mallory').badges.map((b) => b.text)).toContain('not verified');
  expect(row('carol').badges.map((b) => b.text)).toContain('verified');
});

/**
 * The page in a real headless Chromium (Debian's, through playwright-core) while the recorder
 * machine runs with fake actors: the current state is highlighted, transitions arrive pushed,
 * nothing is loaded from outside 127.0.0.1. Leaves a screenshot in test-artifacts/inspector.png.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { layoutGraph, type GraphLayout } from '../../src/inspector/graphLayout';
import { createInspectionStream } from '../../src/inspector/inspectionStream';
import { startInspector, type InspectorServer } from '../../src/inspector/inspectorServer';
import { buildMachineGraph } from '../../src/inspector/machineGraph';
import { saveStandalonePage } from '../../src/inspector/attach';
import { recorderMachine } from '../../src/machines/recorderMachine';
import { durable, layout, segment, startRecorder } from '../machines/fakeActors';
import { openBrowser, type HeadlessBrowser } from '../helpers/browser';
import type { Page } from 'playwright-core';

const artifacts = join(__dirname, '..', '..', 'test-artifacts');
const graph = buildMachineGraph(recorderMachine);
let laidOut: GraphLayout;
let browser: HeadlessBrowser | undefined;
let server: InspectorServer | undefined;

beforeAll(async () => {
  await mkdir(artifacts, { recursive: true });
  laidOut = await layoutGraph(graph);
}, 60_000);

afterEach(async () => {
  await browser?.close();
  await server?.close();
  browser = undefined;
  server = undefined;
});

const leaf = (state: string): string => `.node.active.leaf[data-id="recorder.${state}"]`;

/** WCAG contrast ratio of two CSS colours given as "rgb(r, g, b)". */
function contrast(a: string, b: string): number {
  const luminance = (css: string): number => {
    const [r = 0, g = 0, bl = 0] = (css.match(/[\d.]+/g) ?? []).map(Number).map((c) => c / 255)
      .map((c) => (c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4));
    return 0.2126 * r + 0.7152 * g + 0.0722 * bl;
  };
  const [hi, lo] = [luminance(a), luminance(b)].sort((x, y) => y - x) as [number, number];
  return (hi + 0.05) / (lo + 0.05);
}

/**
 * The current state's name against its box's fill, once their colour transitions have ended;
 * with `phase`, as it would be drawn in that phase (the body's data-phase picks the colours).
 */
async function currentStateColours(page: Page, phase?: string): Promise<{ state: string; text: string; fill: string }> {
  // A string: this runs in the page, and the tests are type-checked without the DOM library.
  return (await page.evaluate(`(async (phase) => {
    if (phase !== null) document.body.setAttribute('data-phase', phase);
    const node = document.querySelector('.node.active.leaf');
    const title = node && node.querySelector('.title');
    const box = node && node.querySelector('rect.box');
    if (!title || !box) throw new Error('no current state drawn');
    await Promise.all([...title.getAnimations(), ...box.getAnimations()].map((a) => a.finished));
    return { state: node.getAttribute('data-id'), text: getComputedStyle(title).fill, fill: getComputedStyle(box).fill };
  })(${JSON.stringify(phase ?? null)})`)) as { state: string; text: string; fill: string };
}

async function expectReadableCurrentState(page: Page, phase?: string): Promise<void> {
  const { state, text, fill } = await currentStateColours(page, phase);
  expect({ state, phase, ratio: contrast(text, fill) >= 4.5 ? 'at least 4.5:1' : `${contrast(text, fill).toFixed(2)}:1 (${text} on ${fill})` })
    .toEqual({ state, phase, ratio: 'at least 4.5:1' });
}

/** The laid-out chart's box on screen lies inside the canvas that shows it (nothing cut off). */
async function expectWholeChartInView(page: Page): Promise<void> {
  const [chart, canvas] = await Promise.all([page.locator('#viewport').boundingBox(), page.locator('#canvas').boundingBox()]);
  if (!chart || !canvas) throw new Error('the chart or its canvas is not drawn');
  expect(chart.x).toBeGreaterThanOrEqual(canvas.x - 1);
  expect(chart.y).toBeGreaterThanOrEqual(canvas.y - 1);
  expect(chart.x + chart.width).toBeLessThanOrEqual(canvas.x + canvas.width + 1);
  expect(chart.y + chart.height).toBeLessThanOrEqual(canvas.y + canvas.height + 1);
}

test('shows the live state, the log and the panels, and follows recording → draining → finished', async () => {
  const stream = createInspectionStream({ graph });
  const r = startRecorder();
  r.clock.set(Date.now());
  stream.observe(r.actor);
  server = await startInspector({ port: 0, host: '127.0.0.1', graph, stream, layout: laidOut });

  r.say('displayPoller', { type: 'display.detected', layout: layout(1920, 1080) });
  r.ffmpeg.start();
  for (const i of [0, 1, 2]) {
    const s = segment('run-1', i);
    r.say('segmentWatcher', { type: 'segment.closed', segment: s });
    r.say('uploader', { type: 'upload.started', key: durable(s).key, attempt: 1 });
    if (i < 2) r.say('uploader', { type: 'upload.done', segment: durable(s), pending: 0 });
  }
  r.say('uploader', { type: 'upload.failed', key: durable(segment('run-1', 2)).key, attempt: 1, retryInMs: 30_000, message: 'socket hang up' });

  browser = await openBrowser({ width: 1280, height: 800 });
  const { page } = browser;
  const requested: string[] = [];
  page.on('request', (req) => requested.push(req.url()));
  const problems: string[] = [];
  page.on('pageerror', (err) => problems.push(err.message));
  page.on('console', (msg) => {
    if (msg.type() === 'error') problems.push(msg.text());
  });

  await page.goto(server.url);
  await page.waitForSelector(leaf('recording'), { timeout: 15_000 });
  await page.waitForSelector('#conn[data-conn="live"]', { timeout: 15_000 });
  expect(await page.textContent('#state-text')).toBe('recording');
  expect(await page.textContent('#ff-pid')).toBe('1001');
  expect(await page.textContent('#ff-seg')).toBe('segment #3');
  expect(await page.textContent('#up-pending')).toBe('1');
  expect(await page.textContent('#up-done')).toBe('2');
  expect(await page.textContent('#up-failed')).toBe('1');
  expect(await page.textContent('#t-segments')).toBe('2 / 3');
  expect(await page.locator('#log li').count()).toBe(stream.history().length);
  // every state of the machine is drawn, every drawn transition is labelled with its events
  expect(await page.locator('.node').count()).toBe(graph.nodes.length);
  expect(await page.locator('.edge .label text').allTextContents()).toEqual(expect.arrayContaining(['ffmpeg.exited', '[isCurrentRun]', 'after stopTimeout']));
  await page.waitForSelector('#canvas:not([data-moving])', { timeout: 15_000 });
  await expectWholeChartInView(page);
  await expectReadableCurrentState(page);
  await page.screenshot({ path: join(artifacts, 'inspector-recording.png'), animations: 'disabled' });

  // The session ends: the sentinel appears and the machine drains.
  r.say('sentinelWatcher', { type: 'sentinel.appeared', path: '/run/session-recorder/s-1/end' });
  await page.waitForSelector(leaf('draining.flushing.settling'), { timeout: 15_000 });
  await page.waitForSelector('.node.active[data-id="recorder.draining"]', { timeout: 15_000 });
  expect(await page.textContent('#state-text')).toBe('draining.flushing.settling');
  expect(await page.locator('.edge.fired, .edge.recent').count()).toBeGreaterThan(0);
  expect(await page.isVisible('#drain')).toBe(true);
  await expectReadableCurrentState(page);

  r.say('segmentWatcher', { type: 'segments.runSettled', runId: 'run-1' });
  await page.waitForSelector(leaf('draining.flushing.uploading'), { timeout: 15_000 });
  r.say('uploader', { type: 'upload.started', key: durable(segment('run-1', 2)).key, attempt: 2 });
  r.say('uploader', { type: 'upload.done', segment: durable(segment('run-1', 2)), pending: 0 });
  await page.waitForSelector(leaf('draining.finalizing'), { timeout: 15_000 });
  r.say('uploader', { type: 'upload.finalized', leftInSpool: 0 });
  await page.waitForSelector(leaf('finished'), { timeout: 15_000 });
  expect(await page.textContent('#state-text')).toBe('finished');
  expect(await page.locator('.node.visited[data-id="recorder.recording"]').count()).toBe(1);
  expect(await page.textContent('#drain-reason')).toContain('everything durable');

  // The log shows the way: recording → draining… → finished, newest first.
  const targets = await page.locator('#log li.changed').evaluateAll((rows) => rows.map((row) => row.getAttribute('data-to')).reverse());
  expect(targets.filter((t, i, all) => all.indexOf(t) === i)).toEqual([
    'idle', 'recording', 'draining.flushing.stopping', 'draining.flushing.settling', 'draining.flushing.uploading', 'draining.finalizing', 'finished',
  ]);
  await page.waitForSelector('#canvas:not([data-moving])', { timeout: 15_000 });
  await expectReadableCurrentState(page);
  await page.screenshot({ path: join(artifacts, 'inspector.png') });
  // Every phase's colour, not only the ones this session went through.
  for (const phase of ['waiting', 'idle', 'recording', 'restarting', 'draining', 'finished', 'error']) await expectReadableCurrentState(page, phase);

  expect(requested.filter((url) => !url.startsWith(server!.url))).toEqual([]);
  expect(problems).toEqual([]);
}, 60_000);

test('a standalone copy works from file:// and replays an events.jsonl', async () => {
  const stream = createInspectionStream({ graph });
  const r = startRecorder();
  stream.observe(r.actor);
  r.say('displayPoller', { type: 'display.detected', layout: layout(1280, 720) });
  r.ffmpeg.start();
  r.say('sentinelWatcher', { type: 'sentinel.appeared', path: '/run/end' });
  const file = join(artifacts, 'inspector-standalone.html');
  const jsonl = join(artifacts, 'inspector-events.jsonl');
  await saveStandalonePage(file, recorderMachine);
  await writeFile(jsonl, stream.history().map((h) => JSON.stringify(h)).join('\n') + '\n');

  browser = await openBrowser({ width: 1280, height: 800 });
  const { page } = browser;
  const problems: string[] = [];
  page.on('pageerror', (err) => problems.push(err.message));
  await page.goto(`file://${file}`);
  await page.waitForSelector('#conn[data-conn="offline"]');
  expect(await page.locator('.node').count()).toBe(graph.nodes.length);
  await page.setInputFiles('#file', jsonl);
  await page.waitForSelector(leaf('draining.flushing.settling'), { timeout: 15_000 });
  expect(await page.locator('#log li').count()).toBe(stream.history().length);
  expect(problems).toEqual([]);
}, 60_000);

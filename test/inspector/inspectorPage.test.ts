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
  await page.screenshot({ path: join(artifacts, 'inspector-recording.png'), animations: 'disabled' });

  // The session ends: the sentinel appears and the machine drains.
  r.say('sentinelWatcher', { type: 'sentinel.appeared', path: '/run/session-recorder/s-1/end' });
  await page.waitForSelector(leaf('draining.flushing.settling'), { timeout: 15_000 });
  await page.waitForSelector('.node.active[data-id="recorder.draining"]', { timeout: 15_000 });
  expect(await page.textContent('#state-text')).toBe('draining.flushing.settling');
  expect(await page.locator('.edge.fired, .edge.recent').count()).toBeGreaterThan(0);
  expect(await page.isVisible('#drain')).toBe(true);

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
  await page.screenshot({ path: join(artifacts, 'inspector.png') });

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

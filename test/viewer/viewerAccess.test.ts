/**
 * Any local user can connect to 127.0.0.1: the viewer, which reads recordings with the
 * auditor's credentials, serves nothing without this run's access key, which only the URL it
 * printed carries. Real viewer server over HTTP on a file:// destination with one session.
 */
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openStore } from '../../src/adapters/openStore';
import type { ReadOnlyStore } from '../../src/domain/objectStore';
import { appendEntry, emptyManifest, serializeManifest, sha256Hex } from '../../src/domain/manifest';
import { startViewer, type ViewerServer } from '../../src/viewer/viewerServer';
import { httpGet, login } from './viewerHttp';

let dest: string;
let viewer: ViewerServer;
let other: ViewerServer;
const errors: string[] = [];

beforeAll(async () => {
  dest = await mkdtemp(join(tmpdir(), 'viewer-access-'));
  await mkdir(join(dest, 'st', 'fl', 'sess'), { recursive: true });
  const key = 'st/fl/sess/20261124T090000.000Z-video.mp4';
  await writeFile(join(dest, ...key.split('/')), 'video');
  const manifest = appendEntry(emptyManifest('st/fl/sess/'), {
    key, runId: 'run-1', index: 0, start: '2026-11-24T09:00:00.000Z', end: '2026-11-24T09:00:01.000Z',
    durationSeconds: 1, bytes: 5, sha256: sha256Hex('video'), width: 1280, height: 720, complete: true,
  });
  await writeFile(join(dest, 'st', 'fl', 'sess', 'manifest.json'), serializeManifest(manifest));
  const store = openStore({ kind: 'file', dir: dest, url: `file://${dest}` }, { use: 'audit' });
  // The same store, except that one session's listing fails: a request that ends in the error log.
  const failing: ReadOnlyStore = { ...store, listLevel: (level) => (level === 'st/fl/broken/' ? Promise.reject(new Error('store failed')) : store.listLevel(level)) };
  viewer = await startViewer({ store: failing, destination: `file://${dest}`, port: 0, onError: (e, url) => errors.push(`${url} ${String(e)}`) });
  other = await startViewer({ store, destination: `file://${dest}`, port: 0 });
});
afterAll(async () => {
  await viewer?.close();
  await other?.close();
  if (dest) await rm(dest, { recursive: true, force: true });
});

const PATHS = ['/', '/app.js', '/api/info', '/api/sessions', `/media?prefix=${encodeURIComponent('st/fl/sess/')}&i=0`];

test('without the key, or with a wrong one, nothing is served', async () => {
  const key = new URL(viewer.url).searchParams.get('key') ?? '';
  const wrong = `${key.slice(0, -1)}${key.endsWith('A') ? 'B' : 'A'}`;
  for (const path of PATHS) {
    expect([path, (await httpGet(viewer.origin, path)).status]).toEqual([path, 403]);
    expect([path, (await httpGet(viewer.origin, path, { Cookie: `sr-viewer-${viewer.port}=${wrong}` })).status]).toEqual([path, 403]);
  }
  expect((await httpGet(viewer.origin, `/?key=${wrong}`)).status).toBe(403);
  // Another viewer's key (another port, another run) does not open this one.
  const otherCookie = await login(other);
  expect((await httpGet(viewer.origin, '/api/sessions', { Cookie: otherCookie })).status).toBe(403);
});

test('the printed URL sets an HttpOnly, SameSite=Strict cookie that then opens everything', async () => {
  expect(viewer.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/\?key=[A-Za-z0-9_-]{43}$/); // 256 random bits
  expect(new URL(viewer.url).searchParams.get('key')).not.toBe(new URL(other.url).searchParams.get('key'));
  const opened = await httpGet(viewer.url, viewer.url);
  expect(opened.status).toBe(303);
  expect(opened.headers.location).toBe('/'); // the key leaves the address bar
  const setCookie = String(opened.headers['set-cookie']);
  expect(setCookie).toMatch(/HttpOnly/);
  expect(setCookie).toMatch(/SameSite=Strict/);
  const cookie = await login(viewer);
  for (const path of PATHS) expect([path, (await httpGet(viewer.origin, path, { Cookie: cookie })).status]).toEqual([path, 200]);
});

test('the key never reaches the error log', async () => {
  const key = new URL(viewer.url).searchParams.get('key') ?? '';
  const cookie = await login(viewer);
  // A request that fails in the server, with the key in its query: logged, by path only.
  const failed = await httpGet(viewer.origin, `/api/session?prefix=${encodeURIComponent('st/fl/broken/')}&key=${key}x`, { Cookie: cookie });
  expect(failed.status).toBe(502);
  expect(errors).toEqual(['/api/session Error: store failed']);
});

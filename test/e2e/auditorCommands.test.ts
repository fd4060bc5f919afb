/**
 * Issue 8's `list` and `export`, against real sessions recorded by the built CLI into a real
 * S3-compatible server (s3rver on 127.0.0.1), read back through the built CLI.
 */
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, open, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { s3StoreWith } from '../helpers/s3Store';
import { appendEntry, buildEndMarker, emptyManifest, serializeManifest, sha256Hex, type Manifest, type ManifestEntry } from '../../src/domain/manifest';
import { sessionPrefix } from '../../src/domain/sanitize';
import { runCli } from '../helpers/cli';
import { decodeErrors, probeMedia } from '../helpers/media';
import { recordSession } from '../helpers/recordedSession';
import { startS3Server, type TestS3Server } from '../helpers/s3Server';
import { startXvfb, type Xvfb } from '../helpers/xvfb';

jest.setTimeout(180_000);

const BUCKET = 'audit-recordings';
const DEST = `s3://${BUCKET}/tenant-1/`;
const FRAME = 1 / 5;

let s3: TestS3Server;
let x: Xvfb | undefined;
let work: string;
let env: NodeJS.ProcessEnv;

const SESSIONS = [
  { sessionId: 'sess-a', stack: 'Stack A', fleet: 'fleet-1', user: 'alice@example.com', seconds: 5 },
  { sessionId: 'sess-b', stack: 'Stack A', fleet: 'fleet-2', user: 'bob', seconds: 5 },
  { sessionId: 'sess-c', stack: 'stack-b', fleet: 'fleet-1', user: 'carol', seconds: 5 },
] as const;

const prefixOf = (s: { stack: string; fleet: string; sessionId: string }): string => sessionPrefix(s);
/** The SDK warns on every run that its 2027 releases need Node 22 (see facts.md); not ours to judge here. */
function withoutSdkWarning(stderr: string): string {
  return stderr.replace(/^\(node:\d+\) Warning: NodeVersionSupportWarning:[\s\S]*?to show where the warning was created\)\n/m, '');
}
async function run(args: string[]) {
  const result = await runCli(args, { env, cwd: work }).done;
  return { ...result, stderr: withoutSdkWarning(result.stderr) };
}
const cli = (args: string[]) => run([...args, '--endpoint', s3.endpoint]);

async function manifestOf(prefix: string): Promise<Manifest> {
  return JSON.parse((await s3.getObject(`tenant-1/${prefix}manifest.json`)).toString('utf8')) as Manifest;
}

function digests(data: Buffer): { sha256Base64: string; md5Base64: string } {
  return { sha256Base64: createHash('sha256').update(data).digest('base64'), md5Base64: createHash('md5').update(data).digest('base64') };
}

/**
 * A session whose resolution changes, made of real recorded segments: sess-a's (1280x720), then
 * sess-x's (640x480, x11grab of an Xvfb), copied under a new prefix with a manifest chained the
 * way the recorder chains it, and an end marker.
 */
async function buildMixedSession(): Promise<string> {
  const store = s3StoreWith({ bucket: BUCKET, prefix: 'tenant-1/', endpoint: s3.endpoint, region: s3.region });
  const prefix = sessionPrefix({ stack: 'mixed', fleet: 'fleet-1', sessionId: 'sess-mixed' });
  const sources = [...(await manifestOf(prefixOf(SESSIONS[0]))).entries, ...(await manifestOf(sessionPrefix({ stack: 'xvfb', fleet: 'fleet-1', sessionId: 'sess-x' }))).entries];
  let manifest = emptyManifest(prefix);
  const metadata = Buffer.from(JSON.stringify({ sessionId: 'sess-mixed', stack: 'mixed', fleet: 'fleet-1', user: 'dave', platform: 'linux', sources: {}, startedAt: sources[0]?.start, recorderVersion: 'test' }));
  const metadataKey = `${prefix}20260101T000000.000Z-metadata.json`;
  await store.put(metadataKey, { data: metadata }, { ...digests(metadata), contentType: 'application/json' });
  manifest = { ...manifest, metadata: [{ key: metadataKey, sha256: sha256Hex(metadata) }] };
  let startMs = Date.parse(sources[0]?.start ?? '');
  for (const [i, source] of sources.entries()) {
    const data = await s3.getObject(`tenant-1/${source.key}`);
    const key = `${prefix}${String(i).padStart(3, '0')}-video.mp4`;
    await store.put(key, { data }, { ...digests(data), contentType: 'video/mp4' });
    // The x11grab session's entries name its activity objects, which stay in that session: not copied.
    const { prevEntrySha256: _prev, activity: _activity, ...rest } = source;
    const entry: Omit<ManifestEntry, 'prevEntrySha256'> = {
      ...rest, key, index: i, start: new Date(startMs).toISOString(), end: new Date(startMs + source.durationSeconds * 1000).toISOString(),
    };
    startMs += source.durationSeconds * 1000;
    manifest = appendEntry(manifest, entry);
  }
  const manifestText = Buffer.from(serializeManifest(manifest));
  await store.put(`${prefix}manifest.json`, { data: manifestText }, { ...digests(manifestText), contentType: 'application/json' });
  const end = Buffer.from(JSON.stringify(buildEndMarker(manifest, { endedAtMs: startMs, reason: 'test', leftInSpool: 0, manifestSha256: sha256Hex(manifestText) })));
  await store.put(`${prefix}end.json`, { data: end }, { ...digests(end), contentType: 'application/json' });
  store.close();
  return prefix;
}

beforeAll(async () => {
  [s3, x] = await Promise.all([startS3Server({ bucket: BUCKET }), startXvfb({ width: 640, height: 480, motion: true })]);
  work = await mkdtemp(join(tmpdir(), 'e2e-audit-'));
  env = { ...process.env, ...s3.env };
  const extra = ['--endpoint', s3.endpoint];
  await Promise.all([
    ...SESSIONS.map((s) => recordSession({ ...s, destination: DEST, work, env, extra })),
    recordSession({ sessionId: 'sess-x', stack: 'xvfb', fleet: 'fleet-1', user: 'xavier', seconds: 4, display: (x as Xvfb).display, destination: DEST, work, env, extra }),
  ]);
});
afterAll(async () => {
  await Promise.all([s3?.stop(), x?.stop()]);
  if (work) await rm(work, { recursive: true, force: true });
});

interface Row {
  prefix: string; stack: string; fleet: string; user: string; sessionId: string; start: string; end: string;
  durationSeconds: number; segments: number; bytes: number; complete: boolean; verified: boolean; problems: string[];
}

async function listJson(args: string[] = []): Promise<Row[]> {
  const result = await cli(['list', DEST, '--json', ...args]);
  expect({ code: result.code, stderr: result.stderr }).toEqual({ code: 0, stderr: '' });
  return JSON.parse(result.stdout) as Row[];
}

describe('list', () => {
  test('one row per session, each complete and verified, with the manifest totals', async () => {
    const rows = await listJson();
    expect(rows.map((r) => r.sessionId).sort()).toEqual(['sess-a', 'sess-b', 'sess-c', 'sess-x']);
    for (const s of SESSIONS) {
      const row = rows.find((r) => r.sessionId === s.sessionId) as Row;
      const manifest = await manifestOf(prefixOf(s));
      expect(row).toMatchObject({
        prefix: prefixOf(s), stack: s.stack, fleet: s.fleet, user: s.user, complete: true, verified: true, problems: [],
        segments: manifest.entries.length, bytes: manifest.entries.reduce((n, e) => n + e.bytes, 0),
      });
      expect(row.segments).toBeGreaterThanOrEqual(2);
      expect(row.durationSeconds).toBeGreaterThan(s.seconds - 1.5);
    }
    const table = await cli(['list', DEST]);
    expect(table.code).toBe(0);
    expect(table.stdout.split('\n')[0]).toMatch(/^STACK\s+FLEET\s+USER\s+SESSION\s+START \(UTC\)\s+DURATION\s+SEGMENTS\s+SIZE\s+COVERAGE\s+COMPLETE\s+VERIFIED$/);
    expect(table.stdout).toMatch(/Stack A\s+fleet-1\s+alice@example\.com\s+sess-a\s+\d{4}-\d\d-\d\d \d\d:\d\d:\d\dZ\s+0:0\d\s+\d+\s+[\d.]+ [KM]iB\s+(99\.\d|100\.0) %\s+yes\s+yes/);
    expect(table.stderr).toBe('4 session(s)\n');
  });

  test('filters: stack and fleet through the key layout (raw names), user on the metadata (any case), time window', async () => {
    const ids = (rows: Row[]) => rows.map((r) => r.sessionId).sort();
    expect(ids(await listJson(['--stack', 'Stack A']))).toEqual(['sess-a', 'sess-b']);
    expect(ids(await listJson(['--stack', 'Stack A', '--fleet', 'fleet-2']))).toEqual(['sess-b']);
    expect(ids(await listJson(['--fleet', 'fleet-1']))).toEqual(['sess-a', 'sess-c', 'sess-x']);
    expect(ids(await listJson(['--user', 'ALICE@example.com']))).toEqual(['sess-a']);
    expect(ids(await listJson(['--stack', 'no such stack']))).toEqual([]);
    const hourAgo = new Date(Date.now() - 3_600_000).toISOString();
    expect(ids(await listJson(['--since', hourAgo, '--stack', 'stack-b']))).toEqual(['sess-c']);
    expect(ids(await listJson(['--until', '2000-01-01']))).toEqual([]);
    expect(ids(await listJson(['--since', new Date(Date.now() + 3_600_000).toISOString()]))).toEqual([]);
    const bad = await cli(['list', DEST, '--since', 'tuesday']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('--since: expected a date like 2026-11-24');
  });

  test('a session with a missing segment is listed as not verified, and says why', async () => {
    const s = SESSIONS[2];
    const manifest = await manifestOf(prefixOf(s));
    const victim = manifest.entries[1] as ManifestEntry;
    const store = s3StoreWith({ bucket: BUCKET, prefix: 'tenant-1/', endpoint: s3.endpoint, region: s3.region });
    // Overwrite one segment with other bytes (a different size): the listing alone shows it.
    const forged = Buffer.from('not the recorded video');
    await store.put(victim.key, { data: forged }, { ...digests(forged), contentType: 'video/mp4' });
    const rows = await listJson(['--stack', s.stack]);
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ sessionId: s.sessionId, complete: true, verified: false });
    expect(rows[0]?.problems.join('\n')).toContain(`segment ${victim.key} has ${forged.length} bytes; the manifest says ${victim.bytes}`);
    // export refuses it: a segment that is not what was recorded is never joined.
    const out = join(work, 'forged.mp4');
    const exported = await cli(['export', `${DEST}${prefixOf(s)}`, out]);
    expect(exported.code).toBe(5);
    expect(exported.stderr).toContain('does not check out');
    expect(existsSync(out)).toBe(false);
    store.close();
  });
});

/** Top-level MP4 boxes, in file order. */
async function topLevelBoxes(path: string): Promise<string[]> {
  const handle = await open(path, 'r');
  const boxes: string[] = [];
  try {
    const size = (await handle.stat()).size;
    let at = 0;
    const header = Buffer.alloc(16);
    while (at < size) {
      await handle.read(header, 0, 16, at);
      let length = header.readUInt32BE(0);
      if (length === 1) length = Number(header.readBigUInt64BE(8));
      if (length === 0) length = size - at;
      boxes.push(header.toString('latin1', 4, 8));
      at += length;
    }
  } finally {
    await handle.close();
  }
  return boxes;
}

describe('export', () => {
  test('one regular MP4 (index first) whose duration matches the manifest and which decodes cleanly', async () => {
    const s = SESSIONS[0];
    const manifest = await manifestOf(prefixOf(s));
    const total = manifest.entries.reduce((n, e) => n + e.durationSeconds, 0);
    const out = join(work, 'sess-a.mp4');
    const result = await cli(['export', `${DEST}${prefixOf(s)}`, out]);
    expect({ code: result.code, stderr: result.stderr }).toMatchObject({ code: 0 });
    expect(result.stdout).toBe(`${out}  1280x720  0:0${Math.round(total)}  ${manifest.entries.length} segment(s)\n`);
    // Not a terminal: phase lines only, no carriage-return progress.
    expect(result.stderr).toMatch(/^Downloading \d+ segment\(s\), .* checking each against the manifest's SHA-256\nJoining \d+ segment\(s\) at 1280x720 without re-encoding\n$/);
    const info = await probeMedia(out);
    expect(info).toMatchObject({ width: 1280, height: 720 });
    expect(Math.abs(info.durationSeconds - total)).toBeLessThanOrEqual(2 * FRAME);
    expect(await decodeErrors(out)).toBe('');
    const boxes = await topLevelBoxes(out);
    expect(boxes).not.toContain('moof'); // joined into a regular MP4, not fragments
    expect(boxes.indexOf('moov')).toBeLessThan(boxes.indexOf('mdat')); // faststart
    // Nothing left behind beside the output.
    expect((await readdir(work)).filter((n) => n.includes('.export-'))).toEqual([]);
  });

  test('a resolution change: one file per layout by default, or one re-encoded file fitted to the largest layout', async () => {
    const prefix = await buildMixedSession();
    const manifest = await manifestOf(prefix);
    const seconds = (w: number) => manifest.entries.filter((e) => e.width === w).reduce((n, e) => n + e.durationSeconds, 0);
    const rows = await listJson(['--stack', 'mixed']);
    expect(rows[0]).toMatchObject({ verified: true, complete: true, segments: manifest.entries.length });

    const out = join(work, 'mixed.mp4');
    const split = await cli(['export', `${DEST}${prefix}`, out]);
    expect({ code: split.code, stderr: split.stderr }).toMatchObject({ code: 0 });
    const part1 = join(work, 'mixed-part1-1280x720.mp4');
    const part2 = join(work, 'mixed-part2-640x480.mp4');
    expect(split.stdout.split('\n').filter(Boolean).map((l) => l.split('  ')[0])).toEqual([part1, part2]);
    expect(existsSync(out)).toBe(false);
    for (const [file, w, h] of [[part1, 1280, 720], [part2, 640, 480]] as const) {
      const info = await probeMedia(file);
      expect({ width: info.width, height: info.height }).toEqual({ width: w, height: h });
      expect(Math.abs(info.durationSeconds - seconds(w))).toBeLessThanOrEqual(2 * FRAME);
      expect(await decodeErrors(file)).toBe('');
    }

    const single = await cli(['export', `${DEST}${prefix}`, out, '--single-file']);
    expect({ code: single.code, stderr: single.stderr }).toMatchObject({ code: 0 });
    expect(single.stdout).toContain('re-encoded to fit');
    const info = await probeMedia(out);
    expect({ width: info.width, height: info.height }).toEqual({ width: 1280, height: 720 });
    expect(Math.abs(info.durationSeconds - (seconds(1280) + seconds(640)))).toBeLessThanOrEqual(2 * FRAME);
    expect(await decodeErrors(out)).toBe('');
  });

  test('bad session URLs, and a file:// destination', async () => {
    const bad = await cli(['export', `s3://${BUCKET}/only/two/`, join(work, 'x.mp4')]);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('names no session');
    const missing = await cli(['export', `${DEST}a/b/c/`, join(work, 'x.mp4')]);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain('No manifest.json');
    // The same session copied to a directory exports the same way.
    const s = SESSIONS[1];
    const dir = join(work, 'local');
    const keys = await s3.listKeys(`tenant-1/${prefixOf(s)}`);
    for (const key of keys) {
      const path = join(dir, key.slice('tenant-1/'.length));
      await mkdir(join(path, '..'), { recursive: true });
      await writeFile(path, await s3.getObject(key));
    }
    const out = join(work, 'local.mp4');
    const result = await run(['export', `file://${dir}/${prefixOf(s)}`, out]);
    expect({ code: result.code, stderr: result.stderr }).toMatchObject({ code: 0 });
    expect((await probeMedia(out)).width).toBe(1280);
    expect(await decodeErrors(out)).toBe('');
  });
});

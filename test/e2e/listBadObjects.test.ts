/**
 * One oversized or malformed object is that session's problem, not the whole listing's: `list`
 * (the built CLI, a real process) still prints every session and exits 0, the viewer's session
 * list answers 200, and the oversized objects are refused by the size the listing gives, before
 * a byte of them is read (so reading a destination takes bounded memory). A file:// destination
 * laid out like the bucket, the objects written by hand.
 */
import { execFileSync } from 'node:child_process';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openStore } from '../../src/adapters/openStore';
import { appendEntry, buildEndMarker, emptyManifest, serializeManifest, sha256Hex, type Manifest } from '../../src/domain/manifest';
import { startViewer } from '../../src/viewer/viewerServer';
import { runCli } from '../helpers/cli';
import { viewerGet } from '../viewer/viewerHttp';

jest.setTimeout(60_000);

let dest: string;
const T = '20261124T090000.000Z';

/** A closed session of two tiny segments; `metadata` replaces its metadata object's bytes. */
async function writeSession(prefix: string, user: string, metadata?: Buffer): Promise<void> {
  const dir = join(dest, ...prefix.split('/'));
  await mkdir(dir, { recursive: true });
  const metadataBytes = metadata ?? Buffer.from(JSON.stringify({ user, sessionId: prefix.split('/')[2], startedAt: '2026-11-24T09:00:00.000Z' }));
  let manifest: Manifest = { ...emptyManifest(prefix), metadata: [{ key: `${prefix}${T}-metadata.json`, sha256: sha256Hex(metadataBytes) }] };
  for (let i = 0; i < 2; i++) {
    const body = Buffer.from(`segment ${i} of ${prefix}`);
    const name = `2026112409000${i}.000Z-video.mp4`;
    await writeFile(join(dir, name), body);
    manifest = appendEntry(manifest, {
      key: `${prefix}${name}`, runId: 'run-1', index: i, start: `2026-11-24T09:00:0${i}.000Z`, end: `2026-11-24T09:00:0${i + 1}.000Z`,
      durationSeconds: 1, bytes: body.length, sha256: sha256Hex(body), width: 1280, height: 720, complete: true,
    });
  }
  const manifestText = serializeManifest(manifest);
  await writeFile(join(dir, `${T}-metadata.json`), metadataBytes);
  await writeFile(join(dir, 'manifest.json'), manifestText);
  const end = buildEndMarker(manifest, { endedAtMs: Date.parse('2026-11-24T09:00:10Z'), reason: 'sentinel', leftInSpool: 0, manifestSha256: sha256Hex(manifestText) });
  await writeFile(join(dir, 'end.json'), JSON.stringify(end));
}

beforeAll(async () => {
  dest = await mkdtemp(join(tmpdir(), 'list-bad-objects-'));
  await writeSession('st/fl/good/', 'alice');
  // A 2 MB metadata file (the user's own environment can make metadata large).
  await writeSession('st/fl/big-metadata/', 'bob', Buffer.from(JSON.stringify({ user: 'bob', padding: 'x'.repeat(2 * 1024 * 1024) })));
  // A 200 MB manifest: sparse, so it costs no disk; reading it would cost 200 MB and more.
  await writeSession('st/fl/huge-manifest/', 'carol');
  execFileSync('truncate', ['-s', '200M', join(dest, 'st', 'fl', 'huge-manifest', 'manifest.json')]);
  // Malformed: metadata that is JSON but not an object, end.json that is not JSON.
  await writeSession('st/fl/malformed/', 'dave', Buffer.from('null'));
  await writeFile(join(dest, 'st', 'fl', 'malformed', 'end.json'), '{"format":');
});
afterAll(async () => {
  if (dest) await rm(dest, { recursive: true, force: true });
});

interface Row { prefix: string; user: string; verified: boolean; problems: string[] }

test('list prints every session, naming the bad object in its own row, and exits 0', async () => {
  const result = await runCli(['list', `file://${dest}`, '--json']).done;
  expect(result.stderr.split('\n').filter((l) => l.includes('session-recorder:'))).toEqual([]);
  expect(result.code).toBe(0);
  const rows = JSON.parse(result.stdout) as Row[];
  const byPrefix = new Map(rows.map((r) => [r.prefix, r]));
  expect([...byPrefix.keys()].sort()).toEqual(['st/fl/big-metadata/', 'st/fl/good/', 'st/fl/huge-manifest/', 'st/fl/malformed/']);
  expect(byPrefix.get('st/fl/good/')).toMatchObject({ user: 'alice', verified: true, problems: [] });
  expect(byPrefix.get('st/fl/big-metadata/')?.problems).toEqual([
    expect.stringMatching(/^metadata st\/fl\/big-metadata\/20261124T090000\.000Z-metadata\.json is 2097\d{3} bytes; at most 1048576 are read: not read$/),
  ]);
  // The size came from the listing: the 200 MB was never read (reading it would say "not JSON").
  expect(byPrefix.get('st/fl/huge-manifest/')?.problems).toEqual([
    'manifest.json is 209715200 bytes; at most 25165824 are read: not read',
  ]);
  expect(byPrefix.get('st/fl/malformed/')?.problems).toEqual([expect.stringMatching(/^end\.json: Expected end\.json to be JSON/)]);
});

test("the viewer's session list answers 200 with the same rows", async () => {
  const store = openStore({ kind: 'file', dir: dest, url: `file://${dest}` }, { use: 'audit' });
  const viewer = await startViewer({ store, destination: `file://${dest}`, port: 0 });
  try {
    const sessions = await viewerGet(viewer, '/api/sessions');
    expect(sessions.status).toBe(200);
    const rows = (JSON.parse(sessions.body.toString()) as { sessions: Row[] }).sessions;
    expect(rows.map((r) => [r.prefix, r.verified]).sort()).toEqual([
      ['st/fl/big-metadata/', false], ['st/fl/good/', true], ['st/fl/huge-manifest/', false], ['st/fl/malformed/', false],
    ]);
  } finally {
    await viewer.close();
  }
});

// verify's activity checks on sessions laid out by the real local store in temp dirs.
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { checksumsOf } from '../../src/adapters/checksums';
import { createLocalStore } from '../../src/adapters/localStore';
import { ACTIVITY_FORMAT, type ActivityObject, serializeActivity } from '../../src/domain/activity';
import { type Manifest, appendEntry, emptyManifest, entryFromSegment, sha256Hex } from '../../src/domain/manifest';
import { withSessionStart } from '../../src/domain/manifestCoverage';
import { activityFindings } from '../../src/verify/activityChecks';

const PREFIX = 'st/fl/se/';
const T = Date.parse('2026-12-02T10:00:00.000Z');
const iso = (ms: number): string => new Date(ms).toISOString();
let root: string;
beforeEach(async () => {
  root = await mkdtemp(join(tmpdir(), 'verify-activity-'));
});
afterEach(async () => {
  await rm(root, { recursive: true, force: true });
});

const object = (startMs: number, endMs: number, over: Partial<ActivityObject> = {}): ActivityObject => ({
  format: ACTIVITY_FORMAT, sessionPrefix: PREFIX, source: 'x11-focus', start: iso(startMs), end: iso(endMs),
  initial: { focus: null, windows: [], idleSince: null }, events: [], unobserved: [{ start: iso(startMs), end: iso(startMs + 100), cause: 'not yet' }], ...over,
});

/** Three 5 s segments with their activity objects; `edit` may change an object's body before it is stored. */
async function build(edit: (i: number, o: ActivityObject) => ActivityObject = (_, o) => o): Promise<{ manifest: Manifest; listed: Map<string, number> }> {
  const store = createLocalStore(root);
  let manifest = withSessionStart(emptyManifest(PREFIX), iso(T));
  const listed = new Map<string, number>();
  for (let i = 0; i < 3; i += 1) {
    const startMs = T + i * 5000;
    const name = `${iso(startMs).replace(/[-:]/g, '')}-activity.json`;
    const body = Buffer.from(serializeActivity(edit(i, object(startMs, startMs + 5000))));
    await store.put(`${PREFIX}${name}`, { data: body }, { ...checksumsOf(body), contentType: 'application/json' });
    listed.set(name, body.length);
    const entry = entryFromSegment({ key: `${PREFIX}s${i}-video.mp4`, runId: 'r', index: i, startMs, endMs: startMs + 5000, bytes: 1, width: 1, height: 1, sha256: 'a'.repeat(64) }, true);
    manifest = appendEntry(manifest, { ...entry, activity: { key: `${PREFIX}${name}`, bytes: body.length, sha256: sha256Hex(body) } });
  }
  return { manifest, listed };
}

const check = (manifest: Manifest, listed: Map<string, number>) =>
  activityFindings({ manifest, store: createLocalStore(join(root, PREFIX)), listed, expected: new Set(), readFailed: (name, e) => { throw new Error(`${name}: ${String(e)}`); } });

test('a whole track: no problem, the unobserved stretches as notes', async () => {
  const { manifest, listed } = await build();
  const found = await check(manifest, listed);
  expect(found.problems).toEqual([]);
  expect(found.notes.map((n) => n.code)).toEqual(['activity-unobserved', 'activity-unobserved', 'activity-unobserved']);
});

test('a hole between objects, one that does not cover its segment, one of another session', async () => {
  const { manifest, listed } = await build((i, o) => (i === 1 ? { ...o, start: iso(T + 5500) } : i === 2 ? { ...o, end: iso(T + 14_000), sessionPrefix: 'x/y/z/' } : o));
  const found = await check(manifest, listed);
  expect(found.problems.map((p) => p.code)).toEqual(['activity-hole', 'activity-invalid', 'activity-hole']);
  expect(found.problems[0]!.message).toMatch(/a hole of 0\.500 s in the track/);
  expect(found.problems[1]!.message).toMatch(/belongs to the session x\/y\/z\/, not st\/fl\/se\//);
  expect(found.problems[2]!.message).toMatch(/before its segment does/);
});

test('altered, missing and unparsable objects', async () => {
  const { manifest, listed } = await build();
  const names = [...listed.keys()];
  await writeFile(join(root, PREFIX, names[0]!), 'not json but the same length?'.padEnd(listed.get(names[0]!)!, ' '));
  await rm(join(root, PREFIX, names[1]!));
  listed.delete(names[1]!);
  const found = await check(manifest, listed);
  expect(found.problems.map((p) => [p.code, p.name])).toEqual([
    ['activity-altered', names[0]],
    ['activity-missing', names[1]],
  ]);
});

test('no track at all: one note, nothing else', async () => {
  const entry = entryFromSegment({ key: `${PREFIX}s0-video.mp4`, runId: 'r', index: 0, startMs: T, endMs: T + 5000, bytes: 1, width: 1, height: 1, sha256: 'a'.repeat(64) }, true);
  const found = await check(appendEntry(emptyManifest(PREFIX), entry), new Map());
  expect(found).toEqual({ problems: [], notes: [expect.objectContaining({ code: 'no-activity-track' })] });
});

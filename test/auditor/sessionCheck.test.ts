import { checkSession } from '../../src/auditor/sessionCheck';
import { appendEntry, buildEndMarker, emptyManifest, serializeManifest, sha256Hex, type Manifest } from '../../src/domain/manifest';

const PREFIX = 'stack/fleet/sess/';
const METADATA_KEY = `${PREFIX}20261124T090000.000Z-metadata.json`;
const metadata = Buffer.from('{"user":"alice"}');

function session(segments = 3): { manifest: Manifest; listing: { key: string; bytes: number }[] } {
  let manifest: Manifest = { ...emptyManifest(PREFIX), metadata: [{ key: METADATA_KEY, sha256: sha256Hex(metadata) }] };
  const listing = [{ key: METADATA_KEY, bytes: metadata.length }];
  for (let i = 0; i < segments; i++) {
    const key = `${PREFIX}2026112409000${i}.000Z-video.mp4`;
    manifest = appendEntry(manifest, {
      key, runId: 'run-1', index: i, start: `2026-11-24T09:00:0${i}.000Z`, end: `2026-11-24T09:00:0${i + 1}.000Z`,
      durationSeconds: 1, bytes: 1000 + i, sha256: sha256Hex(`segment ${i}`), width: 1280, height: 720, complete: true,
    });
    listing.push({ key, bytes: 1000 + i });
  }
  return { manifest, listing };
}

function closed(manifest: Manifest, leftInSpool = 0): { manifestBytes: Buffer; endBytes: Buffer } {
  const manifestBytes = Buffer.from(serializeManifest(manifest));
  const end = buildEndMarker(manifest, { endedAtMs: Date.parse('2026-11-24T09:00:10Z'), reason: 'sentinel', leftInSpool, manifestSha256: sha256Hex(manifestBytes) });
  return { manifestBytes, endBytes: Buffer.from(JSON.stringify(end)) };
}

const base = { sessionPrefix: PREFIX, metadata: { key: METADATA_KEY, bytes: metadata } };

test('a whole, closed session is complete and verified', () => {
  const { manifest, listing } = session();
  expect(checkSession({ ...base, listing, ...closed(manifest) })).toMatchObject({ complete: true, verified: true, problems: [] });
});

test('an open session (no end.json yet) is neither, and says so', () => {
  const { manifest, listing } = session();
  const result = checkSession({ ...base, listing, manifestBytes: closed(manifest).manifestBytes });
  expect(result).toMatchObject({ complete: false, verified: false });
  expect(result.problems).toEqual(['no end.json: the session is still open, or its recorder stopped before closing it']);
});

test('end.json that reports segments left in the spool: not complete, but the chain still verifies', () => {
  const { manifest, listing } = session();
  expect(checkSession({ ...base, listing, ...closed(manifest, 2) })).toMatchObject({ complete: false, verified: true });
});

test('a segment cut from the middle breaks the chain', () => {
  const { manifest, listing } = session(4);
  const cut: Manifest = { ...manifest, entries: manifest.entries.filter((e) => e.index !== 1) };
  const result = checkSession({ ...base, listing, ...closed(cut) });
  expect(result.verified).toBe(false);
  expect(result.problems[0]).toMatch(/^manifest entry 1 \(.*20261124090002\.000Z-video\.mp4\) does not follow entry 0: the chain is broken$/);
});

test('a cut at the tail shows against end.json, which pins the last entry and the manifest bytes', () => {
  const { manifest, listing } = session(4);
  const { endBytes } = closed(manifest);
  const shorter: Manifest = { ...manifest, entries: manifest.entries.slice(0, 3) };
  const result = checkSession({ ...base, listing, manifestBytes: Buffer.from(serializeManifest(shorter)), endBytes });
  expect(result.verified).toBe(false);
  expect(result.problems).toEqual([
    'end.json pins another last entry than the manifest has: entries were cut or changed',
    'manifest.json is not the manifest end.json was written with',
    'end.json counts 4 segments / 4006 bytes, the manifest 3 / 3003',
  ]);
});

test('missing or resized segments and altered metadata show from the listing alone', () => {
  const { manifest, listing } = session(3);
  const changed = listing.filter((o) => !o.key.includes('090001')).map((o) => (o.key.includes('090002') ? { ...o, bytes: 5 } : o));
  const result = checkSession({ ...base, metadata: { key: METADATA_KEY, bytes: Buffer.from('{"user":"mallory"}') }, listing: changed, ...closed(manifest) });
  expect(result.problems).toEqual([
    `segment ${PREFIX}20261124090001.000Z-video.mp4 is in the manifest but not in the store`,
    `segment ${PREFIX}20261124090002.000Z-video.mp4 has 5 bytes; the manifest says 1002`,
    `metadata ${METADATA_KEY} does not match the SHA-256 the manifest recorded: it was altered`,
  ]);
});

test('a manifest moved to another session, and unreadable JSON', () => {
  const { manifest, listing } = session(1);
  const moved = checkSession({ ...base, sessionPrefix: 'other/fleet/sess/', listing, ...closed(manifest) });
  expect(moved.problems[0]).toBe('manifest.json names session "stack/fleet/sess/", but it is stored under "other/fleet/sess/"');
  const garbage = checkSession({ ...base, listing, manifestBytes: Buffer.from('{'), endBytes: Buffer.from('nope') });
  expect(garbage.verified).toBe(false);
  expect(garbage.problems[0]).toMatch(/^manifest\.json: Expected manifest\.json to be JSON/);
  expect(garbage.problems[1]).toMatch(/^end\.json: Expected end\.json to be JSON/);
});

test('activity objects: listed ones pass; a missing one, a wrong size or a key outside the session is a problem', () => {
  let manifest: Manifest = { ...emptyManifest(PREFIX), metadata: [{ key: METADATA_KEY, sha256: sha256Hex(metadata) }] };
  const listing = [{ key: METADATA_KEY, bytes: metadata.length }];
  const activityKeys = [`${PREFIX}20261124090000.000Z-activity.json`, `${PREFIX}20261124090001.000Z-activity.json`, `other/session/x-activity.json`, `${PREFIX}20261124090003.000Z-activity.json`];
  for (let i = 0; i < 4; i++) {
    const key = `${PREFIX}2026112409000${i}.000Z-video.mp4`;
    manifest = appendEntry(manifest, {
      key, runId: 'run-1', index: i, start: `2026-11-24T09:00:0${i}.000Z`, end: `2026-11-24T09:00:0${i + 1}.000Z`,
      durationSeconds: 1, bytes: 1000 + i, sha256: sha256Hex(`segment ${i}`), width: 1280, height: 720, complete: true,
      activity: { key: activityKeys[i]!, bytes: 300 + i, sha256: sha256Hex(`activity ${i}`) },
    });
    listing.push({ key, bytes: 1000 + i });
  }
  listing.push({ key: activityKeys[0]!, bytes: 300 }, { key: activityKeys[3]!, bytes: 999 });
  const result = checkSession({ ...base, listing, ...closed(manifest) });
  expect(result.problems).toEqual([
    `activity object ${activityKeys[1]} is in the manifest but not in the store`,
    `manifest entry 2's activity object points outside the session: "other/session/x-activity.json"`,
    `activity object ${activityKeys[3]} has 999 bytes; the manifest says 303`,
  ]);
  expect(result.verified).toBe(false);
});

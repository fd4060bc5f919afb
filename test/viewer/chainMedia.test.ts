// The server's side of a chain: segments read from a real local store (a temp dir), checked against
// the manifest's SHA-256, joined, kept for the next request. The catalog is a plain object handing
// the manifest entries over (the catalog itself is tested with the viewer).
import { mkdir, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { createLocalStore } from '../../src/adapters/localStore';
import { sha256Hex, type ManifestEntry } from '../../src/domain/manifest';
import type { ReadOnlyStore } from '../../src/domain/objectStore';
import { createChainMedia } from '../../src/viewer/chainMedia';
import { joinFragmented } from '../../src/viewer/fmp4Join';
import type { OpenedSession } from '../../src/viewer/sessionCatalog';
import { file } from './fmp4Fixture';
import { tempDirEach } from '../helpers/tempDir';

const dir = tempDirEach('chain-media-');
const PREFIX = 'st/fl/se/';
/** Three samples of 1/3 s at timescale 90000 each: a start that is not a whole number of microseconds. */
const segment = (name: string, avc = 'settings-a'): Buffer => file({ timescale: 90000, avc, fragments: [{ durations: [30000, 30000, 30001], tfdt: 0 }] }, name);

interface Session {
  readonly store: ReadOnlyStore;
  readonly entries: ManifestEntry[];
  readonly files: Buffer[];
  /** Object keys read from the store, in order. */
  readonly reads: string[];
}

/** A session of `files` (the first with the keyframe, the others continuing it) in a local store. */
async function session(files: Buffer[]): Promise<Session> {
  await mkdir(join(dir(), PREFIX), { recursive: true });
  const entries: ManifestEntry[] = [];
  for (const [index, bytes] of files.entries()) {
    const key = `${PREFIX}2026120${index}-video.mp4`;
    await writeFile(join(dir(), key), bytes);
    entries.push({
      key, runId: 'run-1', index, start: '2026-12-03T05:00:00.000Z', end: '2026-12-03T05:00:01.000Z', durationSeconds: 1, bytes: bytes.length,
      sha256: sha256Hex(bytes), width: 320, height: 240, complete: true, prevEntrySha256: '0'.repeat(64), ...(index > 0 ? { continuesPrevious: true } : {}),
    });
  }
  const real = createLocalStore(dir());
  const reads: string[] = [];
  const store: ReadOnlyStore = { ...real, readSmall: (key, max) => (reads.push(key), real.readSmall(key, max)) };
  return { store, entries, files, reads };
}

const catalogOf = (entries: readonly ManifestEntry[]) => ({ opened: async (prefix: string) => (prefix === PREFIX ? ({ entries } as unknown as OpenedSession) : undefined) });

test('a segment that continues others is served as its chain joined, with where it starts in it', async () => {
  const s = await session([segment('a'), segment('b'), segment('c')]);
  const media = createChainMedia(s.store, catalogOf(s.entries));
  const answer = await media.answer(PREFIX, 2);
  expect(answer).toEqual({ kind: 'joined', bytes: joinFragmented(s.files).bytes, offsetSeconds: 2.000023, first: 0, links: 3 }); // 180002 / 90000 s, rounded up to the µs
  expect(await media.answer(PREFIX, 0)).toEqual({ kind: 'single', entry: s.entries[0] });
  expect(await media.answer(PREFIX, 3)).toBeUndefined();
  expect(await media.answer('st/fl/other/', 0)).toBeUndefined();
});

test('checked segments and joined files are kept: the next segment reads one object, the same one none, two at once share the reads', async () => {
  const s = await session([segment('a'), segment('b'), segment('c'), segment('d')]);
  const media = createChainMedia(s.store, catalogOf(s.entries));
  await Promise.all([media.answer(PREFIX, 1), media.answer(PREFIX, 1)]);
  expect(s.reads).toEqual([s.entries[0]?.key, s.entries[1]?.key]);
  const once = await media.answer(PREFIX, 2);
  const again = await media.answer(PREFIX, 2);
  // The joined file itself is kept (the player's Range requests do not join it again).
  expect(once?.kind === 'joined' && again?.kind === 'joined' && once.bytes === again.bytes).toBe(true);
  expect(s.reads).toEqual([s.entries[0]?.key, s.entries[1]?.key, s.entries[2]?.key]);
  // Nothing kept past the budget: a budget below one segment reads the store every time.
  const small = createChainMedia(s.store, catalogOf(s.entries), { cacheBytes: 100 });
  s.reads.length = 0;
  await small.answer(PREFIX, 1);
  await small.answer(PREFIX, 1);
  expect(s.reads).toHaveLength(4);
});

test('an altered, missing or unjoinable link is a broken chain, with which segment and why', async () => {
  const s = await session([segment('a'), segment('b'), segment('c'), segment('d', 'settings-b')]);
  const media = createChainMedia(s.store, catalogOf(s.entries));
  const name = (i: number): string => s.entries[i]?.key.slice(PREFIX.length) ?? '';
  const altered = Buffer.from(s.files[1] as Buffer);
  altered[altered.length - 45] = (altered[altered.length - 45] as number) ^ 0xff; // same size, one byte of its picture changed
  await writeFile(join(dir(), s.entries[1]?.key ?? ''), altered);
  expect(await media.answer(PREFIX, 2)).toEqual({
    kind: 'broken',
    problem: `Segment 3 cannot be shown: it continues the segments before it back to segment 1 (its keyframe), and segment 2 (${name(1)}) is altered: its SHA-256 is not the one in the manifest, so its picture cannot be decoded.`,
  });
  expect(await media.answer(PREFIX, 1)).toEqual({ kind: 'broken', problem: `Segment 2 cannot be shown: segment 2 (${name(1)}) is altered: its SHA-256 is not the one in the manifest.` });
  await writeFile(join(dir(), s.entries[1]?.key ?? ''), s.files[1] as Buffer); // put back
  expect(await media.answer(PREFIX, 2)).toMatchObject({ kind: 'joined' });
  expect(await media.answer(PREFIX, 3)).toEqual({
    kind: 'broken',
    problem: 'Segment 4 cannot be shown: its chain back to segment 1 (its keyframe) cannot be joined: segment 4 of the chain was encoded with other settings than the first (its sample description, stsd, differs).',
  });
  await rm(join(dir(), s.entries[0]?.key ?? ''));
  expect(await createChainMedia(s.store, catalogOf(s.entries)).answer(PREFIX, 1)).toEqual({
    kind: 'broken',
    problem: `Segment 2 cannot be shown: it continues the segments before it back to segment 1 (its keyframe), and segment 1 (${name(0)}) is missing from the store, so its picture cannot be decoded.`,
  });
});

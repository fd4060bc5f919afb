/**
 * `search` reads the screen text of segments that continue the one before them (their first frame
 * is not a keyframe: on a still screen segments share one, issue 16). The built CLI as a real
 * process, real FFmpeg and Debian's tesseract, a file:// store: five 2 s segments of a white
 * screen showing `clock NN` (the second since the start), keyframes only at segments 0 and 3, so
 * 1, 2 and 4 decode only after the segments before them. Each second is found at its own moment
 * (the frames read are the segment's own, timed from its start); a chain that is broken (a link
 * altered, missing, or not in the manifest) is a problem of each segment it leaves undecodable,
 * never text read from a picture that cannot be decoded.
 */
import { existsSync } from 'node:fs';
import { cp, mkdtemp, open, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { cachePath } from '../../src/search/ocrCacheEntry';
import { ocrCacheKey } from '../../src/search/ocrChain';
import type { SearchMatch } from '../../src/search/searchTypes';
import type { Manifest } from '../../src/domain/manifest';
import { writeChained, writeTextChainSession } from '../helpers/chainSessions';
import { runCli } from '../helpers/cli';

jest.setTimeout(120_000);

const PREFIX = 'st/fl/clock/';
const T0 = Date.parse('2026-12-03T06:00:00Z');
let work: string;
let store: string;
let manifest: Manifest;
let names: string[];

beforeAll(async () => {
  work = await mkdtemp(join(tmpdir(), 'ocr-chains-'));
  store = join(work, 'good');
  ({ manifest, names } = await writeTextChainSession({ storeDir: store, prefix: PREFIX, startedAtMs: T0, segments: 5, seconds: 2, keyframeAt: [3] }));
  expect(manifest.entries.map((e) => e.continuesPrevious === true)).toEqual([false, true, true, false, true]);
});
afterAll(async () => {
  if (work) await rm(work, { recursive: true, force: true });
});

async function search(dest: string, text: string, cacheDir: string, extra: string[] = []) {
  const r = await runCli(['search', `file://${dest}/`, text, '--json', '--cache-dir', cacheDir, ...extra]).done;
  return { code: r.code, matches: JSON.parse(r.stdout || 'null') as SearchMatch[] | null, problems: r.stderr.split('\n').filter((l) => l.startsWith('search: ')) };
}
const at = (seconds: number, text: string): Partial<SearchMatch> => ({ at: new Date(T0 + seconds * 1000).toISOString(), offsetSeconds: seconds, source: 'screen', text });

test('each second is found at its own moment, in dependent segments too, and their text is cached per chain', async () => {
  const cache = join(work, 'cache');
  // Seconds shown by a keyframe-led segment (0), and by dependent ones, first frame (2: segment 1;
  // 8: segment 4, whose chain starts at 3) and second sampled frame (5: segment 2, two links back).
  for (const second of [0, 2, 5, 8]) {
    const text = `clock 0${second}`;
    const r = await search(store, text, cache);
    expect({ second, code: r.code, problems: r.problems, matches: r.matches }).toEqual({ second, code: 0, problems: [], matches: [expect.objectContaining(at(second, text))] });
  }
  // A dependent segment's text is cached under its chain, not its own SHA-256 (an older version
  // cached it alone, with no frame); a segment that decodes alone, under its own.
  const [e0, e1, e2, e3] = manifest.entries;
  if (!e0 || !e1 || !e2 || !e3) throw new Error('expected 5 entries');
  expect(existsSync(cachePath(cache, ocrCacheKey([e0, e1, e2])))).toBe(true);
  expect(existsSync(cachePath(cache, e2.sha256))).toBe(false);
  expect(existsSync(cachePath(cache, e3.sha256))).toBe(true);
  // Answered from the cache alone: no tesseract needed.
  const cached = await search(store, 'clock 05', cache, ['--tesseract-path', join(work, 'no-such-tesseract')]);
  expect(cached.matches).toEqual([expect.objectContaining(at(5, 'clock 05'))]);
});

/** A copy of the good session to break. */
async function copyOfSession(name: string): Promise<string> {
  const dest = join(work, name);
  await cp(store, dest, { recursive: true });
  return dest;
}
const lead = 'it continues the segment before it (its first frame is not a keyframe), and';

test('a link altered: its dependent segments are reported as not trusted, and no text is read from them', async () => {
  const dest = await copyOfSession('altered');
  // One byte of segment 1's media changed, its size kept.
  const file = await open(join(dest, PREFIX, names[1] as string), 'r+');
  const { size } = await file.stat();
  await file.write(Buffer.from([0x5a]), 0, 1, size - 100);
  await file.close();
  const r = await search(dest, 'clock 0', join(work, 'cache-altered'));
  expect(r.code).toBe(5);
  // A line still shown after segments that could not be read counts again: 00 from segment 0, 06 from 3.
  expect(r.matches).toEqual([expect.objectContaining(at(0, 'clock 00')), expect.objectContaining(at(6, 'clock 06'))]);
  expect(r.problems).toEqual([
    expect.stringMatching(new RegExp(`^search: ${PREFIX}: ${PREFIX}${names[1]}: not trusted, not read: ${PREFIX}${names[1]} is not what was recorded`)),
    expect.stringContaining(`search: ${PREFIX}: ${PREFIX}${names[2]}: not trusted, not read: ${lead} ${PREFIX}${names[1]}, a link of its chain back to a keyframe, is not what was recorded`),
  ]);
});

test('a link missing from the store, or not in the manifest: its dependent segments could not be read', async () => {
  const missing = await copyOfSession('missing');
  await rm(join(missing, PREFIX, names[1] as string));
  const r = await search(missing, 'clock 0', join(work, 'cache-missing'));
  expect(r.code).toBe(6);
  expect(r.matches).toEqual([expect.objectContaining(at(0, 'clock 00')), expect.objectContaining(at(6, 'clock 06'))]);
  expect(r.problems).toEqual([
    expect.stringContaining(`search: ${PREFIX}: ${PREFIX}${names[1]}: its text could not be read: Cannot read`),
    expect.stringContaining(`search: ${PREFIX}: ${PREFIX}${names[2]}: its text could not be read: ${lead} ${PREFIX}${names[1]}, a link of its chain back to a keyframe, could not be read: Cannot read`),
  ]);

  // Segment 1 taken out of the manifest (the chain re-linked, so the session itself verifies).
  const cut = await copyOfSession('cut');
  await rm(join(cut, PREFIX, names[1] as string));
  await writeChained(join(cut, PREFIX), manifest, manifest.entries.filter((_, i) => i !== 1), T0 + 10_000);
  const c = await search(cut, 'clock 0', join(work, 'cache-cut'));
  expect(c.code).toBe(6);
  expect(c.matches).toEqual([expect.objectContaining(at(0, 'clock 00')), expect.objectContaining(at(6, 'clock 06'))]);
  expect(c.problems).toEqual([
    `search: ${PREFIX}: ${PREFIX}${names[2]}: its text could not be read: ${lead} segment 1 of its capture run "run-1" is not in the manifest, so it cannot be decoded`,
  ]);
});

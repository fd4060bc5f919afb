/**
 * `export` of sessions whose segments share keyframes (a segment that continues the one before it
 * decodes only after it: issue 16). The built CLI as a real process, real FFmpeg, a file:// store
 * laid out like the bucket: a 320x240 run of five 2 s segments with keyframes at 0 and 3 (1, 2 and 4
 * continue), then a 160x120 run of three (1 and 2 continue). Pictures are compared exactly, frame
 * by frame (framemd5), with the segments decoded in order straight from the fixture: a segment
 * joined after anything but the one it continues would decode against the wrong picture.
 */
import { existsSync } from 'node:fs';
import { cp, mkdtemp, open, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Manifest, ManifestEntry } from '../../src/domain/manifest';
import { frameDigests, writeChained } from '../helpers/chainSessions';
import { runCli } from '../helpers/cli';
import { decodeErrors } from '../helpers/media';
import { writeSharedKeyframeSession } from '../helpers/sharedKeyframeSession';

jest.setTimeout(120_000);

const PREFIX = 'st/fl/chains/';
const T0 = Date.parse('2026-12-03T07:00:00Z');
let work: string;
let store: string;
let manifest: Manifest;
/** Object names of the 320x240 run, then of the 160x120 run. */
let namesA: string[];
let namesB: string[];
/** Decoded frames of each run, straight from the fixture's files (5 fps: 10 a segment). */
let framesA: string[];
let framesB: string[];

beforeAll(async () => {
  work = await mkdtemp(join(tmpdir(), 'export-chains-'));
  store = join(work, 'good');
  const a = await writeSharedKeyframeSession({ storeDir: store, prefix: PREFIX, startedAtMs: T0, segments: 5, seconds: 2, keyframeAt: [3] });
  const b = await writeSharedKeyframeSession({ storeDir: join(work, 'b'), prefix: PREFIX, startedAtMs: T0 + 10_000, segments: 3, seconds: 2, keyframeAt: [], width: 160, height: 120 });
  for (const name of b.names) await writeFile(join(a.dir, name), await readFile(join(b.dir, name)));
  // One session: the second layout is a second capture run, as after a resolution change.
  const entries: ManifestEntry[] = [...a.manifest.entries, ...b.manifest.entries.map((e) => ({ ...e, runId: 'run-2' }))];
  manifest = await writeChained(a.dir, a.manifest, entries, T0 + 16_000);
  expect(manifest.entries.map((e) => e.continuesPrevious === true)).toEqual([false, true, true, false, true, false, true, true]);
  namesA = [...a.names];
  namesB = [...b.names];
  framesA = await frameDigests(namesA.map((n) => join(a.dir, n)));
  framesB = await frameDigests(namesB.map((n) => join(a.dir, n)));
  expect([framesA.length, framesB.length]).toEqual([50, 30]);
});
afterAll(async () => {
  if (work) await rm(work, { recursive: true, force: true });
});

async function exportOf(dest: string, out: string, extra: string[] = []) {
  const r = await runCli(['export', `file://${dest}/${PREFIX}`, join(work, out), ...extra]).done;
  return { code: r.code, warnings: r.stderr.split('\n').filter((l) => l.startsWith('warning: left out ')), errors: r.stderr.split('\n').filter((l) => l.startsWith('session-recorder:')), stdout: r.stdout };
}
const part = (out: string, n: number, size: string): string => join(work, `${out}-part${n}-${size}.mp4`);
/** Frames of segments `from` to `to` (exclusive) of run A. */
const segmentsA = (...ranges: [number, number][]): string[] => ranges.flatMap(([from, to]) => framesA.slice(from * 10, to * 10));

async function copyOfSession(name: string): Promise<string> {
  const dest = join(work, name);
  await cp(store, dest, { recursive: true });
  return dest;
}

test('an intact session: one file per layout equal frame for frame, or one re-encoded file that decodes cleanly', async () => {
  const split = await exportOf(store, 'intact.mp4');
  expect({ code: split.code, errors: split.errors, warnings: split.warnings }).toEqual({ code: 0, errors: [], warnings: [] });
  expect(await frameDigests([part('intact', 1, '320x240')])).toEqual(framesA);
  expect(await frameDigests([part('intact', 2, '160x120')])).toEqual(framesB);
  const single = await exportOf(store, 'intact-single.mp4', ['--single-file']);
  expect({ code: single.code, errors: single.errors }).toEqual({ code: 0, errors: [] });
  expect(await decodeErrors(join(work, 'intact-single.mp4'))).toBe('');
  expect(await frameDigests([join(work, 'intact-single.mp4')])).toHaveLength(80);
});

test('a link not in the manifest (the session still verifies): refused; with --force what it leaves undecodable is left out and named', async () => {
  const dest = await copyOfSession('cut');
  await writeChained(join(dest, PREFIX), manifest, manifest.entries.filter((_, i) => i !== 1), T0 + 16_000);
  const refused = await exportOf(dest, 'cut.mp4');
  expect(refused.code).toBe(5);
  expect(refused.errors).toEqual([
    `session-recorder: The session does not check out, so it is not exported (--force exports the rest): left out ${PREFIX}${namesA[2]} (manifest entry 2, ` +
      `2026-12-03T07:00:04.000Z, 2 s): its first frame is not a keyframe and the segment it continues (segment 1 of capture run "run-1") is not in the manifest`,
  ]);
  expect(existsSync(part('cut', 1, '320x240'))).toBe(false);
  const forced = await exportOf(dest, 'cut.mp4', ['--force']);
  expect({ code: forced.code, errors: forced.errors }).toEqual({ code: 0, errors: [] });
  expect(forced.warnings).toEqual([expect.stringContaining(`left out ${PREFIX}${namesA[2]} (manifest entry 2,`)]);
  expect(forced.stdout).toContain(`${part('cut', 1, '320x240')}  320x240  0:06  3 segment(s)`);
  expect(await frameDigests([part('cut', 1, '320x240')])).toEqual(segmentsA([0, 1], [3, 5]));
  expect(await frameDigests([part('cut', 2, '160x120')])).toEqual(framesB);
});

test('a link altered or missing: refused; with --force it and the rest of its chain are left out and named, split or in one file', async () => {
  const altered = await copyOfSession('altered');
  const file = await open(join(altered, PREFIX, namesA[1] as string), 'r+');
  await file.write(Buffer.from([0x5a]), 0, 1, (await file.stat()).size - 100); // one byte, same size
  await file.close();
  const refused = await exportOf(altered, 'altered.mp4');
  expect(refused.code).toBe(5);
  expect(refused.errors).toEqual([expect.stringContaining(`session-recorder: Segment ${PREFIX}${namesA[1]} is not what was recorded`)]);
  expect(existsSync(part('altered', 1, '320x240'))).toBe(false);
  const forced = await exportOf(altered, 'altered.mp4', ['--force']);
  expect({ code: forced.code, errors: forced.errors }).toEqual({ code: 0, errors: [] });
  expect(forced.warnings).toEqual([
    expect.stringMatching(new RegExp(`^warning: left out ${PREFIX}${namesA[1]} \\(manifest entry 2, .*\\): it is not what was recorded: got \\d+ bytes with SHA-256 `)),
    `warning: left out ${PREFIX}${namesA[2]} (manifest entry 3, 2026-12-03T07:00:04.000Z, 2 s): its first frame is not a keyframe and the segment it continues, ${PREFIX}${namesA[1]}, is left out`,
  ]);
  expect(await frameDigests([part('altered', 1, '320x240')])).toEqual(segmentsA([0, 1], [3, 5]));
  expect(await frameDigests([part('altered', 2, '160x120')])).toEqual(framesB);
  const single = await exportOf(altered, 'altered-single.mp4', ['--force', '--single-file']);
  expect({ code: single.code, errors: single.errors, warnings: single.warnings.length }).toEqual({ code: 0, errors: [], warnings: 2 });
  expect(await decodeErrors(join(work, 'altered-single.mp4'))).toBe('');
  expect(await frameDigests([join(work, 'altered-single.mp4')])).toHaveLength(30 + 30);

  // Missing from the store: the same, known from the listing before any download.
  const missing = await copyOfSession('missing');
  await rm(join(missing, PREFIX, namesA[1] as string));
  const gone = await exportOf(missing, 'missing.mp4', ['--force']);
  expect({ code: gone.code, errors: gone.errors }).toEqual({ code: 0, errors: [] });
  expect(gone.warnings).toEqual([
    `warning: left out ${PREFIX}${namesA[1]} (manifest entry 2, 2026-12-03T07:00:02.000Z, 2 s): it is in the manifest but not in the store`,
    expect.stringContaining(`warning: left out ${PREFIX}${namesA[2]} (manifest entry 3,`),
  ]);
  expect(await frameDigests([part('missing', 1, '320x240')])).toEqual(segmentsA([0, 1], [3, 5]));
});

/**
 * `export` opens every segment as MP4 and nothing else: a "segment" holding an HLS playlist (it
 * can name any file FFmpeg can read, here a video outside the session) is refused before joining,
 * with exit 5, and nothing is written. The built CLI as a real process, real FFmpeg, a file://
 * destination laid out like the bucket, objects written by hand with a correct manifest.
 */
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { appendEntry, buildEndMarker, emptyManifest, serializeManifest, sha256Hex, type Manifest } from '../../src/domain/manifest';
import { runCli } from '../helpers/cli';

jest.setTimeout(120_000);

let work: string;
const PREFIX = 'st/fl/sess/';

/** A fragmented MP4 like the recorder's (lavfi test pattern). */
function fmp4(path: string, seconds: number): void {
  execFileSync('ffmpeg', ['-v', 'error', '-y', '-f', 'lavfi', '-i', `testsrc2=s=160x90:r=5:d=${seconds}`, '-c:v', 'libx264', '-g', '5',
    '-movflags', '+frag_keyframe+empty_moov+default_base_moof', '-f', 'mp4', path]);
}

async function writeSession(dest: string, segments: Buffer[]): Promise<void> {
  const dir = join(dest, ...PREFIX.split('/'));
  await mkdir(dir, { recursive: true });
  let manifest: Manifest = emptyManifest(PREFIX);
  for (const [i, body] of segments.entries()) {
    const name = `20261124T09000${i * 2}.000Z-video.mp4`;
    await writeFile(join(dir, name), body);
    manifest = appendEntry(manifest, {
      key: `${PREFIX}${name}`, runId: 'run-1', index: i, start: `2026-11-24T09:00:0${i * 2}.000Z`, end: `2026-11-24T09:00:0${i * 2 + 2}.000Z`,
      durationSeconds: 2, bytes: body.length, sha256: sha256Hex(body), width: 160, height: 90, complete: true,
    });
  }
  const text = serializeManifest(manifest);
  await writeFile(join(dir, 'manifest.json'), text);
  const end = buildEndMarker(manifest, { endedAtMs: Date.parse('2026-11-24T09:00:10Z'), reason: 'sentinel', leftInSpool: 0, manifestSha256: sha256Hex(text) });
  await writeFile(join(dir, 'end.json'), JSON.stringify(end));
}

beforeAll(async () => {
  work = await mkdtemp(join(tmpdir(), 'export-format-'));
  fmp4(join(work, 'real.mp4'), 2);
  // A video that is not the session's, which the playlist pulls in.
  execFileSync('ffmpeg', ['-v', 'error', '-y', '-f', 'lavfi', '-i', 'testsrc2=s=160x90:r=5:d=2', '-c:v', 'libx264', '-f', 'mpegts', join(work, 'outside.ts')]);
});
afterAll(async () => {
  if (work) await rm(work, { recursive: true, force: true });
});

test('a real session exports as before', async () => {
  const dest = join(work, 'good');
  const real = await readFile(join(work, 'real.mp4'));
  await writeSession(dest, [real, real]);
  const out = join(work, 'good.mp4');
  const result = await runCli(['export', `file://${dest}/${PREFIX}`, out]).done;
  expect([result.code, result.stderr.split('\n').filter((l) => l.startsWith('session-recorder:'))]).toEqual([0, []]);
  expect(existsSync(out)).toBe(true);
});

test('a segment that is an HLS playlist is refused before joining: exit 5, nothing written', async () => {
  const dest = join(work, 'hostile');
  const playlist = Buffer.from(`#EXTM3U\n#EXT-X-TARGETDURATION:2\n#EXTINF:2,\n${join(work, 'outside.ts')}\n#EXT-X-ENDLIST\n`);
  await writeSession(dest, [await readFile(join(work, 'real.mp4')), playlist]);
  const out = join(work, 'hostile.mp4');
  const result = await runCli(['export', `file://${dest}/${PREFIX}`, out]).done;
  expect(result.stderr.split('\n').filter((l) => l.startsWith('session-recorder:'))).toEqual([
    `session-recorder: segment ${PREFIX}20261124T090002.000Z-video.mp4 is not an MP4 file (it does not start with an "ftyp" box): the session is not exported`,
  ]);
  expect(result.code).toBe(5);
  expect(existsSync(out)).toBe(false);
});

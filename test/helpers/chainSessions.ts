/**
 * For the readers' tests of sessions whose segments share keyframes (export, search): a session of
 * legible text made by real FFmpeg like sharedKeyframeSession.ts (segments cut on P-frames,
 * keyframes only where asked), a manifest rewritten with entries taken out and the chain re-linked
 * (a session that verifies although a link of a keyframe chain is gone), and the decoded frames of
 * a file as digests, to compare pictures exactly.
 */
import { execFile } from 'node:child_process';
import { mkdir, mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { firstSampleIsSync } from '../../src/domain/fmp4FirstSample';
import { appendEntry, buildEndMarker, emptyManifest, entryFromSegment, serializeManifest, sha256Hex, type Manifest, type ManifestEntry } from '../../src/domain/manifest';
import { metadataName, segmentName } from '../../src/domain/objectNames';

const run = promisify(execFile);

/** Writes `manifest` (re-chained from its entries, as the recorder chains them) and an end.json that pins it. */
export async function writeChained(dir: string, manifest: Manifest, entries: readonly ManifestEntry[], endedAtMs: number): Promise<Manifest> {
  let rebuilt: Manifest = { ...manifest, entries: [] };
  for (const { prevEntrySha256: _prev, ...entry } of entries) rebuilt = appendEntry(rebuilt, entry);
  const body = serializeManifest(rebuilt);
  await writeFile(join(dir, 'manifest.json'), body);
  const end = buildEndMarker(rebuilt, { endedAtMs, reason: 'sentinel', leftInSpool: 0, manifestSha256: sha256Hex(body) });
  await writeFile(join(dir, 'end.json'), `${JSON.stringify(end, null, 2)}\n`);
  return rebuilt;
}

/** Each decoded frame's MD5 (FFmpeg's framemd5), in order; `files` decoded one after the other (concat demuxer) when several. */
export async function frameDigests(files: readonly string[]): Promise<string[]> {
  const dir = await mkdtemp(join(tmpdir(), 'frame-digests-'));
  try {
    const list = join(dir, 'list.ffconcat');
    await writeFile(list, `ffconcat version 1.0\n${files.map((f) => `file '${f}'\n`).join('')}`);
    const { stdout } = await run('ffmpeg', ['-v', 'error', '-f', 'concat', '-safe', '0', '-i', list, '-map', '0:v:0', '-f', 'framemd5', '-'], { maxBuffer: 64 * 1024 * 1024 });
    return stdout.split('\n').filter((l) => l !== '' && !l.startsWith('#')).map((l) => l.split(',').pop()?.trim() ?? '');
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

export interface TextChainOptions {
  readonly storeDir: string;
  /** `<stack>/<fleet>/<session>/` */
  readonly prefix: string;
  readonly startedAtMs: number;
  readonly segments: number;
  readonly seconds: number;
  /** Segment indexes (besides 0) that start with a keyframe. */
  readonly keyframeAt: readonly number[];
}

/**
 * A white 320x240 screen at 5 fps showing `clock NN` in large black monospace type, NN the whole
 * seconds since the session's start (00, 01, ...): which second a frame shows is readable by OCR.
 * Returns the manifest and the segment object names, in order.
 */
export async function writeTextChainSession(o: TextChainOptions): Promise<{ dir: string; manifest: Manifest; names: string[] }> {
  const work = await mkdtemp(join(tmpdir(), 'text-chain-'));
  try {
    const times = [0, ...o.keyframeAt.map((i) => i * o.seconds)].join(',');
    await run('ffmpeg', ['-hide_banner', '-v', 'error', '-f', 'lavfi', '-i', 'color=c=white:size=320x240:rate=5',
      '-vf', "drawtext=font=monospace:fontsize=36:fontcolor=black:x=20:y=90:text='clock %{eif\\:floor(t)\\:d\\:2}'",
      '-t', String(o.segments * o.seconds), '-c:v', 'libx264', '-preset', 'veryfast', '-tune', 'zerolatency',
      '-x264-params', 'keyint=infinite:scenecut=0', '-pix_fmt', 'yuv420p', '-force_key_frames', times,
      '-f', 'segment', '-segment_time', String(o.seconds), '-reset_timestamps', '1', '-break_non_keyframes', '1',
      '-segment_format', 'mp4', '-segment_format_options', 'movflags=+frag_keyframe+empty_moov+default_base_moof',
      join(work, 'seg-%05d.mp4')]);
    const files = (await readdir(work)).filter((f) => f.endsWith('.mp4')).sort();
    if (files.length !== o.segments) throw new Error(`FFmpeg wrote ${files.length} segments, expected ${o.segments}`);
    const dir = join(o.storeDir, o.prefix);
    await mkdir(dir, { recursive: true });
    const [stack, fleet, sessionId] = o.prefix.split('/');
    const metadata = Buffer.from(`${JSON.stringify({ sessionId, stack, fleet, user: 'erin', startedAt: new Date(o.startedAtMs).toISOString() })}\n`);
    await writeFile(join(dir, metadataName(o.startedAtMs)), metadata);
    const manifest: Manifest = { ...emptyManifest(o.prefix), metadata: [{ key: `${o.prefix}${metadataName(o.startedAtMs)}`, sha256: sha256Hex(metadata) }] };
    let entries: Manifest = manifest;
    const names: string[] = [];
    for (const [index, file] of files.entries()) {
      const bytes = await readFile(join(work, file));
      const startMs = o.startedAtMs + index * o.seconds * 1000;
      const name = segmentName(startMs);
      await writeFile(join(dir, name), bytes);
      names.push(name);
      const sync = firstSampleIsSync(bytes) === true;
      entries = appendEntry(entries, entryFromSegment({
        key: `${o.prefix}${name}`, runId: 'run-1', index, startMs, endMs: startMs + o.seconds * 1000, bytes: bytes.length,
        width: 320, height: 240, sha256: sha256Hex(bytes), ...(sync ? {} : { continuesPrevious: true }),
      }, true));
    }
    const written = await writeChained(dir, manifest, entries.entries, o.startedAtMs + o.segments * o.seconds * 1000);
    return { dir, manifest: written, names };
  } finally {
    await rm(work, { recursive: true, force: true });
  }
}

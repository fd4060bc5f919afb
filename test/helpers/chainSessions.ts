/**
 * For the readers' tests of sessions whose segments share keyframes (export, search): a session of
 * legible text made by real FFmpeg like sharedKeyframeSession.ts (segments cut on P-frames,
 * keyframes only where asked), a manifest rewritten with entries taken out and the chain re-linked
 * (a session that verifies although a link of a keyframe chain is gone), and the decoded frames of
 * a file as digests, to compare pictures exactly.
 */
import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { appendEntry, buildEndMarker, serializeManifest, sha256Hex, type Manifest, type ManifestEntry } from '../../src/domain/manifest';
import { writeSharedKeyframeSession } from './sharedKeyframeSession';

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
  const s = await writeSharedKeyframeSession({ ...o, width: 320, height: 240, fps: 5,
    picture: { source: 'color=c=white', filter: "drawtext=font=monospace:fontsize=36:fontcolor=black:x=20:y=90:text='clock %{eif\\:floor(t)\\:d\\:2}'" } });
  return { dir: s.dir, manifest: s.manifest, names: [...s.names] };
}

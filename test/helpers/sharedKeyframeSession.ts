/**
 * A session in a file:// store whose segments share keyframes, made by real FFmpeg: a test
 * pattern with a frame counter burned in, cut into `segments` segments of `seconds` each with
 * FFmpeg's segment muxer cutting on P-frames too (`break_non_keyframes`), a keyframe forced only
 * at the segments `keyframeAt` names (and the first). Laid out as the recorder does (metadata,
 * segments under their start-time names, manifest.json with `continuesPrevious` read from each
 * file, end.json), so verify, view, export and search read it like a recorded one.
 * The recorder's own long-GOP capture is tested with the recorder; this is for the readers.
 */
import { execFile } from 'node:child_process';
import { mkdir, mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { firstSampleIsSync } from '../../src/domain/fmp4FirstSample';
import { addMetadata, appendEntry, buildEndMarker, emptyManifest, entryFromSegment, serializeManifest, sha256Hex, type Manifest } from '../../src/domain/manifest';
import { metadataName, segmentName } from '../../src/domain/objectNames';

const run = promisify(execFile);

export interface SharedKeyframeOptions {
  readonly storeDir: string;
  /** `<stack>/<fleet>/<session>/` */
  readonly prefix: string;
  readonly startedAtMs: number;
  readonly segments: number;
  readonly seconds: number;
  /** Segment indexes (besides 0) that start with a keyframe. */
  readonly keyframeAt: readonly number[];
  readonly width?: number;
  readonly height?: number;
  readonly fps?: number;
  /** The picture: a lavfi source (at `width`x`height`, `fps`) and a filter on it; default testsrc2 (a frame counter). */
  readonly picture?: { readonly source: string; readonly filter?: string };
}

export interface SharedKeyframeSession {
  readonly dir: string;
  readonly manifest: Manifest;
  /** Object names of the segments, in order. */
  readonly names: readonly string[];
  /** Per segment: whether its first frame is a keyframe (read back from the file). */
  readonly keyframe: readonly boolean[];
}

export async function writeSharedKeyframeSession(o: SharedKeyframeOptions): Promise<SharedKeyframeSession> {
  const width = o.width ?? 320;
  const height = o.height ?? 240;
  const fps = o.fps ?? 5;
  const work = await mkdtemp(join(tmpdir(), 'shared-kf-'));
  try {
    const times = [0, ...o.keyframeAt.map((i) => i * o.seconds)].join(',');
    const source = o.picture?.source ?? 'testsrc2';
    await run('ffmpeg', ['-hide_banner', '-v', 'error', '-f', 'lavfi', '-i', `${source}${source.includes('=') ? ':' : '='}size=${width}x${height}:rate=${fps}`,
      ...(o.picture?.filter === undefined ? [] : ['-vf', o.picture.filter]), '-t', String(o.segments * o.seconds), '-c:v', 'libx264', '-preset', 'veryfast', '-tune', 'zerolatency',
      '-x264-params', 'keyint=infinite:scenecut=0', '-pix_fmt', 'yuv420p', '-force_key_frames', times,
      '-f', 'segment', '-segment_time', String(o.seconds), '-reset_timestamps', '1', '-break_non_keyframes', '1',
      '-segment_format', 'mp4', '-segment_format_options', 'movflags=+frag_keyframe+empty_moov+default_base_moof',
      join(work, 'seg-%05d.mp4')]);
    const files = (await readdir(work)).filter((f) => f.endsWith('.mp4')).sort();
    if (files.length !== o.segments) throw new Error(`FFmpeg wrote ${files.length} segments, expected ${o.segments}`);
    const dir = join(o.storeDir, o.prefix);
    await mkdir(dir, { recursive: true });
    const metadata = Buffer.from(`${JSON.stringify({ sessionId: o.prefix.split('/')[2], stack: o.prefix.split('/')[0], fleet: o.prefix.split('/')[1], user: 'dana', startedAt: new Date(o.startedAtMs).toISOString() })}\n`);
    await writeFile(join(dir, metadataName(o.startedAtMs)), metadata);
    let manifest = addMetadata(emptyManifest(o.prefix), { key: `${o.prefix}${metadataName(o.startedAtMs)}`, sha256: sha256Hex(metadata) });
    const names: string[] = [];
    const keyframe: boolean[] = [];
    for (const [index, file] of files.entries()) {
      const bytes = await readFile(join(work, file));
      const startMs = o.startedAtMs + index * o.seconds * 1000;
      const name = segmentName(startMs);
      await writeFile(join(dir, name), bytes);
      names.push(name);
      const sync = firstSampleIsSync(bytes) === true;
      keyframe.push(sync);
      manifest = appendEntry(manifest, entryFromSegment({
        key: `${o.prefix}${name}`, runId: 'run-1', index, startMs, endMs: startMs + o.seconds * 1000, bytes: bytes.length,
        width, height, sha256: sha256Hex(bytes), ...(sync ? {} : { continuesPrevious: true }),
      }, true));
    }
    const body = serializeManifest(manifest);
    await writeFile(join(dir, 'manifest.json'), body);
    const end = buildEndMarker(manifest, { endedAtMs: o.startedAtMs + o.segments * o.seconds * 1000, reason: 'sentinel', leftInSpool: 0, manifestSha256: sha256Hex(body) });
    await writeFile(join(dir, 'end.json'), `${JSON.stringify(end, null, 2)}\n`);
    return { dir, manifest, names, keyframe };
  } finally {
    await rm(work, { recursive: true, force: true });
  }
}

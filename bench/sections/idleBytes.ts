/**
 * Issue 16: bytes per idle hour, on the recorder's real path. The built recorder (`node dist/cli.js
 * record`, its defaults, 60 s segments, file:// destination) records the idle scene (a clock that
 * changes once a second, a page of text that never changes: a user reading) for a few whole
 * segments. Each whole segment's bytes are split into keyframes, frames carrying a change (the
 * clock), heartbeat frames (an unchanged screen repeated so fragments keep flushing) and container
 * overhead (ftyp/moov per file, a moof and an mdat header per fragment), and projected to an hour;
 * with the same split, the hour at longer segments (one keyframe and one moov per segment).
 * The same again on `idle-minutes` (the idle scene whose clock shows no second hand, like a taskbar
 * clock): what the goal would cost on a screen whose only change comes once a minute.
 */
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { BenchContext, SectionResult } from '../lib/context';
import { mp4Boxes, splitIdle, videoPackets, type IdleSplit } from '../lib/mp4Bytes';
import { RecorderRun } from '../lib/recorder';
import { startScene, type SceneName } from '../lib/scene';
import { median, round } from '../lib/stats';

const SEGMENT_S = 60;
/** Non-key frames below this size are heartbeats (all macroblocks skipped); see splitIdle. */
const HEARTBEAT_BELOW = 200;

function mp4Files(dir: string): string[] {
  const out: string[] = [];
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    if (e.isDirectory()) out.push(...mp4Files(p));
    else if (e.name.endsWith('.mp4')) out.push(p);
  }
  return out.sort();
}

/** The idle scene (the goal's) and the same screen with a clock showing minutes only. */
const SCENES: readonly SceneName[] = ['idle', 'idle-minutes'];

export async function idleBytesSection(ctx: BenchContext): Promise<SectionResult> {
  const rows: Array<[string, string, string]> = [];
  const data: Record<string, unknown> = { segmentSeconds: SEGMENT_S, heartbeatBelow: HEARTBEAT_BELOW };
  for (const name of SCENES) {
    const one = await idleBytesOf(ctx, name);
    rows.push(...one.rows);
    data[name] = one.segments;
  }
  return { name: 'idlebytes', rows, data };
}

async function idleBytesOf(ctx: BenchContext, sceneName: SceneName): Promise<{ rows: Array<[string, string, string]>; segments: unknown }> {
  const segments = ctx.options.quick ? 2 : 4;
  const work = join(ctx.work, `idlebytes-${sceneName}`);
  const dest = join(work, 'dest');
  const scene = await startScene(ctx.x, sceneName, 3000);
  let run: RecorderRun | undefined;
  try {
    run = new RecorderRun({ work, destination: `file://${dest}`, env: process.env, display: ctx.x.display, segmentSeconds: SEGMENT_S, frameRate: ctx.options.frameRate });
    await run.waitFor('ffmpeg.started', (l) => l.msg === 'ffmpeg.started', 30_000);
    ctx.log(`idlebytes: recording ${segments} whole ${SEGMENT_S} s segments of the ${sceneName} scene (+ the one cut by the end)`);
    const r = run;
    await r.waitFor(`${segments} segments closed`, () => r.count('segment.closed') >= segments, (segments + 1) * SEGMENT_S * 1000 + 60_000);
    run.writeSentinel();
    const exit = await run.exited;
    if (exit.code !== 0) throw new Error(`recorder exited ${exit.code}: ${run.stderr.slice(-2000)}`);
  } finally {
    run?.kill();
    await scene.stop();
  }
  const whole: Array<{ file: string; seconds: number; split: IdleSplit; sizes: number[] }> = [];
  for (const file of mp4Files(dest)) {
    const packets = await videoPackets(file);
    const seconds = packets.length > 1 ? (packets[packets.length - 1]?.ptsS ?? 0) - (packets[0]?.ptsS ?? 0) : 0;
    if (seconds < SEGMENT_S - 2) continue; // the segment cut by the end of the recording
    whole.push({ file, seconds, split: splitIdle(packets, mp4Boxes(file), statSync(file).size, HEARTBEAT_BELOW), sizes: packets.filter((p) => !p.key).map((p) => p.bytes) });
  }
  if (whole.length === 0) throw new Error(`idlebytes (${sceneName}): no whole ${SEGMENT_S} s segment in ${dest}`);
  const perSeg = (f: (s: IdleSplit) => number) => median(whole.map((w) => f(w.split)));
  const perHourMB = (bytesPerSegment: number, segmentS = SEGMENT_S) => (bytesPerSegment * 3600) / segmentS / 1e6;
  const key = perSeg((s) => s.keyframes.bytes);
  const changes = perSeg((s) => s.changes.bytes);
  const beats = perSeg((s) => s.heartbeats.bytes);
  const container = perSeg((s) => s.container.bytes);
  const file = perSeg((s) => s.fileBytes);
  const frags = perSeg((s) => s.container.fragments);
  // Per file (ftyp + moov: the first fragment-less part) vs per fragment (moof + mdat header).
  const perFile = median(whole.map((w) => { const b = mp4Boxes(w.file).bytes; return (b['ftyp'] ?? 0) + (b['moov'] ?? 0); }));
  const perFragmentBytes = frags > 0 ? (container - perFile) / frags : Number.NaN;
  const beatSizes = whole.flatMap((w) => w.sizes.filter((s) => s < HEARTBEAT_BELOW));
  const changeSizes = whole.flatMap((w) => w.sizes.filter((s) => s >= HEARTBEAT_BELOW));
  const label = `idlebytes ${sceneName}`;
  const rows: Array<[string, string, string]> = [
    [`${label}: MB per idle hour at ${SEGMENT_S} s segments`, `${round(perHourMB(file), 2)}`, `goal ≤ 1 MB/h; median of ${whole.length} whole segments of ${round(median(whole.map((w) => w.seconds)), 1)} s`],
    [`${label}: keyframes`, `${round(perHourMB(key), 2)} MB/h`, `${round(key / 1e3, 1)} KB each, one per segment`],
    [`${label}: frames with a change (the clock)`, `${round(perHourMB(changes), 2)} MB/h`, `${round(perSeg((s) => s.changes.count), 0)} per segment, ${changeSizes.length === 0 ? 'none' : `median ${round(median(changeSizes), 0)} bytes (min ${Math.min(...changeSizes)})`}`],
    [`${label}: heartbeat frames (unchanged screen)`, `${round(perHourMB(beats), 2)} MB/h`, `${round(perSeg((s) => s.heartbeats.count), 0)} per segment, ${beatSizes.length === 0 ? 'none' : `median ${round(median(beatSizes), 0)} bytes (max ${Math.max(...beatSizes)})`}; non-key frames under ${HEARTBEAT_BELOW} bytes`],
    [`${label}: container (ftyp+moov per file, moof+mdat header per fragment)`, `${round(perHourMB(container), 2)} MB/h`, `${round(perFile, 0)} bytes per file, ${round(perFragmentBytes, 0)} bytes per fragment, ${round(frags, 0)} fragments per segment`],
  ];
  for (const segmentS of [300, 600, 1800, 3600]) {
    const fixed = key + perFile;
    const projected = perHourMB(fixed, segmentS) + perHourMB(file - fixed);
    rows.push([`${label}: projected MB per idle hour at ${segmentS} s segments`, `${round(projected, 2)}`, 'one keyframe + ftyp/moov per segment; changes, heartbeats and fragments as measured']);
  }
  return { rows, segments: whole.map((w) => ({ file: w.file, seconds: w.seconds, split: w.split })) };
}

/**
 * Issue 16: bytes per idle hour, on the recorder's real path. The built recorder (`node dist/cli.js
 * record`, its defaults, 60 s segments, file:// destination) records the idle scene (a clock that
 * changes once a second, a page of text that never changes: a user reading), and `idle-minutes`
 * (the same screen whose clock shows no second hand, like a taskbar clock), each long enough for
 * one whole keyframe cycle: segments share a keyframe (ffmpegArgs.ts `keyframeSharing`), so an
 * hour's bytes are those of the segments from one keyframe-led segment to the next, scaled to an
 * hour, not one segment's. The bytes are split into keyframes, frames carrying a change (the
 * clock), heartbeat frames (an unchanged screen repeated) and container overhead (ftyp/moov per
 * file, a moof and an mdat header per fragment).
 */
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { BenchContext, SectionResult } from '../lib/context';
import { mp4Boxes, splitIdle, videoPackets, type IdleSplit } from '../lib/mp4Bytes';
import { RecorderRun } from '../lib/recorder';
import { startScene, type SceneName } from '../lib/scene';
import { median, round } from '../lib/stats';
import { defaultKeyframeSeconds } from '../../src/adapters/ffmpegArgs';

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

/**
 * The idle scene (the goal's) and the same screen with a clock showing minutes only, each with the
 * whole segments to record: a keyframe cycle and one more (the second hand's ~67 frames a minute
 * bring a keyframe back after ~5 segments, 300 frames; the minute clock's ~7 only after 15 minutes).
 */
const SCENES: ReadonlyArray<{ readonly name: SceneName; readonly segments: number }> = [
  { name: 'idle', segments: 7 },
  { name: 'idle-minutes', segments: Math.ceil(defaultKeyframeSeconds / SEGMENT_S) + 2 },
];

export async function idleBytesSection(ctx: BenchContext): Promise<SectionResult> {
  const rows: Array<[string, string, string]> = [];
  const data: Record<string, unknown> = { segmentSeconds: SEGMENT_S, heartbeatBelow: HEARTBEAT_BELOW, keyframeSeconds: defaultKeyframeSeconds };
  for (const scene of SCENES) {
    const one = await idleBytesOf(ctx, scene.name, ctx.options.quick ? 3 : scene.segments);
    rows.push(...one.rows);
    data[scene.name] = one.segments;
  }
  return { name: 'idlebytes', rows, data };
}

interface WholeSegment { readonly file: string; readonly seconds: number; readonly keyframeLed: boolean; readonly split: IdleSplit; readonly sizes: number[] }

/** The segments from the first keyframe-led one up to the next (excluded); all from the first when no second came. */
function keyframeCycle(whole: readonly WholeSegment[]): { readonly cycle: readonly WholeSegment[]; readonly closed: boolean } {
  const first = whole.findIndex((w) => w.keyframeLed);
  if (first < 0) return { cycle: [], closed: false };
  const next = whole.findIndex((w, i) => i > first && w.keyframeLed);
  return next < 0 ? { cycle: whole.slice(first), closed: false } : { cycle: whole.slice(first, next), closed: true };
}

async function idleBytesOf(ctx: BenchContext, sceneName: SceneName, segments: number): Promise<{ rows: Array<[string, string, string]>; segments: unknown }> {
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
  const whole: WholeSegment[] = [];
  for (const file of mp4Files(dest)) {
    const packets = await videoPackets(file);
    const seconds = packets.length > 1 ? (packets[packets.length - 1]?.ptsS ?? 0) - (packets[0]?.ptsS ?? 0) : 0;
    if (seconds < SEGMENT_S - 2) continue; // the segment cut by the end of the recording
    whole.push({ file, seconds: SEGMENT_S, keyframeLed: packets[0]?.key === true,
      split: splitIdle(packets, mp4Boxes(file), statSync(file).size, HEARTBEAT_BELOW), sizes: packets.filter((p) => !p.key).map((p) => p.bytes) });
  }
  const { cycle, closed } = keyframeCycle(whole);
  if (cycle.length === 0) throw new Error(`idlebytes (${sceneName}): no whole keyframe-led ${SEGMENT_S} s segment in ${dest}`);
  const seconds = cycle.reduce((s, w) => s + w.seconds, 0);
  const total = (f: (s: IdleSplit) => number) => cycle.reduce((s, w) => s + f(w.split), 0);
  const perHourMB = (bytes: number) => (bytes * 3600) / seconds / 1e6;
  const key = total((s) => s.keyframes.bytes);
  const keyCount = total((s) => s.keyframes.count);
  const frags = total((s) => s.container.fragments);
  const perFile = median(cycle.map((w) => { const b = mp4Boxes(w.file).bytes; return (b['ftyp'] ?? 0) + (b['moov'] ?? 0); }));
  const beatSizes = cycle.flatMap((w) => w.sizes.filter((x) => x < HEARTBEAT_BELOW));
  const changeSizes = cycle.flatMap((w) => w.sizes.filter((x) => x >= HEARTBEAT_BELOW));
  const continuing = cycle.filter((w) => !w.keyframeLed).map((w) => w.split.fileBytes);
  const label = `idlebytes ${sceneName}`;
  const cycleNote = closed ? `one keyframe cycle: ${cycle.length} segments (${round(seconds / 60, 0)} min) from a keyframe-led one to the next`
    : `${cycle.length} segments from a keyframe-led one; no second keyframe within the recording (the cycle is longer: an upper bound)`;
  const rows: Array<[string, string, string]> = [
    [`${label}: MB per idle hour at ${SEGMENT_S} s segments`, `${round(perHourMB(total((s) => s.fileBytes)), 2)}`, `goal ≤ 1 MB/h; ${cycleNote}`],
    [`${label}: keyframes`, `${round(perHourMB(key), 2)} MB/h`, `${round(keyCount, 0)} in the cycle, ${round(key / Math.max(1, keyCount) / 1e3, 1)} KB each`],
    [`${label}: segments continuing a keyframe`, `${continuing.length} of ${cycle.length}`, continuing.length === 0 ? 'none' : `median ${round(median(continuing) / 1e3, 1)} KB each (a keyframe-led one: ${round(cycle[0]!.split.fileBytes / 1e3, 1)} KB)`],
    [`${label}: frames with a change (the clock)`, `${round(perHourMB(total((s) => s.changes.bytes)), 2)} MB/h`, `${round(total((s) => s.changes.count) / cycle.length, 0)} per segment, ${changeSizes.length === 0 ? 'none' : `median ${round(median(changeSizes), 0)} bytes (min ${Math.min(...changeSizes)})`}`],
    [`${label}: heartbeat frames (unchanged screen)`, `${round(perHourMB(total((s) => s.heartbeats.bytes)), 2)} MB/h`, `${round(total((s) => s.heartbeats.count) / cycle.length, 0)} per segment, ${beatSizes.length === 0 ? 'none' : `median ${round(median(beatSizes), 0)} bytes (max ${Math.max(...beatSizes)})`}; non-key frames under ${HEARTBEAT_BELOW} bytes`],
    [`${label}: container (ftyp+moov per file, moof+mdat header per fragment)`, `${round(perHourMB(total((s) => s.container.bytes)), 2)} MB/h`, `${round(perFile, 0)} bytes per file, ${round(frags / cycle.length, 0)} fragments per segment`],
  ];
  return { rows, segments: whole.map((w) => ({ file: w.file, seconds: w.seconds, keyframeLed: w.keyframeLed, split: w.split })) };
}

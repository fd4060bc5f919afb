import { rename, rm } from 'node:fs/promises';
import { runToEnd } from './ffmpegProcess';
import type { SegmentStillMarks } from './stillMarks';

/**
 * The segment journal: beside each MP4 segment FFmpeg writes the same packets into an MPEG-TS file,
 * `seg-NNNNN.ts`, flushed at every packet, and the MP4 itself gets one fragment per segment.
 *
 * Why: the MP4 muxer writes a frame only when the packet after it arrives (it then knows the
 * frame's duration), so the newest frame of a killed FFmpeg is lost, and a crash loses the time
 * since the newest frame. Keeping that under 1 s on a still screen took a heartbeat frame more
 * often than the screen changed: on a screen where only a clock ticks once a second, two encoded
 * frames a second instead of one. The TS muxer writes each packet the moment it gets it, so with
 * the journal a heartbeat of 1 s loses at most 1 s minus one tick. And one fragment per segment
 * instead of one per frame saves ~108 bytes a frame in every uploaded file (BENCHMARKS.md, issue 16,
 * seventh round). Since the ninth round the damage grabber sends no heartbeat at all: its still
 * marks (stillMarks.ts) say until when the newest frame was on screen, and the rebuild lasts it
 * until then.
 *
 * A segment FFmpeg listed as closed is a complete MP4: its journal is deleted. The segment a killed
 * FFmpeg left open is rebuilt from its journal (`recoverFromJournal`): the same H.264 packets
 * copied into the same fragmented MP4 the recorder uploads, the last frame lasting one tick, or
 * as the still marks say (`lastFrameDuration`).
 */

export const journalExtension = 'ts';

/** The MP4 segments' flags, also those of a segment rebuilt from its journal: one fragment each. */
const segmentMovflags = '+frag_keyframe+empty_moov+default_base_moof';

/** FFmpeg's tee muxer: how a value is escaped at one level of its parsing (av_get_token). */
function escapeLevel(value: string, specials: string): string {
  return value.replace(new RegExp(`[\\\\'${specials}]`, 'g'), (c) => `\\${c}`);
}

/** One tee slave: `[k=v:k=v]file`, escaped for both levels (the slave list, then its options). */
function teeSlave(options: ReadonlyArray<readonly [string, string]>, file: string): string {
  const opts = options.map(([k, v]) => `${k}=${escapeLevel(v, ':|\\[\\]')}`).join(':');
  return escapeLevel(`[${opts}]${file}`, '|');
}

export interface JournaledSegmentOptions {
  readonly segmentSeconds: number;
  readonly segmentListPath: string;
  /** `<runDir>/seg-%05d` without an extension. */
  readonly filePatternStem: string;
  /** Map the first input's video (the tee muxer takes no stream by itself); false when a filter graph maps its output. */
  readonly mapVideo: boolean;
  /**
   * Segments share keyframes (ffmpegArgs.ts `keyframeSharing`): both cut on any frame at the
   * boundary (`break_non_keyframes`), and the journal carries the parameter sets (SPS/PPS) in every
   * packet (`dump_extra`): a journal that starts with a P-frame has none otherwise, and its rebuild
   * failed ("dimensions not set", measured). A few dozen bytes a frame, in a file deleted at upload.
   */
  readonly sharedKeyframes?: boolean;
}

/**
 * Output part: `-flags +global_header` (the MP4 needs the parameter sets before the first packet;
 * the TS muxer repeats them at every keyframe) and the tee muxer writing the MP4 segments, with
 * their CSV list, and the TS journal beside them. Both cut at the same frames.
 */
export function buildJournaledSegmentArgs(options: JournaledSegmentOptions): string[] {
  const common: Array<[string, string]> = [['f', 'segment'], ['segment_time', String(options.segmentSeconds)], ['reset_timestamps', '1'],
    ...(options.sharedKeyframes === true ? [['break_non_keyframes', '1'] as [string, string]] : [])];
  const mp4 = teeSlave([...common, ['segment_list', options.segmentListPath], ['segment_list_type', 'csv'],
    ['segment_format', 'mp4'], ['segment_format_options', `movflags=${segmentMovflags}`]],
  `${options.filePatternStem}.mp4`);
  // flush_packets=1 on the inner muxer: each packet reaches the file at once (facts.md).
  const journal = teeSlave([...(options.sharedKeyframes === true ? [['bsfs/v', 'dump_extra=freq=all'] as [string, string]] : []), ...common, ['segment_format', 'mpegts'], ['segment_format_options', 'flush_packets=1']],
    `${options.filePatternStem}.${journalExtension}`);
  return [...(options.mapVideo ? ['-map', '0:v:0'] : []), '-flags', '+global_header', '-f', 'tee', `${mp4}|${journal}`];
}

/** The journal of a segment file: `seg-00003.mp4` → `seg-00003.ts`. */
export function journalPathOf(segmentPath: string): string {
  return segmentPath.replace(/\.[a-z0-9]+$/, `.${journalExtension}`);
}

export type JournalRecovery = { readonly ok: true } | { readonly ok: false; readonly reason: string };

/**
 * The `setts` duration expression of a rebuild: every packet lasts until the next; the last one
 * (the TS container has no durations) one tick at `frameRate`, or, with the grabber's still marks,
 * until the screen was last seen unchanged: to `stillThroughSeconds` if it is the frame the marks
 * name (the grabber wrote nothing after it), else to `frameSeconds` (a newer frame was written but
 * never reached the journal: the last one held lasted until that one began). Never less than a tick.
 */
export function lastFrameDuration(frameRate: number, marks?: SegmentStillMarks | null): string {
  const tick = `1/(${frameRate}*TB)`;
  if (!marks) return `if(eq(NEXT_PTS\\,NOPTS)\\,${tick}\\,NEXT_PTS-PTS)`;
  const at = '(PTS-STARTPTS)';
  // Half a tick of tolerance: the journal's times went through 90 kHz, the marks are in ms.
  const isMarkedFrame = `gte(${at}\\,${seconds(marks.frameSeconds - 0.5 / frameRate)}/TB)`;
  const end = `if(${isMarkedFrame}\\,${seconds(marks.stillThroughSeconds)}/TB\\,${seconds(marks.frameSeconds)}/TB)`;
  return `if(eq(NEXT_PTS\\,NOPTS)\\,max(${tick}\\,${end}-${at})\\,NEXT_PTS-PTS)`;
}

/** Seconds as FFmpeg's expression parser reads them (no exponent). */
function seconds(value: number): string {
  return value.toFixed(6);
}

/**
 * Rebuilds `segmentPath` (an MP4) from its journal: every packet copied, timestamps kept, the last
 * frame lasting as `lastFrameDuration` says. Written beside, then renamed over the segment: a crash
 * in between leaves the journal and the old file as they were. The journal is left in place: the
 * caller deletes it once the segment is in its hands.
 */
export async function recoverFromJournal(ffmpegPath: string, journalPath: string, segmentPath: string, frameRate: number,
  marks?: SegmentStillMarks | null): Promise<JournalRecovery> {
  const temp = `${segmentPath}.recovering`;
  // -copyinkf: a stream copy drops the packets before the first keyframe by default, which is the
  // whole of a journal that continues the segment before it (shared keyframes): an empty rebuild.
  const args = ['-hide_banner', '-v', 'error', '-nostdin', '-y', '-f', 'mpegts', '-i', journalPath, '-map', '0:v:0', '-c', 'copy', '-copyinkf',
    '-bsf:v', `setts=duration=${lastFrameDuration(frameRate, marks)}`,
    '-f', 'mp4', '-movflags', segmentMovflags, temp];
  const run = await runToEnd(ffmpegPath, args, { timeoutMs: 60_000, tool: 'FFmpeg' });
  if (run.code !== 0) {
    await rm(temp, { force: true }).catch(() => undefined);
    const said = run.stderrTail.trim().split('\n').pop();
    return { ok: false, reason: run.startFailure ?? (run.timedOut ? 'timed out after 60 s' : said || `exit ${run.code ?? run.signal}`) };
  }
  await rename(temp, segmentPath);
  return { ok: true };
}

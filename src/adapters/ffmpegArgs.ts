import type { DisplayLayout } from '../domain/displayLayout';
import { defaultEncoderSettings, keptFrameDurationFilter, unchangedFrameFilter, type EncoderSettings } from './encoderSettings';
import { buildJournaledSegmentArgs } from './segmentJournal';

/**
 * FFmpeg argument builders: pure data, no I/O. The capture source (platform) is a parameter, so
 * every platform's command line can be built and tested anywhere.
 */

/** Where the pixels come from. */
export type CaptureSource =
  /** Linux/X11: the whole virtual screen of `display` (for example ":99"). */
  | { readonly kind: 'x11grab'; readonly display: string }
  /**
   * Linux/X11 through the damage grabber (native/damage-grab, the default): it reads only what
   * changed and writes only changed frames (and one every stillFrameSeconds) as IVF into FFmpeg's
   * fd 3. `grabberPath` is the built executable; `scanSeconds`/`noDamage` tune its safety scan.
   */
  | { readonly kind: 'x11damage'; readonly display: string; readonly grabberPath: string; readonly scanSeconds?: number; readonly noDamage?: boolean }
  /** Windows: the `desktop` device, cropped to the virtual screen (offsets can be negative). */
  | { readonly kind: 'gdigrab' }
  /**
   * macOS: one AVFoundation screen device, by index or name (default "Capture screen 0"); or, with
   * no device and a layout composed per monitor (the macOS probe's), every screen: one input per
   * monitor, each scaled into its box and stacked into one picture of the layout's size.
   */
  | { readonly kind: 'avfoundation'; readonly device?: string }
  /** A moving test pattern (`testsrc2`) at the layout's size, paced in real time: demos, benchmarks. */
  | { readonly kind: 'lavfi' };

export type CaptureSourceKind = CaptureSource['kind'];

/** The `--display` value meaning "every screen" for avfoundation (the default on macOS). */
export const AVFOUNDATION_ALL_SCREENS = 'all screens';

// The encoder's settings live in encoderSettings.ts; re-exported for the builders' callers.
export { defaultEncoderSettings, keptFrameDurationFilter, unchangedFrameFilter, type EncoderSettings } from './encoderSettings';


/** `-vf` for sources without a filter of their own (file inputs in the bench too). */
export function buildOutputFilterArgs(encoder: Partial<EncoderSettings> | undefined, frameRate: number): string[] {
  const e = { ...defaultEncoderSettings, ...encoder };
  return e.dropUnchanged ? ['-vf', unchangedFrameFilter(frameRate, e.stillFrameSeconds)] : [];
}

/**
 * Segment container. `mp4` is fragmented MP4 (plays natively in browsers; a killed FFmpeg leaves
 * every fragment written so far playable). `mpegts` is crash-safe too but browsers cannot play it.
 */
export type SegmentContainer = 'mp4' | 'mpegts';

export const segmentExtension: Readonly<Record<SegmentContainer, string>> = { mp4: 'mp4', mpegts: 'ts' };

export interface CaptureArgsOptions {
  readonly source: CaptureSource;
  readonly layout: DisplayLayout;
  /** Frames per second, e.g. 5. */
  readonly frameRate: number;
  /** Nominal segment length in seconds; every segment starts with a forced keyframe unless `keyframeSeconds` says otherwise. */
  readonly segmentSeconds: number;
  /**
   * The damage grabber's input only: the longest one keyframe is shared by consecutive segments
   * (`keyframeSharing`, below); default `defaultKeyframeSeconds`. At most `segmentSeconds`: every
   * segment starts with its own keyframe (and every other source always does).
   */
  readonly keyframeSeconds?: number;
  /** Absolute run directory: the segments are written there. */
  readonly runDir: string;
  /**
   * Where FFmpeg lists the closed segments (CSV). The recorder keeps it apart from the media
   * (`spoolRun.segmentListPath`); default `<runDir>/segments.csv` (benchmarks, tools).
   */
  readonly segmentListPath?: string;
  readonly encoder?: Partial<EncoderSettings>;
  /** Default `mp4` (fragmented). */
  readonly container?: SegmentContainer;
  /**
   * fMP4 only: the segment journal (segmentJournal.ts), default true. FFmpeg also writes every
   * packet into `seg-NNNNN.ts` the moment it is encoded, the recorder rebuilds a killed FFmpeg's
   * open segment from it, and each MP4 is one fragment. Without it (`false`: benchmarks of the
   * previous designs) the MP4 alone carries the crash budget, with `fragmentSeconds` and
   * `fragmentEveryFrame` below.
   */
  readonly journal?: boolean;
  /** fMP4 without the journal: a fragment at least every this many seconds (default 1). */
  readonly fragmentSeconds?: number;
  /**
   * fMP4 without the journal: a fragment per frame (`+frag_every_frame`), default true. The MP4
   * muxer writes a fragment when the packet after it arrives, so each frame is on disk once the
   * next one is encoded instead of up to `fragmentSeconds` later; one moof (~108 bytes) a frame.
   */
  readonly fragmentEveryFrame?: boolean;
}

/**
 * Default `keyframeSeconds`: 15 minutes. On a still 1080p screen a keyframe is ~130 KB and
 * everything else a minute a few KB, so one keyframe a minute is 7.8 MB per idle hour; one per 15
 * minutes is ~0.5 MB (issue 16's goal: at most 1 MB). What it costs: a segment that lost its
 * keyframe-led predecessor cannot be decoded (verify names it: `segment-undecodable`), so this also
 * bounds how much video one lost segment can take with it; and a reader decodes from the chain's
 * start (at most a segment's worth of frames more, `keyframeSharing`).
 */
export const defaultKeyframeSeconds = 900;

/**
 * When segments share keyframes (the damage grabber's input with `keyframeSeconds` longer than a
 * segment): FFmpeg cuts at every boundary on whatever frame is there (`break_non_keyframes`: the
 * grabber writes one exactly at each boundary), and a boundary frame is a keyframe only when a
 * segment's worth of frames (frameRate * segmentSeconds) was encoded since the last keyframe, or
 * `keyframeSeconds` passed. So a busy screen keeps a keyframe at each segment start (decoding any
 * segment needs at most the frames of about one segment before it), and a still one, a handful of
 * frames a minute, shares one for `keyframeSeconds`.
 */
export function keyframeSharing(options: Pick<CaptureArgsOptions, 'source' | 'segmentSeconds' | 'frameRate' | 'keyframeSeconds' | 'container' | 'journal'>):
  { readonly keyframeSeconds: number; readonly framesPerKeyframe: number } | null {
  const keyframeSeconds = options.keyframeSeconds ?? defaultKeyframeSeconds;
  if (options.source.kind !== 'x11damage' || !journaled(options) || keyframeSeconds <= options.segmentSeconds) return null;
  return { keyframeSeconds, framesPerKeyframe: Math.max(1, Math.round(options.frameRate * options.segmentSeconds)) };
}

/**
 * `-force_key_frames`: a keyframe at each segment start, or with sharing the rule above. FFmpeg's
 * expression sees t (seconds from the first frame, exact to the ms with `-enc_time_base 1:1000`), n
 * (frames encoded) and the last forced keyframe's t and n; the first frame is forced so that those
 * are set. Half a tick of tolerance on the time: t goes through a double.
 */
export function forceKeyFramesExpr(segmentSeconds: number, sharing: ReturnType<typeof keyframeSharing>, tickRate: number | null): string {
  if (sharing === null) return `expr:gte(t,n_forced*${segmentSeconds})`;
  const boundary = `eq(mod(round(t*1000),${Math.round(segmentSeconds * 1000)}),0)`;
  const due = `gte(n-prev_forced_n,${sharing.framesPerKeyframe})+gte(t-prev_forced_t,${sharing.keyframeSeconds - 0.5 / (tickRate ?? 5)})`;
  return `expr:if(eq(n,0),1,${boundary}*(${due}))`;
}

/** The size actually encoded: H.264 4:2:0 needs even dimensions, so an odd edge loses one pixel. */
export function encodedSize(layout: Pick<DisplayLayout, 'width' | 'height'>): { width: number; height: number } {
  return { width: layout.width - (layout.width % 2), height: layout.height - (layout.height % 2) };
}

/** The segment file pattern FFmpeg fills in, relative to the run directory. */
export function segmentPattern(container: SegmentContainer): string {
  return `seg-%05d.${segmentExtension[container]}`;
}

/** Input part: `-f <device> ... -i <what>`. Grabs exactly the encoded (even) area where the API allows. */
export function buildInputArgs(source: CaptureSource, layout: DisplayLayout, frameRate: number): string[] {
  const { width, height } = encodedSize(layout);
  const rate = String(frameRate);
  switch (source.kind) {
    case 'x11grab':
      return ['-f', 'x11grab', '-framerate', rate, '-draw_mouse', '1', '-video_size', `${width}x${height}`,
        '-i', `${source.display}+${layout.x},${layout.y}`];
    case 'x11damage':
      // IVF from the grabber: I420, pts in epoch ms (so `start:` is the first frame's wall clock).
      // No probing: the header says all (size, I420, time base). FFmpeg's default probe (5 MB)
      // held the first frames unencoded until enough bytes came: 7.2 s at 640x480 with a 0.8 s
      // heartbeat (1.6 s at 1080p), all lost to a crash then; with these, 0.14 s. (Without
      // heartbeats it would now hold them until the screen changed.)
      return ['-probesize', '32', '-analyzeduration', '0', '-f', 'ivf', '-i', 'pipe:3'];
    case 'gdigrab':
      return ['-f', 'gdigrab', '-framerate', rate, '-draw_mouse', '1', '-offset_x', String(layout.x),
        '-offset_y', String(layout.y), '-video_size', `${width}x${height}`, '-i', 'desktop'];
    case 'avfoundation':
      if (composesScreens(source, layout)) {
        return layout.monitors.flatMap((_, i) => ['-f', 'avfoundation', '-framerate', rate, '-capture_cursor', '1',
          '-pixel_format', 'bgr0', '-i', `Capture screen ${i}:none`]);
      }
      // The device decides the size (Retina screens capture at pixel size): crop to even below.
      return ['-f', 'avfoundation', '-framerate', rate, '-capture_cursor', '1', '-pixel_format', 'bgr0',
        '-i', `${source.device ?? 'Capture screen 0'}:none`];
    case 'lavfi':
      return ['-re', '-f', 'lavfi', '-i', `testsrc2=size=${width}x${height}:rate=${rate}`];
    default:
      return source satisfies never;
  }
}

function composesScreens(source: CaptureSource, layout: DisplayLayout): boolean {
  return source.kind === 'avfoundation' && source.device === undefined && layout.composedFromMonitors === true && layout.monitors.length > 0;
}

/**
 * Video filters: only avfoundation, whose size is not known in advance, needs one. A single device
 * is cropped to even; every screen is scaled into its monitor's box (aspect kept, padded black:
 * a Retina screen's pixels become its points) and stacked at the monitor's place.
 */
export function buildFilterArgs(source: CaptureSource, layout: DisplayLayout, encoder?: Partial<EncoderSettings>, frameRate = 5): string[] {
  const e = { ...defaultEncoderSettings, ...encoder };
  const drop = e.dropUnchanged ? `,${unchangedFrameFilter(frameRate, e.stillFrameSeconds)}` : '';
  // The damage grabber sends only changed frames (and those around segment boundaries): nothing to drop.
  if (source.kind === 'x11damage') return [];
  if (source.kind !== 'avfoundation') return buildOutputFilterArgs(encoder, frameRate);
  if (!composesScreens(source, layout)) return ['-vf', `crop=trunc(iw/2)*2:trunc(ih/2)*2:0:0${drop}`];
  const { width, height } = encodedSize(layout);
  const boxes = layout.monitors.map((m, i) =>
    `[${i}:v]scale=${m.width}:${m.height}:force_original_aspect_ratio=decrease,` +
    `pad=${m.width}:${m.height}:(ow-iw)/2:(oh-ih)/2,setsar=1[s${i}]`);
  const places = layout.monitors.map((m) => `${m.x - layout.x}_${m.y - layout.y}`).join('|');
  const stacked = layout.monitors.length === 1
    ? `[s0]crop=${width}:${height}:0:0${drop}[v]`
    : `${layout.monitors.map((_, i) => `[s${i}]`).join('')}xstack=inputs=${layout.monitors.length}:layout=${places}:fill=black,crop=${width}:${height}:0:0${drop}[v]`;
  return ['-filter_complex', [...boxes, stacked].join(';'), '-map', '[v]'];
}

/** `-x264-params`: the extra parameters and the thread count. */
function x264ParamsOf(e: EncoderSettings): string | null {
  const parts = [e.x264Params, e.threads === null ? null : `threads=${e.threads}`].filter((p): p is string => p !== null && p !== '');
  return parts.length === 0 ? null : parts.join(':');
}

/**
 * Encoder part: libx264, 4:2:0, a keyframe at every segment start; the conversion's swscale flags;
 * a variable frame rate when unchanged frames are dropped here (each kept frame keeps its timestamp
 * and lasts until the next one: `setts`), or when the input is the damage grabber's (`tickRate`: its
 * frames' pts lie on the tick grid of that rate and it writes one on the tick before each segment
 * boundary and on it, so FFmpeg's own packet duration, one tick (`-r`), ends every segment exactly
 * at the next one's start without `setts` holding a packet back: a crash loses one frame less).
 * `-enc_time_base 1:1000` keeps the grabber's millisecond pts (a boundary between ticks, the stop).
 */
export function buildEncoderArgs(encoder: Partial<EncoderSettings> | undefined, segmentSeconds: number, tickRate: number | null = null,
  sharing: ReturnType<typeof keyframeSharing> = null): string[] {
  const e = { ...defaultEncoderSettings, ...encoder };
  const params = x264ParamsOf(e);
  const grid = tickRate !== null;
  const vfr = e.dropUnchanged || grid;
  // `-r` would also tell x264 the tick rate, and its rate control weighs each frame by its duration:
  // 42 % more bytes for +0.17 dB SSIM on the idle scene than the fourth round's encode, where x264
  // took the IVF's 1000 Hz time base for the frame rate. `fps=1000` keeps that encode bit for bit
  // (an SSIM-matched choice between the two is issue 16's encoder study, not done here).
  const x264 = grid ? [params, 'fps=1000'].filter((p) => p !== null).join(':') : params;
  return [...(e.swsFlags ? ['-sws_flags', e.swsFlags] : []), ...(vfr ? ['-fps_mode', 'vfr'] : []),
    ...(grid ? ['-r', String(tickRate), '-enc_time_base', '1:1000'] : []),
    '-c:v', 'libx264', '-preset', e.preset, ...(e.tune ? ['-tune', e.tune] : []), ...(x264 ? ['-x264-params', x264] : []), '-crf', String(e.crf),
    '-pix_fmt', 'yuv420p', '-force_key_frames', forceKeyFramesExpr(segmentSeconds, sharing, tickRate),
    ...(vfr && !grid ? ['-bsf:v', keptFrameDurationFilter] : [])];
}

/** Output part: FFmpeg's segment muxer writing `seg-%05d.<ext>` and a CSV list of closed segments. */
export function buildSegmentArgs(options: Pick<CaptureArgsOptions, 'runDir' | 'segmentListPath' | 'segmentSeconds' | 'container' | 'fragmentSeconds' | 'fragmentEveryFrame' | 'journal'>
  & { /** The filter graph already maps its output (`-map [v]`). */ readonly mappedByFilter?: boolean; /** Segments share keyframes (`keyframeSharing`). */ readonly sharedKeyframes?: boolean }): string[] {
  const container = options.container ?? 'mp4';
  const dir = options.runDir.replace(/[\\/]+$/, '');
  if (journaled(options)) {
    return buildJournaledSegmentArgs({ segmentSeconds: options.segmentSeconds, segmentListPath: options.segmentListPath ?? `${dir}/segments.csv`,
      filePatternStem: `${dir}/${segmentPattern(container).replace(/\.[a-z0-9]+$/, '')}`, mapVideo: options.mappedByFilter !== true,
      sharedKeyframes: options.sharedKeyframes === true });
  }
  // flush_packets=1 must be given to the INNER muxer: the segment muxer does not pass the outer
  // `-flush_packets 1` on (measured: 0 bytes on disk after 6 s with the outer flag alone).
  const format = container === 'mp4'
    ? ['-segment_format', 'mp4', '-segment_format_options',
      `movflags=+frag_keyframe+empty_moov+default_base_moof${options.fragmentEveryFrame ?? true ? '+frag_every_frame' : ''}:frag_duration=${Math.round((options.fragmentSeconds ?? 1) * 1e6)}:flush_packets=1`]
    : ['-segment_format', 'mpegts', '-segment_format_options', 'flush_packets=1'];
  return ['-f', 'segment', '-segment_time', String(options.segmentSeconds), '-reset_timestamps', '1',
    '-segment_list', options.segmentListPath ?? `${dir}/segments.csv`, '-segment_list_type', 'csv', ...format,
    `${dir}/${segmentPattern(container)}`];
}

/**
 * The whole command line after the executable. No `-nostdin`: the recorder stops FFmpeg with "q" on
 * stdin. `-loglevel info` keeps the input line whose `start:` is the first frame's wall clock;
 * `-nostats` keeps progress lines out of the stderr tail; `-n` never overwrites a segment.
 */
export function buildCaptureArgs(options: CaptureArgsOptions): string[] {
  assertPositive('frameRate', options.frameRate);
  assertPositive('segmentSeconds', options.segmentSeconds);
  const { width, height } = encodedSize(options.layout);
  if (width < 2 || height < 2) {
    throw new RangeError(`Expected a layout of at least 2x2 pixels, got ${options.layout.width}x${options.layout.height}`);
  }
  const filters = buildFilterArgs(options.source, options.layout, options.encoder, options.frameRate);
  const sharing = keyframeSharing(options);
  return ['-hide_banner', '-loglevel', 'info', '-nostats', '-n',
    ...buildInputArgs(options.source, options.layout, options.frameRate),
    ...filters,
    ...buildEncoderArgs(options.encoder, options.segmentSeconds, options.source.kind === 'x11damage' ? options.frameRate : null, sharing),
    ...buildSegmentArgs({ ...options, mappedByFilter: filters.includes('-map'), sharedKeyframes: sharing !== null })];
}

/** Whether FFmpeg writes the segment journal beside the segments (fMP4, unless turned off). */
export function journaled(options: Pick<CaptureArgsOptions, 'container' | 'journal'>): boolean {
  return (options.container ?? 'mp4') === 'mp4' && options.journal !== false;
}

function assertPositive(name: string, value: number): void {
  if (!Number.isFinite(value) || value <= 0) {
    throw new RangeError(`Expected "${name}" to be a positive number, got ${String(value)} (${typeof value})`);
  }
}

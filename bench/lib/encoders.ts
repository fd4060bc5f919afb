/**
 * Encoder settings explored by the benchmark. "ours" is whatever src/adapters/ffmpegArgs.ts builds
 * today (its defaults), "original" the original design's settings; the others are candidates.
 * Each variant turns an input (a screen grab or a reference clip) into FFmpeg output arguments.
 */
import { buildEncoderArgs, buildOutputFilterArgs, buildSegmentArgs, defaultEncoderSettings, type EncoderSettings } from '../../src/adapters/ffmpegArgs';

export interface Variant {
  readonly name: string;
  readonly describe: string;
  /** Output arguments (after the input) writing into `dir`; `segmentSeconds` as the recorder would. */
  output(dir: string, segmentSeconds: number, frameRate: number): string[];
  /** The output file(s) are fMP4 segments (crash-safe container) or one plain MP4. */
  readonly container: 'fmp4' | 'plain-mp4';
  /** Produces a variable frame rate (mpdecimate). */
  readonly vfr?: boolean;
}

const describeSettings = (e: EncoderSettings) =>
  `-preset ${e.preset}${e.tune ? ` -tune ${e.tune}` : ''}${e.x264Params ? ` -x264-params ${e.x264Params}` : ''}${e.threads === null ? '' : ` threads=${e.threads}`}` +
  `${e.swsFlags ? ` -sws_flags ${e.swsFlags}` : ''}${e.dropUnchanged ? ` (unchanged frames dropped, one kept at least every ${e.stillFrameSeconds} s)` : ''} -crf ${e.crf}`;

/** Our recorder's own arguments (encoder + fMP4 segment muxer), with settings overridden. */
function oursWith(name: string, encoder: Partial<EncoderSettings>, extra: { x264?: string; filter?: string; note?: string; fragmentEveryFrame?: boolean; journal?: boolean } = {}): Variant {
  const settings = { ...defaultEncoderSettings, ...encoder, ...(extra.x264 === undefined ? {} : { x264Params: extra.x264 }) };
  return {
    name,
    container: 'fmp4',
    vfr: settings.dropUnchanged,
    describe: `${describeSettings(settings)}${extra.filter ? ` -vf ${extra.filter} -fps_mode vfr` : ''}${extra.note ? ` (${extra.note})` : ''}`,
    output: (dir, segmentSeconds, frameRate) => {
      const enc = buildEncoderArgs(settings, segmentSeconds);
      return [
        ...(extra.filter ? ['-vf', extra.filter, '-fps_mode', 'vfr'] : buildOutputFilterArgs(settings, frameRate)),
        ...enc,
        ...buildSegmentArgs({ runDir: dir, segmentSeconds, ...(extra.fragmentEveryFrame === undefined ? {} : { fragmentEveryFrame: extra.fragmentEveryFrame }),
          ...(extra.journal === undefined ? {} : { journal: extra.journal }) }),
      ];
    },
  };
}

export const originalVariant: Variant = {
  name: 'original',
  describe: 'libx264 default preset (medium), no tune, crf 23, plain MP4 (the original design)',
  container: 'plain-mp4',
  output: (dir) => ['-c:v', 'libx264', '-pix_fmt', 'yuv420p', `${dir}/original.mp4`],
};

export const oursVariant: Variant = { ...oursWith('ours', {}), describe: `${describeSettings(defaultEncoderSettings)} (current defaults)` };

/**
 * The defaults before issue 16 (x264's own threads, swscale's default bicubic flags): kept to show
 * what `threads=1` and dropping unchanged frames changed, side by side in each round.
 */
export const previousVariant: Variant = oursWith('previous', { threads: null, swsFlags: null, dropUnchanged: false }, { note: 'defaults before issue 16', fragmentEveryFrame: false, journal: false });

/** Every variant the encoder matrix explores, `original`, `ours` and `previous` first. */
export const allVariants: readonly Variant[] = [
  originalVariant,
  oursVariant,
  previousVariant,
  oursWith('fragment-per-frame', {}, { journal: false, note: 'ours without the segment journal: a fragment per frame carries the crash budget (the default before issue 16\'s seventh round)' }),
  oursWith('umh16', {}, { x264: 'ref=2:me=umh', note: 'ours with the default 16-pixel range' }),
  oursWith('ref2', {}, { x264: 'ref=2', note: 'two references, default hexagon search' }),
  oursWith('vf-zl', { tune: 'zerolatency' }, { note: 'ours without stillimage' }),
  oursWith('vf-still', { tune: 'stillimage' }, { note: 'ours without zerolatency: lookahead and B-frames, not crash-safe' }),
  oursWith('faster', { preset: 'faster' }),
  oursWith('superfast-cand', { preset: 'superfast' }, { x264: 'ref=2:me=umh:merange=32' }),
  oursWith('still-1s', { stillFrameSeconds: 1 }, { note: 'ours keeping at least one frame a second on a still screen (instead of every 0.4 s)' }),
  oursWith('still-0.6s', { stillFrameSeconds: 0.6 }, { note: 'ours keeping at least one frame every 0.6 s on a still screen' }),
  oursWith('keep-all', { dropUnchanged: false }, { note: 'ours encoding every frame (constant rate): the defaults before dropping unchanged frames' }),
  oursWith('cand-mbtree', {}, { x264: 'ref=2:me=umh:merange=32:rc-lookahead=1:mbtree=1', note: 'macroblock tree on a 1-frame lookahead' }),
];

export function variantsNamed(names: readonly string[] | undefined): Variant[] {
  if (!names) return [...allVariants];
  return names.map((n) => {
    const v = allVariants.find((x) => x.name === n);
    if (!v) throw new Error(`Unknown encoder variant "${n}"; expected one of ${allVariants.map((x) => x.name).join(', ')}`);
    return v;
  });
}

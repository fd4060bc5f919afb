/**
 * The encoder candidates the quality section compares at equal SSIM (issue 16). Each is the
 * recorder's own argument builders with settings overridden, so what is measured is what the
 * recorder would run. Rounds: the second round's rows (keep-all, no-psy, aq2, animation) and the
 * fourth round's (x264 analysis, rate control and deblocking parameters the issue lists), each the
 * third round's defaults (`round3`) with one change, so every row keeps its meaning when the
 * defaults move.
 */
import { buildEncoderArgs, buildOutputFilterArgs, buildSegmentArgs, defaultEncoderSettings, unchangedFrameFilter, type EncoderSettings } from '../../src/adapters/ffmpegArgs';
import { defaultGrabberStillFrameSeconds } from '../../src/adapters/damageGrabArgs';

export interface QualityCandidate {
  readonly name: string;
  readonly describe: string;
  /** Output arguments (after `-i reference`) at this CRF, writing fMP4 segments into `dir`. */
  args(crf: number, dir: string): string[];
  /** The CRF this candidate runs at as a recorder default (its operating point), when it is one. */
  readonly crf?: number;
}

/** The third round's defaults (before this round): what every `plus` candidate changes one thing of. */
const ROUND3: Partial<EncoderSettings> = { x264Params: 'ref=2:me=umh:merange=32', crf: 23 };

/** A candidate from its output arguments at a given CRF (segments of 600 s: one file). */
function candidate(name: string, describe: string, crf: number | undefined, args: QualityCandidate['args']): QualityCandidate {
  return { name, describe, ...(crf === undefined ? {} : { crf }), args };
}

/** Candidates built by the recorder's own builders, settings overridden. */
function ours(name: string, describe: string, encoder: Partial<EncoderSettings>, crf?: number): QualityCandidate {
  return candidate(name, describe, crf, (crf, dir) =>
    [...buildOutputFilterArgs(encoder, 5), ...buildEncoderArgs({ ...encoder, crf }, 600), ...buildSegmentArgs({ runDir: dir, segmentSeconds: 600 })]);
}

/**
 * The default X11 path's encode: the damage grabber's (one tick per packet, ms time base, x264 told
 * fps=1000, no setts, a fragment per frame), fed the reference with unchanged frames dropped as the
 * grabber drops them (mpdecimate after the same BT.601 conversion, which the grabber's own matches:
 * BENCHMARKS.md fourth round; a frame at least every heartbeat). The grabber itself needs a live
 * screen; this is its encoder at equal SSIM.
 */
function damagePath(name: string, describe: string, encoder: Partial<EncoderSettings>, crf?: number): QualityCandidate {
  return candidate(name, describe, crf, (crf, dir) =>
    ['-vf', unchangedFrameFilter(5, defaultGrabberStillFrameSeconds), ...buildEncoderArgs({ ...encoder, crf }, 600, 5),
      ...buildSegmentArgs({ runDir: dir, segmentSeconds: 600 })]);
}

/** The third round's defaults plus extra `-x264-params` (after its own: x264 applies them in order, the last wins). */
function plus(name: string, params: string, why: string): QualityCandidate {
  return ours(name, `round3 + ${params}: ${why}`, { ...ROUND3, x264Params: `${ROUND3.x264Params ?? ''}:${params}` });
}

/** Today's defaults plus extra `-x264-params` (after its own: the last wins). */
function now(name: string, params: string, why: string): QualityCandidate {
  return ours(name, `defaults + ${params}: ${why}`, { x264Params: `${defaultEncoderSettings.x264Params ?? ''}:${params}` }, defaultEncoderSettings.crf);
}

export const qualityCandidates: readonly QualityCandidate[] = [
  ours('defaults', 'the recorder\'s defaults (ffmpegArgs.ts)', {}, defaultEncoderSettings.crf),
  damagePath('damage-path', 'the recorder\'s defaults as the damage grabber\'s FFmpeg encodes them (the default X11 capture), emulated; its SSIM is wrong on the busy scene (31.6 dB at every CRF, BENCHMARKS.md sixth round): section grabpath measures this path on the grabber\'s own stream', {}, defaultEncoderSettings.crf),
  ours('round3', 'the third round\'s defaults: -x264-params ref=2:me=umh:merange=32 (qcomp 0.6), crf 23', ROUND3, 23),
  // Second round.
  ours('keep-all', 'round3 encoding every frame (constant rate)', { ...ROUND3, dropUnchanged: false }),
  plus('no-psy', 'psy=0', 'no psychovisual rate-distortion or trellis'),
  plus('aq2', 'aq-mode=2', 'auto-variance adaptive quantisation'),
  ours('animation', 'round3 with -tune animation,zerolatency instead of stillimage,zerolatency', { ...ROUND3, tune: 'animation,zerolatency' }),
  // Fourth round: mode decision and quantisation (veryfast: subme 2, trellis 0, partitions i8x8,i4x4).
  plus('subme4', 'subme=4', 'sub-pixel refinement on every partition (faster\'s level)'),
  plus('subme6', 'subme=6', 'rate-distortion mode decision on I/P frames (enables psy-rd)'),
  plus('subme6-nopsy', 'subme=6:psy=0', 'RD mode decision without psychovisual tuning (SSIM-friendly)'),
  plus('trellis1', 'trellis=1', 'trellis quantisation on the final encode of each macroblock'),
  plus('subme4-trellis1', 'subme=4:trellis=1', 'both at their cheapest useful level'),
  plus('subme6-trellis1-nopsy', 'subme=6:trellis=1:psy=0', 'RD decision and trellis, no psy'),
  plus('parts-all', 'partitions=all', 'p8x8 and smaller partitions on P frames too'),
  plus('no-8x8dct', '8x8dct=0', 'only 4x4 transforms (8x8 is on in veryfast)'),
  ours('faster', 'round3 with -preset faster (subme 4, trellis 1, all P partitions, ref/me from x264Params)', { ...ROUND3, preset: 'faster' }),
  // Deblocking (stillimage sets -3:-3) and adaptive quantisation strength (stillimage sets 1.2).
  plus('deblock0', 'deblock=0,0', 'x264\'s default deblocking strength instead of stillimage\'s -3:-3'),
  plus('no-deblock', 'no-deblock=1', 'no loop filter: sharp text edges are not smoothed'),
  plus('aq0.8', 'aq-strength=0.8', 'weaker adaptive quantisation (flat backgrounds take fewer bits back)'),
  plus('aq1.6', 'aq-strength=1.6', 'stronger adaptive quantisation'),
  // Rate control.
  plus('qcomp0.8', 'qcomp=0.8', 'closer to constant quantiser across frames of different complexity (default 0.6)'),
  plus('qcomp0.9', 'qcomp=0.9', 'closer still to a constant quantiser'),
  plus('qcomp1', 'qcomp=1', 'a constant quantiser: complex frames (keyframes, scrolls) are not coded coarser'),
  plus('qcomp0.8-trellis1', 'qcomp=0.8:trellis=1', 'both levers that saved bytes on quiet screens'),
  plus('qcomp0.9-trellis1', 'qcomp=0.9:trellis=1', 'as above, closer to a constant quantiser'),
  plus('qcomp0.8-subme6-trellis1-nopsy', 'qcomp=0.8:subme=6:trellis=1:psy=0', 'qcomp with RD decision and trellis'),
  plus('force-cfr', 'force-cfr=1', 'rate control ignores frame durations (with dropped frames a long frame otherwise gets a lower quantiser)'),
  plus('ipratio1.8', 'ipratio=1.8', 'keyframes at a lower quantiser than P frames (default 1.4): they are the reference of a whole still stretch'),
  plus('ipratio1.1', 'ipratio=1.1', 'keyframes closer to P frames\' quantiser'),
  plus('mbtree', 'mbtree=1', 'macroblock tree without lookahead (zerolatency: rc-lookahead 0): x264 turns it off, expected byte-identical'),
  // Per-frame cost (issue 16, idle CPU): on a still 1080p frame x264 veryfast spends ~6.5 ms, ~40 %
  // of it on what sub-pixel search needs (subme=0 skips the half-pel planes). Screen content mostly
  // moves by whole pixels (scrolls, window moves); video does not. Each is today's defaults + one change.
  now('subme0', 'subme=0', 'full-pixel motion search only: no half-pel planes to build for each frame'),
  now('subme1', 'subme=1', 'one quarter-pixel SAD refinement (veryfast: subme 2)'),
  now('ref1', 'ref=1', 'one reference frame (defaults: 2)'),
  now('subme0-ref1', 'subme=0:ref=1', 'both'),
  // The damage path's rate control (issue 16: its bytes at equal SSIM were 1-4 % over). x264 is told
  // fps=1000 there, so every frame's duration is clipped to x264's 10 ms minimum when it weighs
  // frames; these change only that.
  damagePath('damage-force-cfr', 'damage-path + force-cfr=1: rate control ignores the frames\' durations', { x264Params: `${defaultEncoderSettings.x264Params ?? ''}:force-cfr=1` }, defaultEncoderSettings.crf),
  withoutFps1000(damagePath('damage-fps5', 'damage-path without fps=1000: x264 learns the tick rate (5) from -r and weighs frames by their real durations', {}, defaultEncoderSettings.crf)),
];

/** The candidate with the damage path's `fps=1000` taken out of its -x264-params. */
function withoutFps1000(c: QualityCandidate): QualityCandidate {
  return { ...c, args: (crf, dir) => c.args(crf, dir).map((a) => a.replace(/:fps=1000$/, '')) };
}

export function qualityCandidatesNamed(names: readonly string[] | undefined): QualityCandidate[] {
  if (!names) return [...qualityCandidates];
  const picked = names.map((n) => {
    const c = qualityCandidates.find((x) => x.name === n);
    if (!c) throw new Error(`Unknown quality candidate "${n}"; expected some of ${qualityCandidates.map((x) => x.name).join(', ')}`);
    return c;
  });
  // The defaults come first: the other candidates' sweeps are centred on their CRF at the original's SSIM.
  return picked.some((c) => c.name === 'defaults') ? picked.sort((a, b) => (a.name === 'defaults' ? -1 : b.name === 'defaults' ? 1 : 0)) : [qualityCandidates[0] as QualityCandidate, ...picked];
}

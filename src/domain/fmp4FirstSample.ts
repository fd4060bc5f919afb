/**
 * Whether a fragmented MP4's first video sample is a sync sample (a keyframe), read from the boxes
 * alone. Pure: works on the file's first bytes (ftyp, moov, the first moof).
 *
 * Why: on a still screen the capture lets several segments share one keyframe (issue 16: a 1080p
 * keyframe is ~130 KB, one a minute is 7.8 MB an idle hour); a segment that starts with a P-frame
 * decodes only after the segments before it. The recorder writes which ones do into the manifest,
 * read from the file it uploads, so every reader knows without decoding.
 *
 * ISO/IEC 14496-12: a sample's flags come from trun's per-sample flags, else trun's
 * first_sample_flags (first sample only), else tfhd's default_sample_flags, else trex's; bit
 * 0x00010000 is sample_is_non_sync_sample.
 */

import { childBoxes, fullBoxFlags, mp4Boxes, type Mp4Box } from './mp4Boxes';

const NON_SYNC = 0x0001_0000;

function child(buf: Buffer, parent: Mp4Box, type: string): Mp4Box | undefined {
  return childBoxes(buf, parent, type)[0];
}

/** trex's default_sample_flags (moov/mvex/trex), or 0 (sync) when absent. */
function trexDefault(buf: Buffer, moov: Mp4Box): number {
  const mvex = child(buf, moov, 'mvex');
  const trex = mvex && child(buf, mvex, 'trex');
  // version/flags 4, track_ID 4, description index 4, duration 4, size 4, flags 4
  return trex !== undefined && trex.start + 24 <= buf.length ? buf.readUInt32BE(trex.start + 20) : 0;
}

/** The first sample's flags in one traf, or undefined when it holds no sample or is cut short. */
function firstSampleFlags(buf: Buffer, traf: Mp4Box, fallback: number): number | undefined {
  const tfhd = child(buf, traf, 'tfhd');
  const trun = child(buf, traf, 'trun');
  if (tfhd === undefined || trun === undefined || trun.start + 8 > buf.length || tfhd.start + 8 > buf.length) return undefined;
  let flags = fallback;
  const tf = fullBoxFlags(buf, tfhd);
  if (tf & 0x20) {
    // track_ID, then the optional fields in order: base offset (8), description index, duration, size (4 each)
    const at = tfhd.start + 8 + (tf & 0x01 ? 8 : 0) + (tf & 0x02 ? 4 : 0) + (tf & 0x08 ? 4 : 0) + (tf & 0x10 ? 4 : 0);
    if (at + 4 > buf.length) return undefined;
    flags = buf.readUInt32BE(at);
  }
  const tr = fullBoxFlags(buf, trun);
  const count = buf.readUInt32BE(trun.start + 4);
  if (count === 0) return undefined;
  let at = trun.start + 8 + (tr & 0x01 ? 4 : 0);
  if (tr & 0x04) {
    if (at + 4 > buf.length) return undefined;
    flags = buf.readUInt32BE(at);
    at += 4;
  }
  if (tr & 0x400) {
    // the first sample's record: duration, size, flags
    const offset = at + (tr & 0x100 ? 4 : 0) + (tr & 0x200 ? 4 : 0);
    if (offset + 4 > buf.length) return undefined;
    flags = buf.readUInt32BE(offset);
  }
  return flags;
}

/**
 * true when the first sample of the first fragment is a sync sample, false when it is not, null
 * when the bytes do not tell (not a fragmented MP4, no sample, cut short before the first trun).
 */
export function firstSampleIsSync(buf: Buffer): boolean | null {
  let moov: Mp4Box | undefined;
  for (const box of mp4Boxes(buf, 0, buf.length)) {
    if (box.type === 'moov') moov = box;
    if (box.type !== 'moof' || moov === undefined) continue;
    const traf = child(buf, box, 'traf');
    if (traf === undefined) return null;
    const flags = firstSampleFlags(buf, traf, trexDefault(buf, moov));
    return flags === undefined ? null : (flags & NON_SYNC) === 0;
  }
  return null;
}

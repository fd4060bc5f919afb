/**
 * Joins fragmented MP4 segments of one capture run into one fragmented MP4, by box work alone (no
 * decoding, no edit lists). Pure.
 *
 * Why: on a still screen segments share a keyframe (issue 16); a segment whose first frame is not
 * a keyframe (`continuesPrevious`) decodes only after the segments before it, back to one that
 * starts with a keyframe. A browser plays one file per <video>, so the viewer serves that chain as
 * one file (chainMedia.ts) and seeks to where the wanted segment starts in it.
 *
 * The result: the first file's ftyp and moov, then every file's moof+mdat pairs in order, each
 * fragment's tfdt (baseMediaDecodeTime) moved so the files follow one another on one media
 * timeline (each file's own times start at 0: the segment muxer's reset_timestamps), mfhd sequence
 * numbers counted again from 1, an explicit tfhd base_data_offset moved with its moof. Boxes after
 * the moov other than moof and mdat (mfra's offsets, sidx, free) are dropped; a fragment cut short
 * (a killed capture) ends its file. Every file must carry the same single track with the same
 * sample description (stsd: codec, size, avcC), as segments of one run do.
 *
 * ISO/IEC 14496-12 boxes used: moov/trak/mdia/mdhd (timescale), stbl/stsd, mvex/trex and mehd,
 * moof/mfhd, traf/tfhd, tfdt, trun.
 */
import { childBoxes, fullBoxFlags, mp4Boxes, type Mp4Box } from '../domain/mp4Boxes';

export class JoinError extends Error {
  override readonly name = 'JoinError';
}

export interface JoinedFragments {
  readonly bytes: Buffer;
  /** The track's timescale (units per second). */
  readonly timescale: number;
  /** Where each input file starts in the joined file, in timescale units. */
  readonly starts: readonly number[];
  /** Each input file's duration (sum of its samples' durations), in timescale units. */
  readonly durations: readonly number[];
}

type Box = Mp4Box;

function only(buf: Buffer, parent: Box, type: string, file: number): Box {
  const found = childBoxes(buf, parent, type)[0];
  if (found === undefined || found.end > buf.length) throw new JoinError(`segment ${file + 1} of the chain: no complete ${type} box in its ${parent.type}`);
  return found;
}


/** What the joiner needs from one file. */
interface Parsed {
  readonly ftyp: Box;
  readonly moov: Box;
  readonly timescale: number;
  readonly stsd: Buffer;
  readonly trackId: number;
  readonly trexDuration: number;
  /** Complete moof+mdat pairs, in file order. */
  readonly fragments: readonly { readonly moof: Box; readonly mdat: Box }[];
}

function parse(buf: Buffer, file: number): Parsed {
  const top = [...mp4Boxes(buf, 0, buf.length)];
  const ftyp = top.find((b) => b.type === 'ftyp');
  const moov = top.find((b) => b.type === 'moov');
  if (ftyp === undefined || moov === undefined || moov.end > buf.length) throw new JoinError(`segment ${file + 1} of the chain is not a fragmented MP4 (no ftyp and complete moov)`);
  const traks = childBoxes(buf, moov, 'trak');
  if (traks.length !== 1) throw new JoinError(`segment ${file + 1} of the chain has ${traks.length} tracks; expected one video track`);
  const trak = traks[0] as Box;
  const tkhd = only(buf, trak, 'tkhd', file);
  const trackId = buf.readUInt32BE(tkhd.start + (buf[tkhd.start] === 1 ? 20 : 12));
  const mdia = only(buf, trak, 'mdia', file);
  const mdhd = only(buf, mdia, 'mdhd', file);
  const timescale = buf.readUInt32BE(mdhd.start + (buf[mdhd.start] === 1 ? 20 : 12));
  const stbl = only(buf, only(buf, mdia, 'minf', file), 'stbl', file);
  const stsd = only(buf, stbl, 'stsd', file);
  const mvex = childBoxes(buf, moov, 'mvex')[0];
  if (mvex === undefined) throw new JoinError(`segment ${file + 1} of the chain is not fragmented (its moov has no mvex)`);
  const trex = only(buf, mvex, 'trex', file);
  const fragments: { moof: Box; mdat: Box }[] = [];
  for (let i = 0; i < top.length; i++) {
    const moof = top[i] as Box;
    const mdat = top[i + 1];
    if (moof.type !== 'moof' || mdat?.type !== 'mdat' || mdat.end > buf.length) continue;
    fragments.push({ moof, mdat });
    i++;
  }
  if (fragments.length === 0) throw new JoinError(`segment ${file + 1} of the chain holds no complete fragment (moof and mdat)`);
  return { ftyp, moov, timescale, stsd: buf.subarray(stsd.at, stsd.end), trackId, trexDuration: buf.readUInt32BE(trex.start + 12), fragments };
}

/** tfhd fields: flags, and where each optional field is. */
function tfhdFields(buf: Buffer, tfhd: Box): { flags: number; trackId: number; baseOffsetAt?: number; defaultDuration?: number } {
  const flags = fullBoxFlags(buf, tfhd);
  let at = tfhd.start + 8;
  const baseOffsetAt = flags & 0x01 ? at : undefined;
  if (flags & 0x01) at += 8;
  if (flags & 0x02) at += 4;
  const defaultDuration = flags & 0x08 ? buf.readUInt32BE(at) : undefined;
  return { flags, trackId: buf.readUInt32BE(tfhd.start + 4), ...(baseOffsetAt !== undefined ? { baseOffsetAt } : {}), ...(defaultDuration !== undefined ? { defaultDuration } : {}) };
}

/** The summed sample durations of one trun. */
function trunDuration(buf: Buffer, trun: Box, defaultDuration: number): number {
  const flags = fullBoxFlags(buf, trun);
  const count = buf.readUInt32BE(trun.start + 4);
  if (!(flags & 0x100)) return count * defaultDuration;
  const record = 4 * [0x100, 0x200, 0x400, 0x800].filter((f) => flags & f).length;
  let at = trun.start + 8 + (flags & 0x01 ? 4 : 0) + (flags & 0x04 ? 4 : 0);
  if (at + count * record > trun.end) throw new JoinError(`a trun box holds ${count} samples but is too short for them`);
  let sum = 0;
  for (let i = 0; i < count; i++, at += record) sum += buf.readUInt32BE(at);
  return sum;
}

function tfdtTime(buf: Buffer, tfdt: Box): number {
  return buf[tfdt.start] === 1 ? Number(buf.readBigUInt64BE(tfdt.start + 4)) : buf.readUInt32BE(tfdt.start + 4);
}

/**
 * One file's fragments, rewritten for the joined file (`out` gets the bytes, `position` is where
 * they start in it). Returns the file's duration: from its first fragment's decode time to the end
 * of its last sample.
 */
function moveFragments(buf: Buffer, file: Parsed, index: number, base: number, position: number, sequence: { next: number }, out: Buffer[]): number {
  let first: number | undefined;
  let end = 0;
  let running = 0; // decode time when a traf has no tfdt: right after the previous one
  for (const { moof, mdat } of file.fragments) {
    const copy = Buffer.from(buf.subarray(moof.at, mdat.end));
    const shift = position - moof.at; // new position of any byte of this fragment minus its old one
    const local = (box: Box): Box => ({ ...box, at: box.at - moof.at, start: box.start - moof.at, end: box.end - moof.at });
    const inCopy = local(moof);
    const mfhd = only(copy, inCopy, 'mfhd', index);
    copy.writeUInt32BE(sequence.next++, mfhd.start + 4);
    for (const traf of childBoxes(copy, inCopy, 'traf')) {
      const tfhd = tfhdFields(copy, only(copy, traf, 'tfhd', index));
      if (tfhd.trackId !== file.trackId) throw new JoinError(`segment ${index + 1} of the chain has a fragment of track ${tfhd.trackId}; expected track ${file.trackId}`);
      if (tfhd.baseOffsetAt !== undefined) copy.writeBigUInt64BE(copy.readBigUInt64BE(tfhd.baseOffsetAt) + BigInt(shift), tfhd.baseOffsetAt);
      const tfdt = childBoxes(copy, traf, 'tfdt')[0];
      const decodeTime = tfdt === undefined ? running : tfdtTime(copy, tfdt);
      first ??= decodeTime;
      const moved = base + decodeTime - first;
      if (tfdt !== undefined) {
        if (copy[tfdt.start] === 1) copy.writeBigUInt64BE(BigInt(moved), tfdt.start + 4);
        else if (moved <= 0xffff_ffff) copy.writeUInt32BE(moved, tfdt.start + 4);
        else throw new JoinError(`the chain is too long for a 32-bit decode time (tfdt version 0) at segment ${index + 1}`);
      }
      let duration = 0;
      for (const trun of childBoxes(copy, traf, 'trun')) duration += trunDuration(copy, trun, tfhd.defaultDuration ?? file.trexDuration);
      running = decodeTime + duration;
      end = Math.max(end, running);
    }
    out.push(copy);
    position += copy.length;
  }
  return end - (first ?? 0);
}

/** A copy of the moov with mvex/mehd's fragment duration set to `total` (when it has one). */
function moovFor(buf: Buffer, moov: Box, total: number): Buffer {
  const copy = Buffer.from(buf.subarray(moov.at, moov.end));
  const inCopy = { ...moov, at: 0, start: moov.start - moov.at, end: moov.end - moov.at };
  const mvex = childBoxes(copy, inCopy, 'mvex')[0];
  const mehd = mvex && childBoxes(copy, mvex, 'mehd')[0];
  if (mehd !== undefined) {
    if (copy[mehd.start] === 1) copy.writeBigUInt64BE(BigInt(total), mehd.start + 4);
    else copy.writeUInt32BE(Math.min(total, 0xffff_ffff), mehd.start + 4);
  }
  return copy;
}

/**
 * `files` in decode order (the keyframe-led segment first). Throws JoinError when a file is not a
 * one-track fragmented MP4 or does not match the first file's track.
 */
export function joinFragmented(files: readonly Buffer[]): JoinedFragments {
  const parsed = files.map((buf, i) => parse(buf, i));
  const head = parsed[0];
  const headBuf = files[0];
  if (head === undefined || headBuf === undefined) throw new JoinError('no segment to join');
  parsed.forEach((p, i) => {
    if (p.timescale !== head.timescale) throw new JoinError(`segment ${i + 1} of the chain has timescale ${p.timescale}; the first has ${head.timescale}`);
    if (p.trackId !== head.trackId) throw new JoinError(`segment ${i + 1} of the chain has track ${p.trackId}; the first has track ${head.trackId}`);
    if (!p.stsd.equals(head.stsd)) throw new JoinError(`segment ${i + 1} of the chain was encoded with other settings than the first (its sample description, stsd, differs)`);
  });
  const ftyp = headBuf.subarray(head.ftyp.at, head.ftyp.end);
  const moovLength = head.moov.end - head.moov.at;
  const fragments: Buffer[] = [];
  const starts: number[] = [];
  const durations: number[] = [];
  const sequence = { next: 1 };
  let position = ftyp.length + moovLength;
  let base = 0;
  parsed.forEach((p, i) => {
    const before = fragments.length;
    const duration = moveFragments(files[i] as Buffer, p, i, base, position, sequence, fragments);
    for (let f = before; f < fragments.length; f++) position += (fragments[f] as Buffer).length;
    starts.push(base);
    durations.push(duration);
    base += duration;
  });
  const moov = moovFor(headBuf, head.moov, base);
  return { bytes: Buffer.concat([ftyp, moov, ...fragments]), timescale: head.timescale, starts, durations };
}

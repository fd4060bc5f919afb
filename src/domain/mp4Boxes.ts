/**
 * ISO BMFF (MP4) boxes read from a buffer: the one box walker of the fragmented-MP4 readers
 * (fmp4FirstSample.ts, viewer/fmp4Join.ts). Pure; never reads past the buffer, and says where a
 * box cut short would end so callers can tell.
 */

export interface Mp4Box {
  readonly type: string;
  /** The box's first byte (its size field). */
  readonly at: number;
  /** Payload start, after the header. */
  readonly start: number;
  /** Exclusive end; past the buffer when the box is cut short. */
  readonly end: number;
}

/** The boxes directly inside [start, end) of `buf` (32- and 64-bit sizes, 0 = to the end); stops at a header cut short or malformed. */
export function* mp4Boxes(buf: Buffer, start: number, end: number): Generator<Mp4Box> {
  const limit = Math.min(end, buf.length);
  let at = start;
  while (at + 8 <= limit) {
    let size = buf.readUInt32BE(at);
    const type = buf.toString('latin1', at + 4, at + 8);
    let header = 8;
    if (size === 1) {
      if (at + 16 > limit) return;
      size = Number(buf.readBigUInt64BE(at + 8));
      header = 16;
    } else if (size === 0) {
      size = end - at; // to the end of its parent
    }
    if (size < header) return;
    yield { type, at, start: at + header, end: at + size };
    at += size;
  }
}

/** The children of `parent` of one type, in order. */
export function childBoxes(buf: Buffer, parent: Mp4Box, type: string): Mp4Box[] {
  return [...mp4Boxes(buf, parent.start, parent.end)].filter((b) => b.type === type);
}

/** A full box's flags (the 24 bits after its version byte). */
export function fullBoxFlags(buf: Buffer, box: Mp4Box): number {
  return buf.readUInt32BE(box.start) & 0xff_ffff;
}

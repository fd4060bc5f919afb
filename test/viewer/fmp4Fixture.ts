/**
 * Fragmented MP4s built box by box, shaped like what FFmpeg's mp4 muxer writes for one segment
 * (ftyp, moov with mvex/trex, moof+mdat fragments, mfra), for tests of the viewer's join without
 * FFmpeg. Each fragment's mdat holds 8 bytes of text naming it (`a0......`), so a test can follow
 * the bytes a trun points at.
 */
export const u32 = (n: number): Buffer => {
  const b = Buffer.alloc(4);
  b.writeUInt32BE(n);
  return b;
};
const u64 = (n: number): Buffer => {
  const b = Buffer.alloc(8);
  b.writeBigUInt64BE(BigInt(n));
  return b;
};
export const box = (type: string, ...parts: Buffer[]): Buffer => {
  const body = Buffer.concat(parts);
  return Buffer.concat([u32(8 + body.length), Buffer.from(type, 'latin1'), body]);
};
export const full = (type: string, version: number, flags: number, ...parts: Buffer[]): Buffer => box(type, u32((version << 24) | flags), ...parts);

export interface FileSpec {
  readonly timescale?: number;
  /** Per fragment: sample durations (written per sample) or [count, default duration] via tfhd. */
  readonly fragments: readonly { readonly durations?: readonly number[]; readonly count?: number; readonly defaultDuration?: number; readonly tfdt?: number; readonly tfdtVersion?: 0 | 1; readonly baseDataOffset?: boolean }[];
  readonly avc?: string;
  readonly trackId?: number;
  readonly mehd?: boolean;
  /** Cut the file this many bytes before its end (a killed capture). */
  readonly cut?: number;
}

function moov(spec: FileSpec): Buffer {
  const trackId = spec.trackId ?? 1;
  const tkhd = full('tkhd', 0, 3, u32(0), u32(0), u32(trackId), Buffer.alloc(68));
  const mdhd = full('mdhd', 0, 0, u32(0), u32(0), u32(spec.timescale ?? 10240), u32(0), Buffer.alloc(4));
  const stsd = full('stsd', 0, 0, u32(1), box('avc1', Buffer.from(spec.avc ?? 'settings-a')));
  const trak = box('trak', tkhd, box('mdia', mdhd, box('minf', box('stbl', stsd))));
  const trex = full('trex', 0, 0, u32(trackId), u32(1), u32(512), u32(0), u32(0x0001_0000));
  const mvex = box('mvex', ...(spec.mehd ? [full('mehd', 0, 0, u32(999))] : []), trex);
  return box('moov', full('mvhd', 0, 0, Buffer.alloc(96)), trak, mvex);
}

function fragment(spec: FileSpec['fragments'][number], sequence: number, trackId: number, payload: string, moofAt: number): Buffer {
  const durations = spec.durations;
  const count = durations?.length ?? spec.count ?? 1;
  const tfdt = spec.tfdt === undefined ? [] : [spec.tfdtVersion === 0 ? full('tfdt', 0, 0, u32(spec.tfdt)) : full('tfdt', 1, 0, u64(spec.tfdt))];
  const build = (dataOffset: number): Buffer => {
    const tfhdFlags = (spec.baseDataOffset ? 0x01 : 0x02_0000) | (durations ? 0 : 0x08);
    const tfhd = full('tfhd', 0, tfhdFlags, u32(trackId), ...(spec.baseDataOffset ? [u64(moofAt)] : []), ...(durations ? [] : [u32(spec.defaultDuration ?? 512)]));
    const samples = durations ? durations.map((d) => Buffer.concat([u32(d), u32(payload.length / count)])) : [Buffer.alloc(0)];
    const trun = full('trun', 0, 0x01 | (durations ? 0x300 : 0), u32(count), u32(dataOffset), ...samples);
    return box('moof', full('mfhd', 0, 0, u32(sequence)), box('traf', tfhd, ...tfdt, trun));
  };
  const size = build(0).length;
  return Buffer.concat([build(size + 8), box('mdat', Buffer.from(payload))]);
}

export function file(spec: FileSpec, name: string): Buffer {
  const head = Buffer.concat([box('ftyp', Buffer.from('isomiso2avc1mp41')), moov(spec)]);
  const parts: Buffer[] = [head];
  let at = head.length;
  spec.fragments.forEach((f, i) => {
    const frag = fragment(f, i + 1, spec.trackId ?? 1, `${name}${i}`.padEnd(8, '.'), at);
    parts.push(frag);
    at += frag.length;
  });
  parts.push(box('mfra', full('tfra', 1, 0, u32(1)), full('mfro', 0, 0, u32(16))));
  const whole = Buffer.concat(parts);
  return spec.cut ? whole.subarray(0, whole.length - spec.cut) : whole;
}


// The join, on fragmented MP4s built box by box here (what FFmpeg's mp4 muxer writes for a segment:
// ftyp, moov with mvex/trex, moof+mdat fragments, mfra). Pure: no FFmpeg, no files. The joined
// file decoding picture for picture is test/viewer/chainPlayback.test.ts, with real FFmpeg and Chromium.
import { joinFragmented, JoinError } from '../../src/viewer/fmp4Join';
import { file, type FileSpec } from './fmp4Fixture';

interface Seen { readonly type: string; readonly at: number; readonly end: number }
function top(buf: Buffer, start = 0, end = buf.length): Seen[] {
  const out: Seen[] = [];
  for (let at = start; at + 8 <= end;) {
    const size = buf.readUInt32BE(at);
    out.push({ type: buf.toString('latin1', at + 4, at + 8), at, end: at + size });
    at += size;
  }
  return out;
}
const inside = (buf: Buffer, b: Seen, type: string): Seen => {
  const found = top(buf, b.at + 8, b.end).find((c) => c.type === type);
  if (found === undefined) throw new Error(`no ${type} in ${b.type}`);
  return found;
};
/** Per moof: its mfhd sequence, tfdt, and the payload its trun's data offset points at. */
function fragmentsOf(buf: Buffer): { sequence: number; tfdt: number; payload: string }[] {
  return top(buf).filter((b) => b.type === 'moof').map((moof) => {
    const traf = inside(buf, moof, 'traf');
    const tfdt = inside(buf, traf, 'tfdt');
    const tfhd = inside(buf, traf, 'tfhd');
    const trun = inside(buf, traf, 'trun');
    const base = buf.readUInt32BE(tfhd.at + 8) & 0x01 ? Number(buf.readBigUInt64BE(tfhd.at + 16)) : moof.at;
    const data = base + buf.readUInt32BE(trun.at + 16);
    return {
      sequence: buf.readUInt32BE(inside(buf, moof, 'mfhd').at + 12),
      tfdt: buf[tfdt.at + 8] === 1 ? Number(buf.readBigUInt64BE(tfdt.at + 12)) : buf.readUInt32BE(tfdt.at + 12),
      payload: buf.toString('latin1', data, data + 8),
    };
  });
}

const twoFragments = (first = 0): FileSpec => ({ fragments: [{ durations: [1024, 1024, 1024], tfdt: first }, { count: 2, defaultDuration: 2048, tfdt: first + 3072 }] });

test('the first file\'s ftyp and moov, then every fragment on one timeline: tfdt cumulative, mfhd counted from 1, mfra dropped', () => {
  const a = file(twoFragments(), 'a');
  const b = file(twoFragments(), 'b');
  const c = file({ fragments: [{ durations: [512, 512], tfdt: 0 }] }, 'c');
  const joined = joinFragmented([a, b, c]);
  const boxes = top(joined.bytes).map((x) => x.type);
  expect(boxes).toEqual(['ftyp', 'moov', 'moof', 'mdat', 'moof', 'mdat', 'moof', 'mdat', 'moof', 'mdat', 'moof', 'mdat']);
  const [ftyp, moovBox] = top(a);
  expect(joined.bytes.subarray(0, (moovBox as Seen).end).equals(a.subarray(0, (moovBox as Seen).end))).toBe(true);
  expect((ftyp as Seen).type).toBe('ftyp');
  expect(fragmentsOf(joined.bytes)).toEqual([
    { sequence: 1, tfdt: 0, payload: 'a0......' },
    { sequence: 2, tfdt: 3072, payload: 'a1......' },
    { sequence: 3, tfdt: 7168, payload: 'b0......' },
    { sequence: 4, tfdt: 10240, payload: 'b1......' },
    { sequence: 5, tfdt: 14336, payload: 'c0......' },
  ]);
  expect(joined.timescale).toBe(10240);
  expect(joined.starts).toEqual([0, 7168, 14336]);
  expect(joined.durations).toEqual([7168, 7168, 1024]);
});

test('a file whose own times do not start at 0 is moved to follow the one before', () => {
  const joined = joinFragmented([file(twoFragments(), 'a'), file(twoFragments(50_000), 'b')]);
  expect(fragmentsOf(joined.bytes).map((f) => f.tfdt)).toEqual([0, 3072, 7168, 10240]);
  expect(joined.starts).toEqual([0, 7168]);
});

test('tfdt version 0 is rewritten in place; an explicit base_data_offset moves with its moof', () => {
  const a = file({ fragments: [{ durations: [1000], tfdt: 0, tfdtVersion: 0, baseDataOffset: true }] }, 'a');
  const b = file({ fragments: [{ durations: [1000], tfdt: 0, tfdtVersion: 0, baseDataOffset: true }, { durations: [1000], tfdt: 1000, tfdtVersion: 0, baseDataOffset: true }] }, 'b');
  expect(fragmentsOf(joinFragmented([a, b]).bytes)).toEqual([
    { sequence: 1, tfdt: 0, payload: 'a0......' },
    { sequence: 2, tfdt: 1000, payload: 'b0......' },
    { sequence: 3, tfdt: 2000, payload: 'b1......' },
  ]);
});

test('mehd (the fragments\' total duration) says the joined duration', () => {
  const joined = joinFragmented([file({ ...twoFragments(), mehd: true }, 'a'), file({ ...twoFragments(), mehd: true }, 'b')]);
  const moovBox = top(joined.bytes)[1] as Seen;
  const mehd = inside(joined.bytes, inside(joined.bytes, moovBox, 'mvex'), 'mehd');
  expect(joined.bytes.readUInt32BE(mehd.at + 12)).toBe(14336);
});

test('a fragment cut short ends its file: the complete ones are kept', () => {
  const cut = file({ ...twoFragments(), cut: 44 }, 'a'); // the mfra (40 bytes) and the end of the last mdat
  const joined = joinFragmented([cut, file(twoFragments(), 'b')]);
  expect(fragmentsOf(joined.bytes).map((f) => f.payload)).toEqual(['a0......', 'b0......', 'b1......']);
  expect(joined.starts).toEqual([0, 3072]);
});

test('files that do not belong together are refused with what differs', () => {
  const a = file(twoFragments(), 'a');
  expect(() => joinFragmented([a, file({ ...twoFragments(), avc: 'settings-b' }, 'b')])).toThrow(new JoinError('segment 2 of the chain was encoded with other settings than the first (its sample description, stsd, differs)'));
  expect(() => joinFragmented([a, file({ ...twoFragments(), timescale: 90000 }, 'b')])).toThrow('segment 2 of the chain has timescale 90000; the first has 10240');
  expect(() => joinFragmented([a, file({ ...twoFragments(), trackId: 2 }, 'b')])).toThrow('segment 2 of the chain has track 2; the first has track 1');
  expect(() => joinFragmented([a, Buffer.from('not an mp4 at all')])).toThrow('segment 2 of the chain is not a fragmented MP4 (no ftyp and complete moov)');
  const headerOnly = a.subarray(0, (top(a)[1] as Seen).end);
  expect(() => joinFragmented([a, headerOnly])).toThrow('segment 2 of the chain holds no complete fragment (moof and mdat)');
  expect(() => joinFragmented([])).toThrow(JoinError);
});

// The first-sample sync flag read from fMP4 boxes built by hand, one case per place the flag can come from.
import { firstSampleIsSync } from '../../src/domain/fmp4FirstSample';

const NON_SYNC = 0x0001_0000;

function box(type: string, ...payload: Buffer[]): Buffer {
  const body = Buffer.concat(payload);
  const head = Buffer.alloc(8);
  head.writeUInt32BE(8 + body.length, 0);
  head.write(type, 4, 'latin1');
  return Buffer.concat([head, body]);
}
function u32(...values: number[]): Buffer {
  const b = Buffer.alloc(4 * values.length);
  values.forEach((v, i) => b.writeUInt32BE(v >>> 0, 4 * i));
  return b;
}
/** A full box: version 0 and 24 bits of flags, then the fields. */
function full(type: string, flags: number, ...fields: number[]): Buffer {
  return box(type, u32(flags & 0xff_ffff, ...fields));
}

const ftyp = box('ftyp', Buffer.from('isom'), u32(512));
/** moov with trex default_sample_flags = `trexFlags`. */
const moov = (trexFlags: number): Buffer => box('moov', full('mvhd', 0, 0, 0, 1000, 0), box('mvex', full('trex', 0, 1, 1, 0, 0, trexFlags)));
const mdat = box('mdat', Buffer.alloc(16));

function file(trexFlags: number, tfhd: Buffer, trun: Buffer): Buffer {
  return Buffer.concat([ftyp, moov(trexFlags), box('moof', full('mfhd', 0, 1), box('traf', tfhd, full('tfdt', 0, 0), trun)), mdat]);
}

test('trun first_sample_flags decide the first sample (what FFmpeg writes for a keyframe-led fragment)', () => {
  // tfhd: default-base-is-moof + default_sample_flags non-sync; trun: data offset + first_sample_flags sync
  const tfhd = full('tfhd', 0x02_0020, 1, NON_SYNC);
  expect(firstSampleIsSync(file(0, tfhd, full('trun', 0x0005, 2, 0, 0x0200_0000)))).toBe(true);
  expect(firstSampleIsSync(file(0, tfhd, full('trun', 0x0005, 2, 0, NON_SYNC)))).toBe(false);
});

test('without first_sample_flags, tfhd default_sample_flags apply, after its optional fields', () => {
  // tfhd flags: base data offset (8 bytes) + description index + default duration + default size + default flags
  const tfhd = (flags: number): Buffer => box('tfhd', u32(0x3b, 1, 0, 0, 1, 200, 1000, flags));
  expect(firstSampleIsSync(file(0, tfhd(NON_SYNC), full('trun', 0x0001, 3, 0)))).toBe(false);
  expect(firstSampleIsSync(file(NON_SYNC, tfhd(0), full('trun', 0x0001, 3, 0)))).toBe(true);
});

test('without either, trex default_sample_flags apply', () => {
  const tfhd = full('tfhd', 0x02_0000, 1);
  expect(firstSampleIsSync(file(NON_SYNC, tfhd, full('trun', 0x0000, 1)))).toBe(false);
  expect(firstSampleIsSync(file(0, tfhd, full('trun', 0x0000, 1)))).toBe(true);
});

test("per-sample flags in trun win: the first record's flags field, after its duration and size", () => {
  const tfhd = full('tfhd', 0x02_0020, 1, 0);
  // flags: data offset, sample duration, size, flags present; one sample
  expect(firstSampleIsSync(file(0, tfhd, full('trun', 0x0701, 1, 0, 200, 1000, NON_SYNC)))).toBe(false);
  expect(firstSampleIsSync(file(NON_SYNC, full('tfhd', 0x02_0020, 1, NON_SYNC), full('trun', 0x0701, 1, 0, 200, 1000, 0)))).toBe(true);
});

test('bytes that do not tell give null: no moof, an empty trun, a file cut inside the first moof, not MP4', () => {
  const tfhd = full('tfhd', 0x02_0020, 1, NON_SYNC);
  const whole = file(0, tfhd, full('trun', 0x0005, 2, 0, 0x0200_0000));
  expect(firstSampleIsSync(Buffer.concat([ftyp, moov(0)]))).toBeNull();
  expect(firstSampleIsSync(file(0, tfhd, full('trun', 0x0005, 0, 0, 0)))).toBeNull();
  const moofAt = whole.indexOf('moof') - 4;
  expect(firstSampleIsSync(whole.subarray(0, moofAt + 30))).toBeNull();
  expect(firstSampleIsSync(Buffer.from('#EXTM3U\n#EXT-X-VERSION:3\n'))).toBeNull();
  expect(firstSampleIsSync(Buffer.alloc(0))).toBeNull();
});

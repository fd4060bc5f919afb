import { splitIdle, topLevelBoxes } from '../../bench/lib/mp4Bytes';
import { centreOf, interpolate } from '../../bench/sections/quality';

function box(type: string, payload: number): Buffer {
  const b = Buffer.alloc(8 + payload);
  b.writeUInt32BE(8 + payload, 0);
  b.write(type, 4, 'latin1');
  return b;
}

test('top-level MP4 boxes are summed per type, headers included', () => {
  const file = Buffer.concat([box('ftyp', 20), box('moov', 700), box('moof', 100), box('mdat', 5000), box('moof', 100), box('mdat', 40)]);
  const t = topLevelBoxes(file);
  expect(t.bytes).toEqual({ ftyp: 28, moov: 708, moof: 216, mdat: 5056 });
  expect(t.count).toEqual({ ftyp: 1, moov: 1, moof: 2, mdat: 2 });
});

test('an idle segment splits into keyframes, changes, heartbeats and the container (what is not a packet)', () => {
  const packets = [
    { ptsS: 0, bytes: 160_000, key: true },
    { ptsS: 0.2, bytes: 650, key: false },
    { ptsS: 0.6, bytes: 80, key: false },
    { ptsS: 1.2, bytes: 700, key: false },
  ];
  const s = splitIdle(packets, { bytes: { moof: 200 }, count: { moof: 2 } }, 162_000, 200);
  expect(s.keyframes).toEqual({ count: 1, bytes: 160_000 });
  expect(s.changes).toEqual({ count: 2, bytes: 1350 });
  expect(s.heartbeats).toEqual({ count: 1, bytes: 80 });
  expect(s.container).toEqual({ bytes: 162_000 - 161_430, fragments: 2 });
});

test('the sweep centre is the integer CRF where SSIM falls to the target, and a curve is read between its bracketing points', () => {
  const points = [{ crf: 15, ssimDb: 40 }, { crf: 19, ssimDb: 38 }, { crf: 23, ssimDb: 36 }];
  expect(centreOf(points, 37)).toBe(21);
  expect(centreOf(points, 41)).toBe(13); // extrapolated beyond the sweep
  expect(interpolate([{ x: 36, y: 10 }, { x: 38, y: 20 }], 37)).toEqual({ y: 15, extrapolated: false });
  expect(interpolate([{ x: 36, y: 10 }, { x: 38, y: 20 }], 39).extrapolated).toBe(true);
});

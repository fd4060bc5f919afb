import { progressLine } from '../../src/verify/progressLine';
import { quoted, shown } from '../../src/verify/report';

function target(isTTY: boolean) {
  const writes: string[] = [];
  return { isTTY, writes, write: (text: string) => writes.push(text) };
}

test('on a terminal: one line redrawn in place, throttled, the final state always drawn, erased at the end', () => {
  const t = target(true);
  let now = 0;
  const line = progressLine(t, { now: () => now, intervalMs: 100 });
  line.update({ segmentsDone: 0, segments: 2, bytesDone: 0, bytes: 2_000_000 });
  now = 50;
  line.update({ segmentsDone: 0, segments: 2, bytesDone: 500_000, bytes: 2_000_000 }); // throttled
  now = 150;
  line.update({ segmentsDone: 1, segments: 2, bytesDone: 1_000_000, bytes: 2_000_000 });
  now = 160;
  line.update({ segmentsDone: 2, segments: 2, bytesDone: 2_000_000, bytes: 2_000_000 }); // final: not throttled
  line.done();
  expect(t.writes).toEqual([
    '\r\x1b[Kverifying: 0/2 segments, 0.0/2.0 MB (0 %)',
    '\r\x1b[Kverifying: 1/2 segments, 1.0/2.0 MB (50 %)',
    '\r\x1b[Kverifying: 2/2 segments, 2.0/2.0 MB (100 %)',
    '\r\x1b[K',
  ]);
  expect(t.writes.join('')).not.toContain('\n');
});

test('not a terminal: nothing at all', () => {
  const t = target(false);
  const line = progressLine(t);
  line.update({ segmentsDone: 1, segments: 1, bytesDone: 1, bytes: 1 });
  line.done();
  expect(t.writes).toEqual([]);
});

test('untrusted values are printed plain when harmless, JSON-escaped otherwise (controls, bidi, line separators)', () => {
  expect(shown('20261127T062409.123Z-video.mp4')).toBe('20261127T062409.123Z-video.mp4');
  expect(shown('José/山田')).toBe('José/山田');
  expect(shown('a b')).toBe('"a b"');
  expect(shown('x\n\u001b[31m')).toBe('"x\\n\\u001b[31m"');
  expect(shown('evil\u202Egnp.mp4')).toBe('"evil\\u202egnp.mp4"');
  expect(shown('a\u2028b\u0085c')).toBe('"a\\u2028b\\u0085c"');
  expect(quoted('alice')).toBe('"alice"');
  expect(quoted('\u{E0001}')).toBe('"\\udb40\\udc01"');
});

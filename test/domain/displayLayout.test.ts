import { sameCapture, type DisplayLayout } from '../../src/domain/displayLayout';

const root = (width: number, monitors: DisplayLayout['monitors'], composed?: boolean): DisplayLayout => ({
  x: 0, y: 0, width, height: 1080, monitors, ...(composed ? { composedFromMonitors: true } : {}),
});
const one = [{ name: 'VNC-0', primary: false, x: 0, y: 0, width: 3840, height: 1080 }];
const two = [
  { name: 'L', primary: false, x: 0, y: 0, width: 1920, height: 1080 },
  { name: 'R', primary: false, x: 1920, y: 0, width: 1920, height: 1080 },
];

test('X11 / Windows: a new monitor split of the same grabbed area is the same capture', () => {
  expect(sameCapture(root(3840, one), root(3840, two))).toBe(true);
});

test('a different area is a different capture', () => {
  expect(sameCapture(root(3840, one), root(1920, one))).toBe(false);
  expect(sameCapture(root(3840, one), { ...root(3840, one), x: -1 })).toBe(false);
});

test('a capture composed per monitor (macOS) changes with the monitors', () => {
  expect(sameCapture(root(3840, one, true), root(3840, two, true))).toBe(false);
  expect(sameCapture(root(3840, two, true), root(3840, two, true))).toBe(true);
});

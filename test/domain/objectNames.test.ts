import {
  contentTypeFor,
  endKey,
  formatStartUtc,
  joinKey,
  manifestKey,
  metadataKey,
  parseStartUtc,
  segmentKey,
} from '../../src/domain/objectNames';

const T = Date.parse('2026-11-27T06:24:09.123Z');

test('start times are compact UTC with milliseconds, sort in time order and parse back', () => {
  expect(formatStartUtc(T)).toBe('20261127T062409.123Z');
  expect(formatStartUtc(Date.parse('2026-01-02T03:04:05.006Z'))).toBe('20260102T030405.006Z');
  const times = [T + 10, T, T + 86_400_000, T - 1, T + 1_000];
  const names = times.map(formatStartUtc);
  expect([...names].sort()).toEqual([...times].sort((a, b) => a - b).map(formatStartUtc));
  expect(parseStartUtc('20261127T062409.123Z')).toBe(T);
  expect(parseStartUtc('2026-11-27T06:24:09.123Z')).toBeUndefined();
  expect(() => formatStartUtc(Number.NaN)).toThrow(/finite/);
});

test('keys inside a session prefix', () => {
  const p = 'stack/fleet/session/';
  expect(metadataKey(p, T)).toBe('stack/fleet/session/20261127T062409.123Z-metadata.json');
  expect(segmentKey(p, T)).toBe('stack/fleet/session/20261127T062409.123Z-video.mp4');
  expect(segmentKey(p, T, 'ts')).toBe('stack/fleet/session/20261127T062409.123Z-video.ts');
  expect(manifestKey(p)).toBe('stack/fleet/session/manifest.json');
  expect(endKey(p)).toBe('stack/fleet/session/end.json');
});

test('joining adds a missing "/" and refuses names that would leave the prefix', () => {
  expect(joinKey('a/b', 'x.json')).toBe('a/b/x.json');
  expect(joinKey('', 'x.json')).toBe('x.json');
  for (const bad of ['', '.', '..', 'a/b', '../x']) expect(() => joinKey('p/', bad)).toThrow(/without "\/"/);
});

test('content types by extension', () => {
  expect(contentTypeFor('a-video.mp4')).toBe('video/mp4');
  expect(contentTypeFor('a-video.ts')).toBe('video/mp2t');
  expect(contentTypeFor('manifest.json')).toBe('application/json');
  expect(contentTypeFor('noext')).toBe('application/octet-stream');
});

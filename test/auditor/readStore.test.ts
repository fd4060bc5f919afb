import { levelProblem } from '../../src/domain/objectStore';
import { parseRangeHeader } from '../../src/auditor/rangeHeader';
import { looksLikeSession, parseSessionRoot, parseSessionUrl } from '../../src/auditor/sessionLocation';
import { parseTime, overlaps } from '../../src/auditor/timeWindow';
import { printable } from '../../src/auditor/listFormat';

test('HTTP Range headers as players send them', () => {
  expect(parseRangeHeader(undefined, 1000)).toBeUndefined();
  expect(parseRangeHeader('bytes=0-', 1000)).toEqual({ start: 0, end: 999 });
  expect(parseRangeHeader('bytes=100-199', 1000)).toEqual({ start: 100, end: 199 });
  expect(parseRangeHeader('bytes=900-5000', 1000)).toEqual({ start: 900, end: 999 });
  expect(parseRangeHeader('bytes=-100', 1000)).toEqual({ start: 900, end: 999 });
  expect(parseRangeHeader('bytes=1000-', 1000)).toBe('unsatisfiable');
  expect(parseRangeHeader('bytes=5-2', 1000)).toBe('unsatisfiable');
  expect(parseRangeHeader('bytes=0-1,5-6', 1000)).toBeUndefined(); // multiple ranges: served whole
});

test('levels of the key layout', () => {
  expect(levelProblem('')).toBeUndefined();
  expect(levelProblem('stack/fleet/')).toBeUndefined();
  expect(levelProblem('stack')).toBe('does not end with "/"');
  expect(levelProblem('stack/../')).toBe('has an empty, "." or ".." component');
});

test('session URLs: the last three components are the session, the rest the destination', () => {
  expect(parseSessionUrl('s3://bucket/tenant/a/Stack_A-0123456789abcdef/fleet-1/sess-1/')).toEqual({
    destination: { kind: 's3', bucket: 'bucket', prefix: 'tenant/a/', url: 's3://bucket/tenant/a/' },
    sessionPrefix: 'Stack_A-0123456789abcdef/fleet-1/sess-1/',
  });
  expect(parseSessionUrl('s3://bucket/s/f/x')).toMatchObject({ destination: { prefix: '', url: 's3://bucket/' }, sessionPrefix: 's/f/x/' });
  expect(parseSessionUrl('file:///srv/rec/s/f/x')).toEqual({ destination: { kind: 'file', dir: '/srv/rec', url: 'file:///srv/rec' }, sessionPrefix: 's/f/x/' });
  expect(() => parseSessionUrl('s3://bucket/s/f/')).toThrow('names no session');
  expect(() => parseSessionUrl('s3://bucket')).toThrow('names a whole bucket; expected the URL of one session');
  expect(parseSessionRoot('s3://bucket/tenant/s/f/x')).toEqual({
    destination: { kind: 's3', bucket: 'bucket', prefix: 'tenant/s/f/x/', url: 's3://bucket/tenant/s/f/x/' },
    location: 'tenant/s/f/x/',
  });
  expect(parseSessionRoot('file:///srv/rec/s/f/x')).toEqual({ destination: { kind: 'file', dir: '/srv/rec/s/f/x', url: 'file:///srv/rec/s/f/x' }, location: '/srv/rec/s/f/x' });
  expect(looksLikeSession(['20261124T090000.000Z-metadata.json'])).toBe(true);
  expect(looksLikeSession(['other.txt'])).toBe(false);
});

test('--since/--until and the overlap rule', () => {
  expect(parseTime('--since', '2026-11-24')).toBe(Date.parse('2026-11-24T00:00:00Z'));
  expect(parseTime('--since', '2026-11-24T09:30:00Z')).toBe(Date.parse('2026-11-24T09:30:00Z'));
  expect(() => parseTime('--until', 'tuesday')).toThrow('--until: expected a date like 2026-11-24 (UTC) or an ISO 8601 time like 2026-11-24T09:30:00Z, got "tuesday"');
  const w = { since: 100, until: 200 };
  expect([overlaps(w, 50, 99), overlaps(w, 50, 100), overlaps(w, 199, 300), overlaps(w, 200, 300)]).toEqual([false, true, true, false]);
});

test('untrusted names cannot drive the terminal', () => {
  expect(printable('eve\u001b[2J\u202e')).toBe('eve?[2J?');
  expect(printable('x'.repeat(50), 10)).toBe('xxxxxxxxx…');
});

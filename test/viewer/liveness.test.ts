import { liveness, SILENT_SLACK_SECONDS, summaryHasEnd } from '../../src/viewer/liveness';

const NOW = Date.parse('2026-12-01T10:00:00.000Z');
const ago = (s: number): string => new Date(NOW - s * 1000).toISOString();

test('no end marker and a segment landed within two segment lengths and the slack: live', () => {
  expect(liveness({ hasEnd: false, lastSegmentEnd: ago(70), segmentSeconds: 60, nowMs: NOW })).toEqual({ state: 'live', since: ago(70) });
  expect(liveness({ hasEnd: false, lastSegmentEnd: ago(2 * 60 + SILENT_SLACK_SECONDS), segmentSeconds: 60, nowMs: NOW }).state).toBe('live');
});

test('no end marker and nothing new for longer: silent (the recorder may be gone), still not ended', () => {
  expect(liveness({ hasEnd: false, lastSegmentEnd: ago(2 * 60 + SILENT_SLACK_SECONDS + 1), segmentSeconds: 60, nowMs: NOW }).state).toBe('silent');
  expect(liveness({ hasEnd: false, lastSegmentEnd: ago(200), segmentSeconds: 2, nowMs: NOW }).state).toBe('silent');
});

test('before the first segment lands, the start counts; with neither, silent', () => {
  expect(liveness({ hasEnd: false, start: ago(30), nowMs: NOW })).toEqual({ state: 'live', since: ago(30) });
  expect(liveness({ hasEnd: false, nowMs: NOW })).toEqual({ state: 'silent', since: null });
});

test('an end marker ends it, however recent the last segment', () => {
  expect(liveness({ hasEnd: true, lastSegmentEnd: ago(1), segmentSeconds: 2, nowMs: NOW })).toEqual({ state: 'ended', since: ago(1) });
});

test("a summary has an end marker unless its problems say there is none (a broken one is still one)", () => {
  expect(summaryHasEnd({ endReason: 'sentinel', problems: [] })).toBe(true);
  expect(summaryHasEnd({ problems: ['no end.json: the session is still open, or its recorder stopped before closing it'] })).toBe(false);
  expect(summaryHasEnd({ problems: ['end.json: Expected an object'] })).toBe(true);
});

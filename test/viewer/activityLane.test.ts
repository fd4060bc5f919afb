import { ACTIVITY_FORMAT, type ActivityEvent, type ActivityObject, type WindowInfo } from '../../src/domain/activity';
import { joinLanes, LANE_LIMITS, objectLane, stretchAt, type LanePart } from '../../src/viewer/activityLane';

const T0 = Date.parse('2026-12-01T09:00:00.000Z');
const at = (s: number): string => new Date(T0 + s * 1000).toISOString();
const win = (id: string, title: string, app: string | null = 'XTerm'): WindowInfo => ({ id, title, app, pid: 42 });

function object(from: number, to: number, events: ActivityEvent[], initial: Partial<ActivityObject['initial']> = {}, unobserved: ActivityObject['unobserved'] = []): ActivityObject {
  return {
    format: ACTIVITY_FORMAT, sessionPrefix: 'st/fl/s1/', source: 'x11-active-window', start: at(from), end: at(to),
    initial: { focus: null, windows: [], idleSince: null, ...initial }, events, unobserved,
  };
}

const ok = (o: ActivityObject): LanePart => ({ kind: 'ok', lane: objectLane(o, T0) });

test('the focused window in front, stretch by stretch, in seconds from the timeline start', () => {
  const mail = win('0x1', 'Inbox — Mail', 'Thunderbird');
  const term = win('0x2', 'INVOICE 4417 — bash', 'XTerm');
  const lane = objectLane(object(0, 10, [
    { at: at(3), kind: 'focus', window: term },
    { at: at(7.5), kind: 'focus', window: mail },
  ], { focus: mail, windows: [mail, term] }), T0);
  expect(lane.windows).toEqual([
    { from: 0, to: 3, title: 'Inbox — Mail', app: 'Thunderbird', how: 'focused' },
    { from: 3, to: 7.5, title: 'INVOICE 4417 — bash', app: 'XTerm', how: 'focused' },
    { from: 7.5, to: 10, title: 'Inbox — Mail', app: 'Thunderbird', how: 'focused' },
  ]);
});

test('without a focused window the top visible one is in front; a retitle of the focused window shows', () => {
  const a = win('0xa', 'first');
  const b = win('0xb', 'second');
  const lane = objectLane(object(0, 9, [
    { at: at(2), kind: 'windows', windows: [a, b] },
    { at: at(4), kind: 'focus', window: a },
    { at: at(6), kind: 'windows', windows: [{ ...a, title: 'first, renamed' }, b] },
    { at: at(8), kind: 'windows', windows: [] },
    { at: at(8), kind: 'focus', window: null },
  ], { windows: [a] }), T0);
  expect(lane.windows.map((w) => [w.from, w.to, w.title, w.how])).toEqual([
    [0, 2, 'first', 'top'],
    [2, 4, 'second', 'top'],
    [4, 6, 'first', 'focused'],
    [6, 8, 'first, renamed', 'focused'],
    [8, 9, '', 'none'],
  ]);
});

test('idle stretches from the idle report back to when input stopped, until input again or the object ends', () => {
  const lane = objectLane(object(10, 20, [
    { at: at(14), kind: 'idle', since: at(12) },
    { at: at(16), kind: 'active' },
    { at: at(19), kind: 'idle', since: at(18) },
  ]), T0);
  expect(lane.idle).toEqual([{ from: 12, to: 16 }, { from: 18, to: 20 }]);
});

test('what could not be observed is kept with its cause, clamped to the object', () => {
  const lane = objectLane(object(0, 10, [], {}, [{ start: at(-5), end: at(4), cause: 'X connection lost' }]), T0);
  expect(lane.unobserved).toEqual([{ from: 0, to: 4, cause: 'X connection lost' }]);
});

test('joined over segments: a window that stays in front is one stretch; idle carries across objects', () => {
  const term = win('0x2', 'bash');
  const parts = [
    ok(object(0, 10, [{ at: at(8), kind: 'idle', since: at(6) }], { focus: term, windows: [term] })),
    ok(object(10, 20, [{ at: at(13), kind: 'active' }], { focus: term, windows: [term], idleSince: at(6) })),
  ];
  const lane = joinLanes(parts);
  expect(lane).toMatchObject({ available: true, segments: 2, segmentsWithActivity: 2, problems: [], truncated: false });
  expect(lane.windows).toEqual([{ from: 0, to: 20, title: 'bash', app: 'XTerm', how: 'focused' }]);
  expect(lane.idle).toEqual([{ from: 6, to: 13 }]);
});

test('a segment whose object failed its check is a problem at its place, not a window; none at all: no lane', () => {
  const term = win('0x2', 'bash');
  const lane = joinLanes([
    ok(object(0, 10, [], { focus: term, windows: [term] })),
    { kind: 'problem', problem: { from: 10, to: 20, problem: 'SHA-256 differs' } },
    { kind: 'none' },
  ]);
  expect(lane.windows).toEqual([{ from: 0, to: 10, title: 'bash', app: 'XTerm', how: 'focused' }]);
  expect(lane.problems).toEqual([{ from: 10, to: 20, problem: 'SHA-256 differs' }]);
  expect(lane.segmentsWithActivity).toBe(2);
  expect(joinLanes([{ kind: 'none' }, { kind: 'none' }])).toMatchObject({ available: false, segments: 2, segmentsWithActivity: 0, windows: [] });
});

test('titles pass through as the text they are (the page renders text, never HTML)', () => {
  const hostile = win('0x6', '<img src=x onerror=alert(1)> & "quotes"');
  const lane = objectLane(object(0, 5, [], { focus: hostile, windows: [hostile] }), T0);
  expect(lane.windows[0]?.title).toBe('<img src=x onerror=alert(1)> & "quotes"');
});

test('stretchAt finds the stretch holding a time, and nothing between or beyond', () => {
  const spans = [{ from: 0, to: 3 }, { from: 3, to: 7.5 }, { from: 9, to: 10 }];
  expect(stretchAt(spans, 0)).toBe(spans[0]);
  expect(stretchAt(spans, 3)).toBe(spans[1]);
  expect(stretchAt(spans, 7.49)).toBe(spans[1]);
  expect(stretchAt(spans, 8)).toBeUndefined();
  expect(stretchAt(spans, 10)).toBeUndefined();
  expect(stretchAt([], 1)).toBeUndefined();
});

test('a runaway track is cut at LANE_LIMITS.maxStretches of each kind, and says so', () => {
  const events: ActivityEvent[] = [];
  for (let i = 0; i < LANE_LIMITS.maxStretches + 10; i++) {
    events.push({ at: at(i * 0.1), kind: 'focus', window: win(`0x${i}`, `w${i % 2}`) });
    events.push({ at: at(i * 0.1 + 0.01), kind: 'idle', since: at(i * 0.1 + 0.01) });
    events.push({ at: at(i * 0.1 + 0.05), kind: 'active' });
  }
  const lane = joinLanes([ok(object(0, (LANE_LIMITS.maxStretches + 10) * 0.1, events))]);
  expect(lane.truncated).toBe(true);
  expect(lane.windows).toHaveLength(LANE_LIMITS.maxStretches);
  expect(lane.idle).toHaveLength(LANE_LIMITS.maxStretches);
});

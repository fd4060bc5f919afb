import { ACTIVITY_LIMITS, parseActivity, serializeActivity, type WindowInfo } from '../../src/domain/activity';
import { ActivityTrack, NOT_YET_OBSERVED, RECORDER_GONE, TOO_MANY_EVENTS, TRACK_CLOSED } from '../../src/domain/activityCut';
import { type JournalRecord, parseJournal, serializeRecord } from '../../src/domain/activityJournal';

const T = Date.parse('2026-12-02T10:00:00.000Z');
const iso = (s: number): string => new Date(T + s * 1000).toISOString();
const PREFIX = 'st/fl/se/';
const xterm: WindowInfo = { id: '0x80000c', title: 'INVOICE 4417', app: 'XTerm', pid: 4242 };

function cut(track: ActivityTrack, from: number, to: number) {
  const object = track.cut({ sessionPrefix: PREFIX, startMs: T + from * 1000, endMs: T + to * 1000 });
  // Every cut object is valid by the shared format's own parser.
  expect(parseActivity(serializeActivity(object))).toEqual(object);
  return object;
}

describe('ActivityTrack', () => {
  it('cuts objects that follow each other, each with the state at its start', () => {
    const track = new ActivityTrack('x11-focus');
    track.add([
      { k: 'begin', at: iso(0.1), pid: 1 },
      { k: 'observed', at: iso(0.2), source: 'x11-focus', state: { focus: null, windows: [], idleSince: null } },
      { k: 'event', event: { at: iso(3), kind: 'windows', windows: [xterm] } },
      { k: 'event', event: { at: iso(7), kind: 'windows', windows: [{ ...xterm, title: 'renamed' }] } },
    ]);
    const first = cut(track, 0, 5);
    expect(first.start).toBe(iso(0));
    expect(first.end).toBe(iso(5));
    expect(first.events).toEqual([{ at: iso(3), kind: 'windows', windows: [xterm] }]);
    expect(first.unobserved).toEqual([{ start: iso(0), end: iso(0.2), cause: NOT_YET_OBSERVED }]);
    const second = cut(track, 5, 10);
    expect(second.initial.windows).toEqual([xterm]);
    expect(second.events.map((e) => e.kind)).toEqual(['windows']);
    expect(second.unobserved).toEqual([]);
  });

  it('gives the same object when the same stretch is cut again (a retried upload)', () => {
    const track = new ActivityTrack('x11-focus');
    track.add([{ k: 'observed', at: iso(1), source: 'x11-focus', state: { focus: xterm, windows: [xterm], idleSince: null } }]);
    const a = cut(track, 0, 5);
    expect(cut(track, 0, 5)).toBe(a);
  });

  it('marks a lost source as unobserved with its cause until it is observed again, and diffs the new view', () => {
    const track = new ActivityTrack('x11-focus');
    track.add([
      { k: 'observed', at: iso(0), source: 'x11-focus', state: { focus: xterm, windows: [xterm], idleSince: null } },
      { k: 'lost', at: iso(2), cause: 'X connection closed by the server' },
      { k: 'observed', at: iso(8), source: 'x11-focus', state: { focus: null, windows: [], idleSince: null } },
    ]);
    const first = cut(track, 0, 5);
    expect(first.unobserved).toEqual([{ start: iso(2), end: iso(5), cause: 'X connection closed by the server' }]);
    const second = cut(track, 5, 10);
    expect(second.unobserved).toEqual([{ start: iso(5), end: iso(8), cause: 'X connection closed by the server' }]);
    expect(second.events).toEqual([
      { at: iso(8), kind: 'focus', window: null },
      { at: iso(8), kind: 'windows', windows: [] },
    ]);
  });

  it('a new recorder after a killed one: unobserved from the dead one\'s last record', () => {
    const track = new ActivityTrack('x11-focus');
    track.add([
      { k: 'observed', at: iso(0), source: 'x11-focus', state: { focus: xterm, windows: [xterm], idleSince: null } },
      { k: 'alive', at: iso(3) },
      { k: 'begin', at: iso(6), pid: 2 },
      { k: 'observed', at: iso(7), source: 'x11-active-window', state: { focus: xterm, windows: [xterm], idleSince: null } },
    ]);
    const object = cut(track, 0, 10);
    expect(object.unobserved).toEqual([{ start: iso(3), end: iso(7), cause: RECORDER_GONE }]);
    expect(object.source).toBe('x11-active-window');
    expect(object.events).toEqual([]);
  });

  it('after the track was closed nothing is observed; with a dead writer, nothing past its last record', () => {
    const closed = new ActivityTrack('x11-focus');
    closed.add([
      { k: 'observed', at: iso(0), source: 'x11-focus', state: { focus: null, windows: [], idleSince: null } },
      { k: 'end', at: iso(4) },
    ]);
    expect(cut(closed, 0, 6).unobserved).toEqual([{ start: iso(4), end: iso(6), cause: TRACK_CLOSED }]);

    const dead = new ActivityTrack('x11-focus', true);
    dead.add([
      { k: 'observed', at: iso(0), source: 'x11-focus', state: { focus: null, windows: [], idleSince: null } },
      { k: 'event', event: { at: iso(2), kind: 'windows', windows: [xterm] } },
    ]);
    expect(cut(dead, 0, 6).unobserved).toEqual([{ start: iso(2), end: iso(6), cause: RECORDER_GONE }]);
  });

  it('with no journal at all, the whole stretch is unobserved', () => {
    const object = cut(new ActivityTrack('windows-foreground'), 0, 5);
    expect(object.source).toBe('windows-foreground');
    expect(object.unobserved).toEqual([{ start: iso(0), end: iso(5), cause: NOT_YET_OBSERVED }]);
  });

  it('an end before the start (a late partial segment) gives an empty stretch at the start', () => {
    const track = new ActivityTrack('x11-focus');
    const object = cut(track, 5, 3);
    expect(object.start).toBe(object.end);
  });
});

describe('parseJournal', () => {
  it('reads complete lines, skips a torn tail and counts bad lines', () => {
    const records: JournalRecord[] = [
      { k: 'begin', at: iso(0), pid: 7 },
      { k: 'event', event: { at: iso(1), kind: 'active' } },
    ];
    const text = `${records.map(serializeRecord).join('')}{"k":"nonsense"}\n{"k":"event","ev`;
    const parsed = parseJournal(text);
    expect(parsed.records).toEqual(records);
    expect(parsed.badLines).toBe(1);
    expect(parsed.consumedBytes).toBe(Buffer.byteLength(text) - Buffer.byteLength('{"k":"event","ev'));
  });

  it('counts bytes, not characters (titles are UTF-8)', () => {
    const line = serializeRecord({ k: 'event', event: { at: iso(1), kind: 'windows', windows: [{ ...xterm, title: 'Überweisung ✓' }] } });
    expect(parseJournal(line).consumedBytes).toBe(Buffer.byteLength(line));
  });
});

describe('limits', () => {
  it('a flood of changes is cut to the format\'s limits, and the rest of the stretch is said to be unobserved', () => {
    const track = new ActivityTrack('x11-focus');
    const many = Array.from({ length: 256 }, (_, i) => ({ id: `0x${i.toString(16)}`, title: 'T'.repeat(1024), app: 'A'.repeat(64), pid: 1000 + i }));
    track.add([{ k: 'observed', at: iso(0), source: 'x11-focus', state: { focus: null, windows: [], idleSince: null } }]);
    track.add(Array.from({ length: 40 }, (_, n) => ({ k: 'event' as const, event: { at: iso(1 + n * 0.1), kind: 'windows' as const, windows: many.map((w) => ({ ...w, title: `${n}${w.title.slice(1)}` })) } })));
    const object = cut(track, 0, 10);
    expect(Buffer.byteLength(serializeActivity(object))).toBeLessThanOrEqual(ACTIVITY_LIMITS.maxBytes);
    expect(object.events.length).toBeGreaterThan(0);
    expect(object.events.length).toBeLessThan(40);
    const last = object.events[object.events.length - 1]!;
    expect(object.unobserved).toEqual([{ start: last.at, end: iso(10), cause: TOO_MANY_EVENTS }]);
  });
});

import { ACTIVITY_LIMITS, type WindowInfo } from '../../src/domain/activity';
import { EMPTY_ACTIVITY_STATE, applyActivityEvent, boundedWindow, boundedWindows, diffActivity } from '../../src/domain/activityState';

const xterm: WindowInfo = { id: '0x80000c', title: 'ZEBRA-LEDGER-9931', app: 'XTerm', pid: 20946 };
const at = '2026-12-02T01:52:37.420Z';

describe('diffActivity', () => {
  it('says nothing when nothing changed', () => {
    const state = { focus: xterm, windows: [xterm], idleSince: null };
    expect(diffActivity(state, { ...state, windows: [{ ...xterm }] }, at)).toEqual([]);
  });

  it('reports a mapped window as the whole list, and a focus change', () => {
    const next = { focus: xterm, windows: [xterm], idleSince: null };
    expect(diffActivity(EMPTY_ACTIVITY_STATE, next, at)).toEqual([
      { at, kind: 'focus', window: xterm },
      { at, kind: 'windows', windows: [xterm] },
    ]);
  });

  it('reports a retitled focused window in both focus and windows', () => {
    const before = { focus: xterm, windows: [xterm], idleSince: null };
    const renamed = { ...xterm, title: 'renamed' };
    const events = diffActivity(before, { focus: renamed, windows: [renamed], idleSince: null }, at);
    expect(events.map((e) => e.kind)).toEqual(['focus', 'windows']);
  });

  it('reports idle and active edges', () => {
    const since = '2026-12-02T01:51:00.000Z';
    expect(diffActivity(EMPTY_ACTIVITY_STATE, { ...EMPTY_ACTIVITY_STATE, idleSince: since }, at)).toEqual([{ at, kind: 'idle', since }]);
    expect(diffActivity({ ...EMPTY_ACTIVITY_STATE, idleSince: since }, EMPTY_ACTIVITY_STATE, at)).toEqual([{ at, kind: 'active' }]);
  });

  it('applying the diff gives the new state', () => {
    const next = { focus: xterm, windows: [xterm], idleSince: '2026-12-02T01:51:00.000Z' };
    const state = diffActivity(EMPTY_ACTIVITY_STATE, next, at).reduce(applyActivityEvent, EMPTY_ACTIVITY_STATE);
    expect(state).toEqual(next);
  });
});

describe('bounds', () => {
  it('cuts titles to the limit without splitting a surrogate pair', () => {
    const title = `${'a'.repeat(ACTIVITY_LIMITS.maxTitleChars - 1)}😀tail`;
    const kept = boundedWindow({ ...xterm, title }).title;
    expect(kept).toBe('a'.repeat(ACTIVITY_LIMITS.maxTitleChars - 1));
  });

  it('keeps the top of the stack when there are too many windows, and drops bad pids', () => {
    const many = Array.from({ length: ACTIVITY_LIMITS.maxWindows + 10 }, (_, i) => ({ ...xterm, id: `0x${i.toString(16)}`, pid: i === 300 ? -1 : 5 }));
    const kept = boundedWindows(many);
    expect(kept).toHaveLength(ACTIVITY_LIMITS.maxWindows);
    expect(kept[kept.length - 1]?.id).toBe(`0x${(ACTIVITY_LIMITS.maxWindows + 9).toString(16)}`);
    expect(boundedWindow({ ...xterm, pid: 0 }).pid).toBeNull();
  });
});

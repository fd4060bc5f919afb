/**
 * The live watcher's logic with a hand-driven timer and an in-memory "store": one watcher per
 * session whatever the number of listeners, a read only when the listing changed, no more
 * polling once ended or unwatched, a cap on sessions, errors reported and polling kept up.
 */
import { createSessionWatch, type WatchedUpdate } from '../../src/viewer/sessionWatch';

interface View { segments: number; ended: boolean }

function harness(maxSessions = 2) {
  const timers: { fn: () => void; ms: number; cleared: boolean }[] = [];
  const listing = new Map<string, string>();
  const views = new Map<string, View>();
  const calls = { probe: 0, read: 0 };
  const failing = new Set<string>();
  const watch = createSessionWatch<View>({
    probe: async (prefix) => {
      calls.probe += 1;
      if (failing.delete(prefix)) throw new Error('store down');
      return listing.get(prefix) ?? '';
    },
    read: async (prefix) => {
      calls.read += 1;
      return views.get(prefix);
    },
    ended: (v) => v.ended,
    intervalMs: 5000,
    maxSessions,
    setTimer: (fn, ms) => {
      const t = { fn, ms, cleared: false };
      timers.push(t);
      return t;
    },
    clearTimer: (t) => void ((t as { cleared: boolean }).cleared = true),
  });
  const settle = () => new Promise((r) => setImmediate(r));
  /** Fires the pending timers (the next poll of each watched session) and lets the polls finish. */
  const tick = async () => {
    const due = timers.splice(0).filter((t) => !t.cleared);
    for (const t of due) t.fn();
    await settle();
  };
  const land = (prefix: string, segments: number, ended = false) => {
    listing.set(prefix, `objects ${segments} ${ended}`);
    views.set(prefix, { segments, ended });
  };
  return { watch, calls, timers, tick, settle, land, fail: (prefix: string) => failing.add(prefix) };
}

test('two pages on one session share one watcher; a read only when the listing changed; each change reaches both', async () => {
  const h = harness();
  h.land('a/', 1);
  const first: WatchedUpdate<View>[] = [];
  const second: WatchedUpdate<View>[] = [];
  const stopFirst = h.watch.subscribe('a/', (u) => first.push(u));
  await h.settle();
  h.watch.subscribe('a/', (u) => second.push(u));
  expect(h.watch.watching()).toEqual(['a/']);
  expect(second).toEqual([{ view: { segments: 1, ended: false } }]); // the latest, at once
  await h.tick();
  await h.tick();
  expect(h.calls).toEqual({ probe: 3, read: 1 }); // unchanged listing: LIST only
  h.land('a/', 2);
  await h.tick();
  expect(h.calls).toEqual({ probe: 4, read: 2 });
  expect(first.map((u) => u.view?.segments)).toEqual([1, 2]);
  expect(second.map((u) => u.view?.segments)).toEqual([1, 2]);
  expect(h.timers.map((t) => t.ms)).toEqual([5000]);
  stopFirst?.();
  expect(h.watch.watching()).toEqual(['a/']);
});

test('once ended the watcher stops polling; the last listener gone, the watcher goes', async () => {
  const h = harness();
  h.land('a/', 3);
  const seen: WatchedUpdate<View>[] = [];
  const stop = h.watch.subscribe('a/', (u) => seen.push(u));
  await h.settle();
  h.land('a/', 3, true);
  await h.tick();
  expect(seen.at(-1)).toEqual({ view: { segments: 3, ended: true } });
  expect(h.timers).toEqual([]); // no next poll scheduled
  stop?.();
  expect(h.watch.watching()).toEqual([]);
});

test('an unwatched session is not polled again', async () => {
  const h = harness();
  h.land('a/', 1);
  const stop = h.watch.subscribe('a/', () => undefined);
  await h.settle();
  stop?.();
  expect(h.timers.every((t) => t.cleared)).toBe(true);
  const before = h.calls.probe;
  await h.tick();
  expect(h.calls.probe).toBe(before);
});

test('at most maxSessions sessions are watched; a store error is reported and polling goes on', async () => {
  const h = harness(2);
  h.land('a/', 1);
  h.land('b/', 1);
  expect(h.watch.subscribe('a/', () => undefined)).toBeDefined();
  const seen: WatchedUpdate<View>[] = [];
  expect(h.watch.subscribe('b/', (u) => seen.push(u))).toBeDefined();
  expect(h.watch.subscribe('c/', () => undefined)).toBeUndefined();
  await h.settle();
  h.fail('b/');
  await h.tick();
  const failed = seen.find((u) => u.error !== undefined);
  expect(failed?.error).toBe('store down');
  expect(failed?.view ?? seen.find((u) => u.view)?.view).toEqual({ segments: 1, ended: false });
  h.land('b/', 2);
  await h.tick();
  expect(seen.at(-1)).toEqual({ view: { segments: 2, ended: false } });
  h.watch.close();
  expect(h.watch.watching()).toEqual([]);
});

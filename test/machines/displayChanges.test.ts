/**
 * The display-change policy of the recorder machine (issue 3), with fake actors and a simulated
 * clock: the first change restarts at once, later ones inside the cooldown are held and applied
 * together with the newest layout, a layout that flaps back costs nothing, and a monitor-only
 * change inside the same grabbed area needs no restart.
 */
import type { DisplayLayout } from '../../src/domain/displayLayout';
import { fullHd, layout, recording, startRecorder, testConfig } from './fakeActors';

const cooldown = testConfig.displayRestartCooldownMs ?? 2_000;


function change(r: ReturnType<typeof recording>, to: DisplayLayout) {
  r.say('displayPoller', { type: 'display.changed', layout: to });
  r.clock.increment(0); // restartDelay is 0 after a display change
}

test('the first change after a quiet time restarts at once', () => {
  const r = recording();
  change(r, layout(1280, 720));
  expect(r.state()).toBe('recording');
  expect(r.ffmpegRuns.map((run) => run.input.layout.width)).toEqual([1920, 1280]);
});

test('a flapping display (a change every 300 ms for 6 s) restarts once per cooldown, ending on the newest layout', () => {
  const r = recording();
  const sizes = [1280, 1600, 1024, 1920, 1440, 800];
  let last = fullHd;
  for (let i = 0; i < 20; i++) {
    last = layout(sizes[i % sizes.length]!, 720 + i);
    change(r, last);
    r.ffmpeg.start();
    r.advance(300);
  }
  r.advance(cooldown + 100);
  expect(r.state()).toBe('recording');
  expect(r.ffmpeg.input.layout).toEqual(last);
  // 6 s of changes: the immediate restart plus at most one per cooldown, not 20.
  const restarts = r.ffmpegRuns.length - 1;
  expect(restarts).toBeGreaterThanOrEqual(2);
  expect(restarts).toBeLessThanOrEqual(1 + Math.ceil(6_000 / cooldown));
  for (const run of r.ffmpegRuns.slice(0, -1)) expect(run.received).toEqual(['ffmpeg.finish']);
});

test('a layout that flaps back to the captured one within the cooldown restarts nothing', () => {
  const r = recording();
  const small = layout(1280, 720);
  change(r, small);
  expect(r.ffmpegRuns).toHaveLength(2);
  change(r, layout(1920, 1080));
  change(r, small);
  r.advance(cooldown + 100);
  expect(r.ffmpegRuns).toHaveLength(2);
  expect(r.actor.getSnapshot().context.displayCooldown).toBe(false);
  // After the cooldown the next change is immediate again.
  change(r, layout(1024, 768));
  expect(r.ffmpegRuns).toHaveLength(3);
});

test('a monitor-only change inside the same root (xrandr --setmonitor) restarts nothing but is remembered', () => {
  const r = recording();
  const twoMonitors = layout(1920, 1080, 2);
  change(r, twoMonitors);
  expect(r.state()).toBe('recording');
  expect(r.ffmpegRuns).toHaveLength(1);
  expect(r.actor.getSnapshot().context.layout).toEqual(twoMonitors);
  // The next real change captures the newest layout, monitors included.
  const wide = layout(3840, 1080, 2);
  change(r, wide);
  expect(r.ffmpeg.input.layout).toEqual(wide);
});

test('where the capture is composed per monitor (macOS), a monitor change in the same area restarts', () => {
  const composed = (l: DisplayLayout): DisplayLayout => ({ ...l, composedFromMonitors: true });
  const r = startRecorder();
  r.say('displayPoller', { type: 'display.detected', layout: composed(layout(2880, 900, 2)) });
  const swapped = composed({ ...layout(2880, 900, 2), monitors: [...layout(2880, 900, 2).monitors].reverse() });
  change(r, swapped);
  expect(r.ffmpegRuns).toHaveLength(2);
  expect(r.ffmpeg.input.layout).toEqual(swapped);
});

test('FFmpeg exiting during the cooldown with a held change (a shrunk screen) restarts at once and is not a crash', () => {
  const r = recording();
  change(r, layout(2560, 1440));
  r.ffmpeg.start();
  r.advance(200);
  const shrunk = layout(1280, 720);
  change(r, shrunk); // held: the cooldown runs
  expect(r.ffmpegRuns).toHaveLength(2);
  r.ffmpeg.exit(0); // x11grab exits 0 when the root shrinks under it
  r.clock.increment(0);
  expect(r.state()).toBe('recording');
  expect(r.ffmpeg.input.layout).toEqual(shrunk);
  expect(r.actor.getSnapshot().context).toMatchObject({ consecutiveFailures: 0, restartReason: 'display' });
});

test('a new layout during a crash backoff starts the capture at once', () => {
  const r = recording();
  r.ffmpeg.exit(1);
  r.clock.increment(0);
  r.ffmpeg.exit(1); // second crash: backoff restartBackoffBaseMs
  expect(r.state()).toEqual({ restarting: 'waiting' });
  const bigger = layout(2560, 1440);
  r.say('displayPoller', { type: 'display.changed', layout: bigger });
  expect(r.state()).toBe('recording');
  expect(r.ffmpegRuns).toHaveLength(3);
  expect(r.ffmpeg.input.layout).toEqual(bigger);
});

test('the sentinel during the cooldown drains without applying the held change', () => {
  const r = recording();
  change(r, layout(1280, 720));
  r.ffmpeg.start();
  change(r, layout(1024, 768)); // held
  r.say('sentinelWatcher', { type: 'sentinel.appeared', path: '/run/s' });
  expect(r.actor.getSnapshot().matches('draining')).toBe(true);
  expect(r.ffmpeg.received).toEqual(['ffmpeg.finish']);
  r.advance(cooldown + 100);
  expect(r.ffmpegRuns).toHaveLength(2);
});

/**
 * Unit tests (fake actors, simulated clock) of what the machine does for coverage: immediate
 * restart of a lost capture vs backoff of a start failure, the run records it sends the uploader,
 * bursts of interruptions ("tamper suspected"), and display stalls. The same behaviour with real
 * FFmpeg on Xvfb: test/e2e/coverage.test.ts.
 */
import type { RecorderEmitted, UploaderCommand } from '../../src/machines/recorderEvents';
import { fullHd, layout, recording } from './fakeActors';

const X_CUT = '[x11grab @ 0x5584271f2a00] Failed to query xcb pointer\n:77: Generic error in an external library';

function runRecords(commands: readonly UploaderCommand[]) {
  return commands.flatMap((c) => (c.type === 'uploader.runEnded' ? [c.run] : []));
}

/** Steps the simulated clock until the machine is recording again; the time it took. */
function timeToRestart(r: ReturnType<typeof recording>): number {
  let waited = 0;
  while (r.state() !== 'recording') {
    r.clock.increment(100);
    waited += 100;
    if (waited > 120_000) throw new Error('never restarted');
  }
  return waited;
}

describe('a lost capture comes back at once', () => {
  test('a run that captured and lost its X connection restarts without backoff, every time', () => {
    const r = recording();
    const delays: number[] = [];
    for (let cut = 0; cut < 6; cut++) {
      r.ffmpeg.capture();
      r.clock.increment(5_000);
      r.ffmpeg.exit(0, null, X_CUT);
      delays.push(timeToRestart(r));
      r.ffmpeg.start();
    }
    expect(delays).toEqual([100, 100, 100, 100, 100, 100]); // one clock tick each: no backoff
    const runs = runRecords(r.uploaderCommands);
    expect(runs).toHaveLength(6);
    for (const run of runs) expect(run).toMatchObject({ end: { cause: 'x-connection-lost', code: 0 }, firstFrameAtMs: expect.any(Number), endedAtMs: expect.any(Number) });
  });

  test('runs that never capture a frame (an FFmpeg that fails to start) back off', () => {
    const r = recording();
    const delays: number[] = [];
    for (let attempt = 0; attempt < 4; attempt++) {
      r.ffmpeg.exit(0);
      delays.push(timeToRestart(r));
      r.ffmpeg.start();
    }
    expect(delays).toEqual([100, 1000, 2000, 4000]);
    expect(runRecords(r.uploaderCommands).map((run) => run.end.cause)).toEqual(['ffmpeg-exited', 'ffmpeg-exited', 'ffmpeg-exited', 'ffmpeg-exited']);
  });

  test('a failure to start is recorded as such', () => {
    const r = recording();
    r.ffmpeg.capture();
    r.ffmpeg.exit(1, null, 'av_interleaved_write_frame(): No space left on device');
    timeToRestart(r);
    r.ffmpeg.failToStart('spawn ffmpeg ENOENT');
    expect(runRecords(r.uploaderCommands).map((run) => run.end.cause)).toEqual(['disk-full', 'failed-to-start']);
  });
});

describe('tamper suspected', () => {
  test('the third interruption within a minute is emitted once as a burst', () => {
    const r = recording();
    const emitted: RecorderEmitted[] = [];
    r.actor.on('recorder.tamperSuspected', (e) => void emitted.push(e));
    for (let cut = 0; cut < 5; cut++) {
      r.ffmpeg.capture();
      r.clock.increment(5_000);
      r.ffmpeg.exit(0, null, X_CUT);
      if (cut === 1) expect(emitted).toEqual([]);
      timeToRestart(r);
      r.ffmpeg.start();
    }
    expect(emitted).toEqual([expect.objectContaining({ type: 'recorder.tamperSuspected', recentInterruptions: 3 })]);
  });

  test('interruptions spread over more than a minute are no burst', () => {
    const r = recording();
    const emitted: RecorderEmitted[] = [];
    r.actor.on('recorder.tamperSuspected', (e) => void emitted.push(e));
    for (let cut = 0; cut < 4; cut++) {
      r.ffmpeg.capture();
      r.clock.increment(31_000);
      r.ffmpeg.exit(0, null, X_CUT);
      timeToRestart(r);
      r.ffmpeg.start();
    }
    expect(runRecords(r.uploaderCommands)).toHaveLength(4);
    expect(emitted).toEqual([]);
  });
});

describe('display stalls and asked-for stops', () => {
  test('a stall is sent to the uploader when it starts and when it ends, and counts as an interruption', () => {
    const r = recording();
    r.ffmpeg.capture();
    const since = r.clock.now();
    r.say('displayPoller', { type: 'display.stalled', sinceMs: since });
    r.clock.increment(10_000);
    r.say('displayPoller', { type: 'display.answering', sinceMs: since, atMs: r.clock.now() });
    const stalls = r.uploaderCommands.filter((c) => c.type === 'uploader.stall');
    expect(stalls).toEqual([
      { type: 'uploader.stall', stall: { startMs: since, endMs: null } },
      { type: 'uploader.stall', stall: { startMs: since, endMs: since + 10_000 } },
    ]);
    expect(r.actor.getSnapshot().context.interruptionTimesMs).toEqual([since]);
    expect(r.state()).toBe('recording'); // FFmpeg keeps running: the stall is a gap, not a restart
  });

  test('a layout restart and the session end are recorded with their causes; the stop time is asked for first', () => {
    const r = recording();
    r.ffmpeg.capture();
    r.say('displayPoller', { type: 'display.changed', layout: layout(1280, 720) });
    expect(r.ffmpegRuns[0]!.received).toEqual(['ffmpeg.finish']); // stopped with "q" (the fake obeys at once)
    timeToRestart(r);
    r.ffmpeg.start();
    r.ffmpeg.capture();
    r.say('sentinelWatcher', { type: 'sentinel.appeared', path: '/run/s' });
    const types = r.uploaderCommands.map((c) => c.type);
    expect(types.indexOf('uploader.stopRequested')).toBeLessThan(types.lastIndexOf('uploader.runEnded'));
    expect(runRecords(r.uploaderCommands).map((run) => run.end.cause)).toEqual(['layout-change', 'stop-requested']);
    expect(r.ffmpegRuns[0]!.input.layout).toEqual(fullHd);
  });
});

describe('a shrunk screen reported after FFmpeg already exited', () => {
  // x11grab exits (code 0) the moment the screen shrinks; on a loaded machine the display poller
  // reports the change later, after the restart with the old size failed too.
  test('the exit and the failed restart are recorded again as the layout change, and leave the burst window', () => {
    const r = recording();
    r.ffmpeg.capture();
    r.clock.increment(5_000);
    r.ffmpeg.exit(0);
    timeToRestart(r);
    r.ffmpeg.start();
    r.ffmpeg.exit(1, null, '[x11grab @ 0x1] Capture area 1920x1080 at position 0.0 outside the screen size 1280x720');
    expect(runRecords(r.uploaderCommands).map((run) => run.end.cause)).toEqual(['ffmpeg-exited', 'ffmpeg-exited']);
    expect(r.actor.getSnapshot().context.interruptionTimesMs).toHaveLength(2);

    r.say('displayPoller', { type: 'display.changed', layout: layout(1280, 720) });
    const runs = runRecords(r.uploaderCommands);
    const lastRecordOf = new Map(runs.map((run) => [run.runId, run.end.cause]));
    expect([...lastRecordOf.values()]).toEqual(['layout-change', 'layout-change']);
    expect(r.actor.getSnapshot().context.interruptionTimesMs).toEqual([]);
    timeToRestart(r);
    r.ffmpeg.start();
    expect(r.ffmpegRuns[r.ffmpegRuns.length - 1]!.input.layout).toEqual(layout(1280, 720));
  });

  test('a loss followed by a capturing run is not explained by a later layout change', () => {
    const r = recording();
    r.ffmpeg.capture();
    r.clock.increment(5_000);
    r.ffmpeg.exit(0, null, X_CUT);
    timeToRestart(r);
    r.ffmpeg.start();
    r.ffmpeg.capture(); // the restart captured with the old size: the loss was not the layout's doing
    r.clock.increment(5_000);
    r.say('displayPoller', { type: 'display.changed', layout: layout(1280, 720) });
    timeToRestart(r);
    r.ffmpeg.start();
    const causes = new Map(runRecords(r.uploaderCommands).map((run) => [run.runId, run.end.cause]));
    expect([...causes.values()]).toEqual(['x-connection-lost', 'layout-change']);
  });

  test("a layout change that the lost run's capture still covers explains nothing", () => {
    const r = recording();
    r.ffmpeg.capture();
    r.clock.increment(5_000);
    r.ffmpeg.exit(0, null, X_CUT);
    r.say('displayPoller', { type: 'display.changed', layout: fullHd });
    expect(runRecords(r.uploaderCommands).map((run) => run.end.cause)).toEqual(['x-connection-lost']);
    expect(r.actor.getSnapshot().context.interruptionTimesMs).toHaveLength(1);
  });
});

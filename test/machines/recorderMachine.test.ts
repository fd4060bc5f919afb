import { restartDelayMs } from '../../src/machines/recorderMachine';
import { initialContext } from '../../src/machines/recorderContext';
import { durable, fullHd, layout, recording, segment, startRecorder, testConfig } from './fakeActors';



describe('idle', () => {
  test('waits for the display, then captures exactly that layout', () => {
    const r = startRecorder();
    expect(r.state()).toBe('idle');
    expect(r.ffmpegRuns).toHaveLength(0);
    r.say('displayPoller', { type: 'display.detected', layout: fullHd });
    expect(r.state()).toBe('recording');
    expect(r.ffmpegRuns).toHaveLength(1);
    expect(r.ffmpeg.input.layout).toEqual(fullHd);
  });

  test('sentinel before the display and before any segment: finishes at once with exit 0', () => {
    const r = startRecorder();
    r.say('sentinelWatcher', { type: 'sentinel.appeared', path: '/run/s' });
    expect(r.state()).toEqual({ draining: 'finalizing' });
    expect(r.uploaderCommands.map((c) => c.type)).toEqual(['uploader.stopRequested', 'uploader.drain', 'uploader.finalize']);
    r.say('uploader', { type: 'upload.finalized', leftInSpool: 0 });
    expect(r.actor.getSnapshot().status).toBe('done');
    expect(r.actor.getSnapshot().output).toMatchObject({ exitCode: 0, stopReason: 'sentinel /run/s' });
    expect(r.ffmpegRuns).toHaveLength(0);
  });
});

describe('recording', () => {
  test('every closed segment is queued for upload at once and counted when durable', () => {
    const r = recording();
    const first = segment('run-1', 0);
    r.say('segmentWatcher', { type: 'segment.closed', segment: first });
    expect(r.uploaderCommands).toEqual([{ type: 'uploader.enqueue', segment: first }]);
    expect(r.actor.getSnapshot().context.pendingUploads).toBe(1);
    r.say('uploader', { type: 'upload.done', segment: durable(first), pending: 0 });
    expect(r.actor.getSnapshot().context).toMatchObject({ pendingUploads: 0, segmentsUploaded: 1, bytesUploaded: 1000 });
    expect(r.state()).toBe('recording');
  });

  test.each([0, 1, 255, null])('an FFmpeg exit nobody asked for (code %p) restarts the capture at once', (code) => {
    const r = recording();
    r.ffmpeg.exit(code, code === null ? 'SIGKILL' : null);
    expect(r.state()).toEqual({ restarting: 'waiting' });
    expect(r.watcherCommands).toEqual([{ type: 'segments.runEnded', runId: 'run-1' }]);
    expect(r.ffmpegRuns[0]!.stopped).toBe(true);
    r.advance(0, 1);
    r.clock.increment(0);
    expect(r.state()).toBe('recording');
    expect(r.ffmpegRuns).toHaveLength(2);
    expect(r.ffmpeg.input.layout).toEqual(fullHd);
  });

  test('a crash loop backs off exponentially and a stable run forgives it', () => {
    const r = recording();
    const delays: number[] = [];
    for (let crash = 0; crash < 5; crash++) {
      r.ffmpeg.exit(1);
      let waited = 0;
      while (r.state() !== 'recording') {
        r.clock.increment(100);
        waited += 100;
        if (waited > 60_000) throw new Error('never restarted');
      }
      delays.push(waited);
      r.ffmpeg.start();
    }
    // First restart immediate (one tick), then 1 s, 2 s, 4 s, 8 s.
    expect(delays).toEqual([100, 1000, 2000, 4000, 8000]);
    r.advance(testConfig.stableRunMs + 100, 1000);
    expect(r.actor.getSnapshot().context.consecutiveFailures).toBe(0);
  });

  test('FFmpeg that cannot start is retried with backoff, not abandoned', () => {
    const r = recording();
    r.ffmpeg.exit(1);
    r.clock.increment(1);
    r.ffmpeg.failToStart('spawn ffmpeg ENOENT');
    expect(r.state()).toEqual({ restarting: 'waiting' });
    expect(r.actor.getSnapshot().context.lastExit?.stderrTail).toBe('spawn ffmpeg ENOENT');
    r.advance(testConfig.restartBackoffBaseMs);
    expect(r.state()).toBe('recording');
    expect(r.ffmpegRuns).toHaveLength(3);
  });

  test('stale events of an earlier run are ignored', () => {
    const r = recording();
    r.ffmpeg.exit(0);
    r.clock.increment(1);
    expect(r.state()).toBe('recording');
    r.ffmpeg.start();
    r.ffmpegRuns[0]!.exit(0); // late duplicate from run-1
    expect(r.state()).toBe('recording');
  });
});

describe('restarting on display changes', () => {
  test('a new layout stops FFmpeg with "q" and captures the new layout immediately', () => {
    const r = recording();
    const small = layout(1280, 720);
    r.say('displayPoller', { type: 'display.changed', layout: small });
    // The fake obeys "q" at once, like a real FFmpeg within ~300 ms.
    expect(r.state()).toEqual({ restarting: 'waiting' });
    expect(r.ffmpegRuns[0]!.received).toEqual(['ffmpeg.finish']);
    r.clock.increment(0);
    expect(r.state()).toBe('recording');
    expect(r.ffmpegRuns).toHaveLength(2);
    expect(r.ffmpeg.input.layout).toEqual(small);
    expect(r.watcherCommands).toEqual([{ type: 'segments.runEnded', runId: 'run-1' }]);
  });

  test('the same layout again does not restart', () => {
    const r = recording();
    r.say('displayPoller', { type: 'display.changed', layout: layout(1920, 1080) });
    expect(r.state()).toBe('recording');
    expect(r.ffmpegRuns).toHaveLength(1);
  });

  test('a stubborn FFmpeg is escalated: q, then SIGTERM after stopTimeout, then SIGKILL of the tree', () => {
    const r = recording({ ffmpegObeys: false });
    r.say('displayPoller', { type: 'display.changed', layout: layout(800, 600) });
    r.advance(testConfig.stopTimeoutMs);
    expect(r.state()).toEqual({ restarting: 'terminating' });
    r.advance(testConfig.killTimeoutMs);
    expect(r.state()).toEqual({ restarting: 'killing' });
    expect(r.ffmpegRuns[0]!.received).toEqual(['ffmpeg.finish', 'ffmpeg.terminate', 'ffmpeg.kill']);
    r.ffmpeg.exit(null, 'SIGKILL');
    r.clock.increment(0);
    expect(r.state()).toBe('recording');
  });

  test('FFmpeg that survives even SIGKILL is abandoned (its segments still settled) and capture restarts', () => {
    const r = recording({ ffmpegObeys: false });
    r.say('displayPoller', { type: 'display.changed', layout: layout(800, 600) });
    r.advance(testConfig.stopTimeoutMs + 2 * testConfig.killTimeoutMs + 100);
    expect(r.state()).toBe('recording');
    expect(r.ffmpegRuns).toHaveLength(2);
    expect(r.ffmpegRuns[0]!.stopped).toBe(true);
    expect(r.watcherCommands).toEqual([{ type: 'segments.runEnded', runId: 'run-1' }]);
  });

  test('a change during restarting is not lost: the next capture uses the newest layout', () => {
    const r = recording({ ffmpegObeys: false });
    r.say('displayPoller', { type: 'display.changed', layout: layout(1280, 720) });
    r.say('displayPoller', { type: 'display.changed', layout: layout(3840, 1080, 2) });
    r.ffmpeg.exit(0);
    r.clock.increment(0);
    expect(r.state()).toBe('recording');
    expect(r.ffmpeg.input.layout).toEqual(layout(3840, 1080, 2));
    expect(r.ffmpegRuns).toHaveLength(2);
  });

  test('three changes within 100 ms: one restart at once, one more with the newest layout after the cooldown', () => {
    const r = recording();
    r.say('displayPoller', { type: 'display.changed', layout: layout(1280, 720) });
    r.clock.increment(30);
    r.ffmpeg.start();
    r.say('displayPoller', { type: 'display.changed', layout: layout(1024, 768) });
    r.clock.increment(30);
    r.say('displayPoller', { type: 'display.changed', layout: layout(2560, 1440, 2) });
    r.clock.increment(40);
    // The first change restarted at once; the next two are held (see displayChanges.test.ts).
    expect(r.state()).toBe('recording');
    expect(r.ffmpegRuns).toHaveLength(2);
    r.advance(testConfig.displayRestartCooldownMs ?? 2_000);
    expect(r.state()).toBe('recording');
    expect(r.ffmpegRuns).toHaveLength(3);
    expect(r.ffmpeg.input.layout).toEqual(layout(2560, 1440, 2));
    // Every capture but the last was stopped cleanly with "q".
    for (const run of r.ffmpegRuns.slice(0, -1)) expect(run.received[0]).toBe('ffmpeg.finish');
  });

  test('a change and then the sentinel drains without starting another capture', () => {
    const r = recording({ ffmpegObeys: false });
    r.say('displayPoller', { type: 'display.changed', layout: layout(1280, 720) });
    r.say('sentinelWatcher', { type: 'sentinel.appeared', path: '/run/s' });
    expect(r.state()).toEqual({ draining: { flushing: 'stopping' } });
    r.ffmpeg.exit(0);
    expect(r.state()).toEqual({ draining: { flushing: 'settling' } });
    r.say('segmentWatcher', { type: 'segments.runSettled', runId: 'run-1' });
    expect(r.state()).toEqual({ draining: 'finalizing' });
    expect(r.ffmpegRuns).toHaveLength(1);
  });
});

describe('draining', () => {
  test('sentinel: stops FFmpeg cleanly, waits for the last segment, uploads it, finalizes, exit 0', () => {
    const r = recording();
    r.say('segmentWatcher', { type: 'segment.closed', segment: segment('run-1', 0) });
    r.say('sentinelWatcher', { type: 'sentinel.appeared', path: '/run/s' });
    expect(r.ffmpeg.received).toEqual(['ffmpeg.finish']);
    expect(r.state()).toEqual({ draining: { flushing: 'settling' } });
    const last = segment('run-1', 1);
    r.say('segmentWatcher', { type: 'segment.closed', segment: last });
    r.say('segmentWatcher', { type: 'segments.runSettled', runId: 'run-1' });
    expect(r.state()).toEqual({ draining: { flushing: 'uploading' } });
    r.say('uploader', { type: 'upload.done', segment: durable(segment('run-1', 0)), pending: 1 });
    expect(r.state()).toEqual({ draining: { flushing: 'uploading' } });
    r.say('uploader', { type: 'upload.done', segment: durable(last), pending: 0 });
    expect(r.state()).toEqual({ draining: 'finalizing' });
    expect(r.uploaderCommands.map((c) => c.type)).toEqual(['uploader.enqueue', 'uploader.stopRequested', 'uploader.drain', 'uploader.runEnded', 'uploader.enqueue', 'uploader.finalize']);
    r.say('uploader', { type: 'upload.finalized', leftInSpool: 0 });
    expect(r.actor.getSnapshot().output).toMatchObject({ exitCode: 0, segmentsUploaded: 2, leftInSpool: 0 });
  });

  test('SIGTERM of the recorder drains like the sentinel', () => {
    const r = recording();
    r.say('sentinelWatcher', { type: 'recorder.stop', reason: 'SIGTERM' });
    expect(r.ffmpeg.received).toEqual(['ffmpeg.finish']);
    r.say('segmentWatcher', { type: 'segments.runSettled', runId: 'run-1' });
    r.say('uploader', { type: 'upload.finalized', leftInSpool: 0 });
    expect(r.actor.getSnapshot().output).toMatchObject({ exitCode: 0, stopReason: 'SIGTERM' });
  });

  test('sentinel during restarting (FFmpeg already gone) drains without a new capture', () => {
    const r = recording({ config: { restartBackoffBaseMs: 10_000 } });
    r.ffmpeg.exit(1);
    r.clock.increment(1);
    r.ffmpeg.start();
    r.ffmpeg.exit(1); // second crash: waiting 10 s
    expect(r.state()).toEqual({ restarting: 'waiting' });
    r.say('sentinelWatcher', { type: 'sentinel.appeared', path: '/run/s' });
    expect(r.state()).toEqual({ draining: { flushing: 'settling' } });
    r.say('segmentWatcher', { type: 'segments.runSettled', runId: 'run-1' });
    r.say('segmentWatcher', { type: 'segments.runSettled', runId: 'run-2' });
    expect(r.state()).toEqual({ draining: 'finalizing' });
    r.advance(20_000, 1000);
    expect(r.ffmpegRuns).toHaveLength(2);
  });

  test('an upload failure then success still ends with exit 0', () => {
    const r = recording();
    const seg = segment('run-1', 0);
    r.say('segmentWatcher', { type: 'segment.closed', segment: seg });
    r.say('uploader', { type: 'upload.failed', key: 'k', attempt: 1, retryInMs: 500, message: 'ECONNREFUSED' });
    r.say('sentinelWatcher', { type: 'sentinel.appeared', path: '/run/s' });
    r.say('segmentWatcher', { type: 'segments.runSettled', runId: 'run-1' });
    r.say('uploader', { type: 'upload.failed', key: 'k', attempt: 2, retryInMs: 1000, message: 'ECONNREFUSED' });
    expect(r.state()).toEqual({ draining: { flushing: 'uploading' } });
    r.say('uploader', { type: 'upload.done', segment: durable(seg), pending: 0 });
    r.say('uploader', { type: 'upload.finalized', leftInSpool: 0 });
    expect(r.actor.getSnapshot().output).toMatchObject({ exitCode: 0 });
    expect(r.actor.getSnapshot().context.failedAttempts).toBe(2);
  });

  test('the drain budget bounds everything: a dead store ends in exit 3 within drainTimeout', () => {
    const r = recording({ ffmpegObeys: false });
    r.say('segmentWatcher', { type: 'segment.closed', segment: segment('run-1', 0) });
    r.say('sentinelWatcher', { type: 'sentinel.appeared', path: '/run/s' });
    // FFmpeg never exits, the watcher never settles, the uploader never answers.
    r.advance(testConfig.drainTimeoutMs - testConfig.finalizeReserveMs);
    expect(r.state()).toEqual({ draining: 'finalizing' });
    r.advance(testConfig.finalizeReserveMs);
    expect(r.actor.getSnapshot().status).toBe('done');
    expect(r.actor.getSnapshot().output).toMatchObject({ exitCode: 3, leftInSpool: null });
    expect(r.ffmpegRuns[0]!.stopped).toBe(true);
  });

  test('segments left in the spool make the exit code 3', () => {
    const r = recording();
    r.say('segmentWatcher', { type: 'segment.closed', segment: segment('run-1', 0) });
    r.say('sentinelWatcher', { type: 'sentinel.appeared', path: '/run/s' });
    r.say('segmentWatcher', { type: 'segments.runSettled', runId: 'run-1' });
    r.advance(testConfig.drainTimeoutMs - testConfig.finalizeReserveMs);
    r.say('uploader', { type: 'upload.finalized', leftInSpool: 1 });
    expect(r.actor.getSnapshot().output).toMatchObject({ exitCode: 3, leftInSpool: 1 });
  });

  test('a watcher that never settles cannot hold the drain: settleTimeout moves on', () => {
    const r = recording();
    r.say('sentinelWatcher', { type: 'sentinel.appeared', path: '/run/s' });
    r.advance(testConfig.settleTimeoutMs);
    expect(r.state()).toEqual({ draining: 'finalizing' });
  });
});

describe('restartDelayMs', () => {
  const base = initialContext({ config: testConfig });
  test('is zero after a layout change whatever the crash count', () => {
    expect(restartDelayMs({ ...base, restartReason: 'display', consecutiveFailures: 9 })).toBe(0);
  });
  test('caps at restartBackoffMaxMs', () => {
    expect(restartDelayMs({ ...base, restartReason: 'crash', consecutiveFailures: 40 })).toBe(testConfig.restartBackoffMaxMs);
  });
});

import { createActor, fromCallback } from 'xstate';
import { createInspectionStream, type InspectionUpdate, type TransitionRecord } from '../../src/inspector/inspectionStream';
import { scrub } from '../../src/inspector/eventSummary';
import { buildMachineGraph } from '../../src/inspector/machineGraph';
import { recorderMachine } from '../../src/machines/recorderMachine';
import { durable, layout, segment, startRecorder, testConfig } from '../machines/fakeActors';

const graph = buildMachineGraph(recorderMachine);

function watched(historyLimit?: number) {
  const stream = createInspectionStream({ graph, historyLimit });
  const r = startRecorder();
  r.clock.set(1_700_000_000_000);
  const updates: InspectionUpdate[] = [];
  stream.subscribe((u) => updates.push(u));
  stream.observe(r.actor);
  return { stream, r, updates };
}

describe('createInspectionStream', () => {
  test('given to createActor, it sees the machine start in idle', () => {
    const stream = createInspectionStream({ graph, now: () => 42 });
    const quiet = () => undefined;
    const machine = recorderMachine.provide({
      actors: { ffmpeg: fromCallback(quiet), displayPoller: fromCallback(quiet), segmentWatcher: fromCallback(quiet), sentinelWatcher: fromCallback(quiet), uploader: fromCallback(quiet) },
    });
    const actor = createActor(machine, { input: { config: testConfig }, inspect: stream.inspect });
    actor.start();
    expect(stream.history()).toEqual([{ seq: 1, time: 42, event: 'xstate.init', detail: {}, from: null, to: 'idle', changed: true, edges: [] }]);
    expect(stream.status()).toMatchObject({ machine: 'recorder', status: 'active', state: 'idle', active: ['recorder.idle'] });
    actor.stop();
  });

  test('records each event with from → to, the edges taken and a compact detail', () => {
    const { stream, r } = watched();
    r.say('displayPoller', { type: 'display.detected', layout: layout(1920, 1080, 2) });
    r.ffmpeg.start();
    const [attached, detected, started] = stream.history();
    expect(attached).toMatchObject({ event: 'inspector.attached', from: null, to: 'idle' });
    expect(detected).toMatchObject({
      event: 'display.detected', from: 'idle', to: 'recording', changed: true,
      detail: { size: '1920x1080', monitors: 2 }, edges: ['recorder.idle|display.detected|recorder.recording'],
    });
    expect(started).toMatchObject({ event: 'ffmpeg.started', from: 'recording', to: 'recording', changed: false, detail: { run: 'run-1', pid: 1001 } });
    expect(started?.edges).toEqual(['recorder.recording|ffmpeg.started|']);

    r.say('sentinelWatcher', { type: 'sentinel.appeared', path: '/run/rec/end' });
    // The fake FFmpeg obeys "q" at once, so the sentinel's record is followed by its exit.
    const [drain, exit] = stream.history().slice(-2) as [TransitionRecord, TransitionRecord];
    expect(exit).toMatchObject({ event: 'ffmpeg.exited', from: 'draining.flushing.stopping', to: 'draining.flushing.settling', detail: { run: 'run-1', code: 0, signal: null } });
    // the sentinel, then the eventless step into the live capture's graceful stop, in one record
    expect(drain).toMatchObject({ event: 'sentinel.appeared', from: 'recording', to: 'draining.flushing.stopping', detail: { path: '/run/rec/end' } });
    expect(drain.edges).toEqual([
      'recorder.recording|sentinel.appeared|recorder.draining',
      'recorder.draining.flushing.checkingCapture|always|recorder.draining.flushing.stopping',
    ]);
  });

  test('the status shows FFmpeg, the upload queue and the totals', () => {
    const { stream, r, updates } = watched();
    r.say('displayPoller', { type: 'display.detected', layout: layout(1280, 720) });
    r.ffmpeg.start();
    expect(stream.status().ffmpeg).toMatchObject({ running: true, runId: 'run-1', pid: 1001, runningSince: 1_700_000_000_000, writingSegment: 0, runs: 1 });
    const s0 = segment('run-1', 0);
    const s1 = segment('run-1', 1);
    r.say('segmentWatcher', { type: 'segment.closed', segment: s0 });
    r.say('segmentWatcher', { type: 'segment.closed', segment: s1 });
    r.say('uploader', { type: 'upload.started', key: durable(s0).key, attempt: 1 });
    r.say('uploader', { type: 'upload.done', segment: durable(s0), pending: 1 });
    r.say('uploader', { type: 'upload.started', key: durable(s1).key, attempt: 1 });
    let status = stream.status();
    expect(status.ffmpeg.writingSegment).toBe(2);
    expect(status.uploads).toMatchObject({ pending: 1, done: 1, bytes: 1000, failedAttempts: 0, lastKey: durable(s0).key });
    expect(status.uploads.inFlight).toEqual([{ key: durable(s1).key, attempt: 1, since: expect.any(Number) }]);

    r.say('uploader', { type: 'upload.failed', key: durable(s1).key, attempt: 1, retryInMs: 2000, message: 'connect ECONNREFUSED 127.0.0.1:9' });
    status = stream.status();
    expect(status.uploads.inFlight).toEqual([]);
    expect(status.uploads.retrying).toEqual([{ key: durable(s1).key, attempt: 1, retryAt: expect.any(Number), message: 'connect ECONNREFUSED 127.0.0.1:9' }]);
    expect(status.uploads.failedAttempts).toBe(1);
    expect(status.totals).toMatchObject({ segmentsClosed: 2, bytesClosed: 2000, segmentsUploaded: 1, bytesUploaded: 1000 });
    expect(status.display).toEqual({ size: '1280x720', monitors: 1, problem: null });
    expect(updates.at(-1)?.status).toEqual(status);

    r.say('sentinelWatcher', { type: 'sentinel.appeared', path: '/run/rec/end' });
    r.say('segmentWatcher', { type: 'segments.runSettled', runId: 'run-1' });
    r.say('uploader', { type: 'upload.done', segment: durable(s1), pending: 0 });
    r.say('uploader', { type: 'upload.finalized', leftInSpool: 0 });
    status = stream.status();
    expect(status).toMatchObject({ status: 'done', state: 'finished', active: ['recorder.finished'] });
    expect(status.ffmpeg).toMatchObject({ running: false, lastExit: { code: 0, signal: null, message: '' } });
    expect(status.drain).toMatchObject({ stopReason: 'sentinel /run/rec/end', leftInSpool: 0, exitCode: 0, budgetMs: testConfig.drainTimeoutMs });
    expect(status.drain.startedAt).not.toBeNull();
  });

  test('keeps a bounded history', () => {
    const { stream, r } = watched(5);
    r.say('displayPoller', { type: 'display.detected', layout: layout(1280, 720) });
    r.ffmpeg.start();
    for (let i = 0; i < 10; i += 1) r.say('segmentWatcher', { type: 'segment.closed', segment: segment('run-1', i) });
    const history = stream.history();
    expect(history).toHaveLength(5);
    expect(history.map((h) => h.seq)).toEqual([9, 10, 11, 12, 13]);
    expect(history.at(-1)?.detail).toEqual({ run: 'run-1', index: 9, bytes: 1000, seconds: 5, complete: true });
  });

  test('exposes only whitelisted fields: no configuration, no paths of segments, no credentials in messages', () => {
    const { stream, r } = watched();
    r.say('displayPoller', { type: 'display.detected', layout: layout(1280, 720) });
    r.ffmpeg.start();
    r.say('segmentWatcher', { type: 'segment.closed', segment: segment('run-1', 0) });
    r.say('uploader', {
      type: 'upload.failed', key: 'k', attempt: 1, retryInMs: 10,
      message: 'AccessDenied for AKIAABCDEFGHIJKLMNOP: https://b.s3/k?X-Amz-Signature=deadbeef&x=1 aws_secret_access_key=s3cr3t https://u:pa55@host/',
    });
    const everything = JSON.stringify({ status: stream.status(), history: stream.history() });
    for (const secret of ['AKIAABCDEFGHIJKLMNOP', 'deadbeef', 's3cr3t', 'pa55', '/spool/run-1', 'stopTimeoutMs', 'restartBackoff']) {
      expect(everything).not.toContain(secret);
    }
    expect(Object.keys(stream.status()).sort()).toEqual(['active', 'display', 'drain', 'ffmpeg', 'machine', 'startedAt', 'state', 'stateSince', 'status', 'totals', 'updatedAt', 'uploads']);
    expect(scrub('x'.repeat(500)).length).toBe(240);
  });

  test('a listener that throws does not disturb the machine', () => {
    const stream = createInspectionStream({ graph });
    const r = startRecorder();
    stream.subscribe(() => {
      throw new Error('socket gone');
    });
    stream.observe(r.actor);
    r.say('displayPoller', { type: 'display.detected', layout: layout(1280, 720) });
    expect(r.state()).toBe('recording');
    expect(stream.status().state).toBe('recording');
  });
});

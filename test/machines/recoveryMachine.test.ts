import { createActor, fromCallback, SimulatedClock } from 'xstate';
import { recoveryMachine, type RecoveryInput } from '../../src/machines/recoveryMachine';
import type { RecorderEvent, SegmentWatcherCommand, UploaderCommand } from '../../src/machines/recorderEvents';
import { durable, segment } from './fakeActors';

const INPUT: RecoveryInput = { runIds: ['run-1', 'run-2'], budgetMs: 50_000, finalizeReserveMs: 5_000, settleTimeoutMs: 3_000, reason: 'recovered: test' };

function start(input: Partial<RecoveryInput> = {}) {
  const clock = new SimulatedClock();
  const watcherCommands: SegmentWatcherCommand[] = [];
  const uploaderCommands: UploaderCommand[] = [];
  const senders: Partial<Record<'segmentWatcher' | 'uploader', (e: RecorderEvent) => void>> = {};
  const machine = recoveryMachine.provide({
    actors: {
      segmentWatcher: fromCallback<SegmentWatcherCommand, undefined>(({ sendBack, receive }) => {
        senders.segmentWatcher = sendBack;
        receive((c) => watcherCommands.push(c));
      }),
      uploader: fromCallback<UploaderCommand, undefined>(({ sendBack, receive }) => {
        senders.uploader = sendBack;
        receive((c) => uploaderCommands.push(c));
      }),
    },
  });
  const actor = createActor(machine, { input: { ...INPUT, ...input }, clock });
  actor.start();
  const say = (who: 'segmentWatcher' | 'uploader', event: RecorderEvent) => senders[who]?.(event);
  const state = () => JSON.stringify(actor.getSnapshot().value);
  return { actor, clock, watcherCommands, uploaderCommands, say, state };
}

test('asks the watcher to sweep every run, uploads what it reports, then finalizes with the recovery reason', () => {
  const r = start();
  expect(r.watcherCommands).toEqual([
    { type: 'segments.runEnded', runId: 'run-1' },
    { type: 'segments.runEnded', runId: 'run-2' },
  ]);
  expect(r.uploaderCommands).toEqual([{ type: 'uploader.drain' }]);
  const a = segment('run-1', 0);
  const b = { ...segment('run-1', 1), complete: false };
  r.say('segmentWatcher', { type: 'segment.closed', segment: a });
  r.say('segmentWatcher', { type: 'segment.closed', segment: b });
  r.say('segmentWatcher', { type: 'segments.runSettled', runId: 'run-1' });
  expect(r.state()).toBe('{"recovering":"settling"}');
  r.say('segmentWatcher', { type: 'segments.runSettled', runId: 'run-2' });
  expect(r.state()).toBe('{"recovering":"uploading"}');
  r.say('uploader', { type: 'upload.done', segment: durable(a), pending: 1 });
  expect(r.state()).toBe('{"recovering":"uploading"}');
  r.say('uploader', { type: 'upload.done', segment: durable(b), pending: 0 });
  expect(r.state()).toBe('"finalizing"');
  expect(r.uploaderCommands.at(-1)).toEqual({ type: 'uploader.finalize', reason: 'recovered: test' });
  r.say('uploader', { type: 'upload.finalized', leftInSpool: 0 });
  expect(r.actor.getSnapshot().status).toBe('done');
  expect(r.actor.getSnapshot().output).toEqual({
    exitCode: 0, leftInSpool: 0, segmentsFound: 2, segmentsUploaded: 2, bytesUploaded: 2000, failedAttempts: 0, message: null,
  });
});

test('a session without runs (only metadata or a manifest left) goes straight to finalizing', () => {
  const r = start({ runIds: [] });
  expect(r.state()).toBe('"finalizing"');
  r.say('uploader', { type: 'upload.finalized', leftInSpool: 0 });
  expect(r.actor.getSnapshot().output).toMatchObject({ exitCode: 0 });
});

test('the budget bounds the uploads: at budget minus reserve it finalizes, and what is left gives exit 3', () => {
  const r = start({ runIds: ['run-1'] });
  r.say('segmentWatcher', { type: 'segment.closed', segment: segment('run-1', 0) });
  r.say('segmentWatcher', { type: 'segments.runSettled', runId: 'run-1' });
  r.say('uploader', { type: 'upload.failed', key: 'k', attempt: 1, retryInMs: 1000, message: 'down' });
  r.clock.increment(44_999);
  expect(r.state()).toBe('{"recovering":"uploading"}');
  r.clock.increment(1);
  expect(r.state()).toBe('"finalizing"');
  r.say('uploader', { type: 'upload.finalized', leftInSpool: 3, message: 'manifest.json not uploaded' });
  expect(r.actor.getSnapshot().output).toMatchObject({ exitCode: 3, leftInSpool: 3, failedAttempts: 1, message: 'manifest.json not uploaded' });
});

test('a watcher that never settles a run does not block: settle timeout, then upload what was found', () => {
  const r = start({ runIds: ['run-1'] });
  r.clock.increment(3_000);
  expect(r.state()).toBe('"finalizing"');
});

test('finalize that never answers ends at the reserve with exit 3', () => {
  const r = start({ runIds: [] });
  r.clock.increment(5_000);
  expect(r.actor.getSnapshot().status).toBe('done');
  expect(r.actor.getSnapshot().output).toMatchObject({ exitCode: 3, leftInSpool: null });
});

test('recover.stop cuts the uploads short and finalizes at once', () => {
  const r = start({ runIds: ['run-1'] });
  r.say('segmentWatcher', { type: 'segment.closed', segment: segment('run-1', 0) });
  r.actor.send({ type: 'recover.stop' });
  expect(r.state()).toBe('"finalizing"');
});

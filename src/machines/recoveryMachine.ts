import { assign, enqueueActions, fromCallback, sendTo, setup, type EventObject } from 'xstate';
import type { RecorderEvent, SegmentWatcherCommand, UploaderCommand } from './recorderEvents';

/**
 * Finishing one session that no recorder owns any more (`recover`): the segment watcher reports
 * every segment its runs left (listed ones and the partial last one of each run), the uploader
 * makes them durable under the session's own keys and continues its manifest chain, then writes
 * end.json. Bounded like a drain: uploads get the budget minus a reserve kept for the manifest and
 * end marker. No capture, no display, no sentinel. Pure: the actors are given with `provide()`.
 */
export interface RecoveryInput {
  /** Run directories (`run-<ms>`) found in the session's spool dir. */
  readonly runIds: readonly string[];
  /** The whole recovery of this session, start to end.json. */
  readonly budgetMs: number;
  /** Part of the budget kept for manifest.json and end.json. */
  readonly finalizeReserveMs: number;
  /** How long the watcher gets to report the runs' segments. */
  readonly settleTimeoutMs: number;
  /** Written into end.json. */
  readonly reason: string;
}

export interface RecoveryContext extends RecoveryInput {
  readonly unsettledRuns: readonly string[];
  readonly pendingUploads: number;
  readonly segmentsFound: number;
  readonly segmentsUploaded: number;
  readonly bytesUploaded: number;
  readonly failedAttempts: number;
  readonly leftInSpool: number | null;
  readonly finalizeMessage: string | null;
}

export interface RecoveryOutput {
  /** 0: everything durable; 3: something is still in the spool. */
  readonly exitCode: 0 | 3;
  readonly leftInSpool: number | null;
  readonly segmentsFound: number;
  readonly segmentsUploaded: number;
  readonly bytesUploaded: number;
  readonly failedAttempts: number;
  readonly message: string | null;
}

/** Sent by whoever runs the recovery to cut it short: go straight to writing manifest and end marker. */
export type RecoveryEvent = RecorderEvent | { type: 'recover.stop' };

function mustBeProvided<TCommand extends EventObject>(name: string) {
  return fromCallback<TCommand, undefined>(() => {
    throw new Error(`recoveryMachine: the "${name}" actor must be given with machine.provide({ actors: { ${name} } })`);
  });
}

export const recoveryMachine = setup({
  types: {
    context: {} as RecoveryContext,
    events: {} as RecoveryEvent,
    input: {} as RecoveryInput,
    output: {} as RecoveryOutput,
  },
  actors: {
    segmentWatcher: mustBeProvided<SegmentWatcherCommand>('segmentWatcher'),
    uploader: mustBeProvided<UploaderCommand>('uploader'),
  },
  guards: {
    allRunsSettled: ({ context }) => context.unsettledRuns.length === 0,
    nothingPending: ({ context }) => context.pendingUploads === 0,
  },
  delays: {
    uploadBudget: ({ context }) => Math.max(0, context.budgetMs - context.finalizeReserveMs),
    finalizeReserve: ({ context }) => context.finalizeReserveMs,
    settleTimeout: ({ context }) => context.settleTimeoutMs,
  },
  actions: {
    askWatcherToSweepRuns: enqueueActions(({ context, enqueue }) => {
      for (const runId of context.runIds) {
        enqueue.sendTo('segmentWatcher', { type: 'segments.runEnded', runId } satisfies SegmentWatcherCommand);
      }
    }),
    switchUploaderToDrain: sendTo('uploader', { type: 'uploader.drain' } satisfies UploaderCommand),
    queueUpload: sendTo('uploader', ({ event }) => {
      if (event.type !== 'segment.closed') throw new Error(`queueUpload cannot handle ${event.type}`);
      return { type: 'uploader.enqueue', segment: event.segment } satisfies UploaderCommand;
    }),
    countFoundSegment: assign({
      pendingUploads: ({ context }) => context.pendingUploads + 1,
      segmentsFound: ({ context }) => context.segmentsFound + 1,
    }),
    countDurableSegment: assign({
      pendingUploads: ({ context }) => Math.max(0, context.pendingUploads - 1),
      segmentsUploaded: ({ context }) => context.segmentsUploaded + 1,
      bytesUploaded: ({ context, event }) => context.bytesUploaded + (event.type === 'upload.done' ? event.segment.bytes : 0),
    }),
    countFailedAttempt: assign({ failedAttempts: ({ context }) => context.failedAttempts + 1 }),
    recordRunSettled: assign({
      unsettledRuns: ({ context, event }) =>
        event.type === 'segments.runSettled' ? context.unsettledRuns.filter((id) => id !== event.runId) : context.unsettledRuns,
    }),
    finalizeUploads: sendTo('uploader', ({ context }) => ({ type: 'uploader.finalize', reason: context.reason }) satisfies UploaderCommand),
    recordFinalized: assign({
      leftInSpool: ({ event, context }) => (event.type === 'upload.finalized' ? event.leftInSpool : context.leftInSpool),
      finalizeMessage: ({ event, context }) => (event.type === 'upload.finalized' ? (event.message ?? null) : context.finalizeMessage),
    }),
  },
}).createMachine({
  id: 'recovery',
  description: "Uploads what a dead recorder left in one session's spool dir, then closes the session.",
  context: ({ input }) => ({
    ...input,
    unsettledRuns: [...input.runIds],
    pendingUploads: 0,
    segmentsFound: 0,
    segmentsUploaded: 0,
    bytesUploaded: 0,
    failedAttempts: 0,
    leftInSpool: null,
    finalizeMessage: null,
  }),
  invoke: [
    { id: 'segmentWatcher', src: 'segmentWatcher' },
    { id: 'uploader', src: 'uploader' },
  ],
  on: {
    'segment.closed': { actions: ['countFoundSegment', 'queueUpload'] },
    'upload.done': { actions: 'countDurableSegment' },
    'upload.failed': { actions: 'countFailedAttempt' },
    'segments.runSettled': { actions: 'recordRunSettled' },
  },
  initial: 'recovering',
  states: {
    recovering: {
      description: 'Bounded by the budget minus the reserve kept for the manifest and end marker.',
      entry: ['switchUploaderToDrain', 'askWatcherToSweepRuns'],
      after: { uploadBudget: 'finalizing' },
      on: { 'recover.stop': 'finalizing' },
      initial: 'settling',
      states: {
        settling: {
          description: 'The watcher reports every segment of every run, the partial last ones included.',
          always: { guard: 'allRunsSettled', target: 'uploading' },
          after: { settleTimeout: 'uploading' },
        },
        uploading: {
          description: 'Every segment found is queued; wait until the uploader made them durable.',
          always: { guard: 'nothingPending', target: '#recovery.finalizing' },
        },
      },
    },
    finalizing: {
      description: 'Write manifest.json and end.json (marked as recovered); what could not be uploaded stays in the spool.',
      entry: 'finalizeUploads',
      on: { 'upload.finalized': { target: 'done', actions: 'recordFinalized' } },
      after: { finalizeReserve: 'done' },
    },
    done: { type: 'final', description: 'Exit 0 when everything is durable, 3 when something stays in the spool.' },
  },
  output: ({ context }) => ({
    exitCode: context.leftInSpool === 0 && context.pendingUploads === 0 ? 0 : 3,
    leftInSpool: context.leftInSpool,
    segmentsFound: context.segmentsFound,
    segmentsUploaded: context.segmentsUploaded,
    bytesUploaded: context.bytesUploaded,
    failedAttempts: context.failedAttempts,
    message: context.finalizeMessage,
  }),
});

export type RecoveryMachine = typeof recoveryMachine;

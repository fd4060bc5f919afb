import { assertEvent, assign, enqueueActions, sendTo, setup } from 'xstate';
import { mustBeProvided } from './mustBeProvided';
import type { RecoveryEvent, SegmentWatcherCommand, UploaderCommand } from './recorderEvents';
import {
  allRunsSettled, countDurable, countFailed, countQueued, drainCommand, enqueueCommand, finalizeCommand, nothingPending, settleRun, uploadExitCode, type UploadTally,
} from './uploadBookkeeping';

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

export interface RecoveryContext extends RecoveryInput, UploadTally {
  readonly segmentsFound: number;
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

export type { RecoveryEvent } from './recorderEvents';

export const recoveryMachine = setup({
  types: {
    context: {} as RecoveryContext,
    events: {} as RecoveryEvent,
    input: {} as RecoveryInput,
    output: {} as RecoveryOutput,
  },
  actors: {
    segmentWatcher: mustBeProvided<SegmentWatcherCommand, undefined>('segmentWatcher', 'recoveryMachine'),
    uploader: mustBeProvided<UploaderCommand, undefined>('uploader', 'recoveryMachine'),
  },
  guards: { allRunsSettled, nothingPending },
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
    switchUploaderToDrain: sendTo('uploader', drainCommand),
    queueUpload: sendTo('uploader', ({ event }) => enqueueCommand(event)),
    countFoundSegment: assign(({ context }) => ({ ...countQueued(context), segmentsFound: context.segmentsFound + 1 })),
    countDurableSegment: assign(({ context, event }) => countDurable(context, event)),
    countFailedAttempt: assign(({ context }) => countFailed(context)),
    recordRunSettled: assign(({ context, event }) => settleRun(context, event)),
    finalizeUploads: sendTo('uploader', ({ context }) => finalizeCommand(context.reason)),
    recordFinalized: assign(({ event }) => {
      assertEvent(event, 'upload.finalized');
      return { leftInSpool: event.leftInSpool, finalizeMessage: event.message ?? null };
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
    exitCode: uploadExitCode(context),
    leftInSpool: context.leftInSpool,
    segmentsFound: context.segmentsFound,
    segmentsUploaded: context.segmentsUploaded,
    bytesUploaded: context.bytesUploaded,
    failedAttempts: context.failedAttempts,
    message: context.finalizeMessage,
  }),
});

export type RecoveryMachine = typeof recoveryMachine;

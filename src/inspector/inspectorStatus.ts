import type { RecorderContext } from '../machines/recorderContext';
import { scrub } from './eventSummary';

/**
 * What the page and /status.json show about the recorder. Built from whitelisted context fields
 * and a few facts learned from events (uploads in flight, the segment being written): never the
 * context itself, which holds configuration.
 */
export interface InspectorStatus {
  readonly machine: string;
  /** The actor's status; "waiting" until the first snapshot arrives. */
  readonly status: 'waiting' | 'active' | 'done' | 'error' | 'stopped';
  /** "draining.flushing.stopping". */
  readonly state: string;
  /** Active state node ids, ancestors included. */
  readonly active: readonly string[];
  readonly stateSince: number | null;
  readonly startedAt: number | null;
  readonly updatedAt: number | null;
  readonly ffmpeg: {
    readonly running: boolean;
    readonly runId: string | null;
    readonly pid: number | null;
    /** Epoch ms, from the machine's clock. */
    readonly runningSince: number | null;
    /** Index (in its run) of the segment FFmpeg is writing now: one past the last closed one. */
    readonly writingSegment: number | null;
    readonly runs: number;
    readonly consecutiveFailures: number;
    readonly restartReason: string | null;
    readonly lastExit: { readonly code: number | null; readonly signal: string | null; readonly message: string } | null;
  };
  readonly display: { readonly size: string | null; readonly monitors: number; readonly problem: string | null };
  readonly uploads: {
    readonly pending: number;
    readonly inFlight: readonly { readonly key: string; readonly attempt: number; readonly since: number }[];
    readonly retrying: readonly { readonly key: string; readonly attempt: number; readonly retryAt: number; readonly message: string }[];
    readonly done: number;
    readonly failedAttempts: number;
    readonly bytes: number;
    readonly lastKey: string | null;
  };
  readonly totals: {
    readonly segmentsClosed: number;
    readonly bytesClosed: number;
    readonly segmentsUploaded: number;
    readonly bytesUploaded: number;
    readonly events: number;
    readonly transitions: number;
  };
  readonly drain: {
    readonly budgetMs: number | null;
    readonly startedAt: number | null;
    readonly stopReason: string | null;
    readonly leftInSpool: number | null;
    readonly exitCode: number | null;
  };
}

/** Facts the inspector learns from events; the rest comes from the context. */
export interface ObservedFacts {
  readonly inFlight: ReadonlyMap<string, { attempt: number; since: number }>;
  readonly retrying: ReadonlyMap<string, { attempt: number; retryAt: number; message: string }>;
  /** Highest closed segment index per run. */
  readonly lastClosedIndex: ReadonlyMap<string, number>;
  readonly bytesClosed: number;
  readonly lastUploadedKey: string | null;
  readonly events: number;
  readonly transitions: number;
  readonly startedAt: number | null;
  readonly stateSince: number | null;
  readonly updatedAt: number | null;
  readonly drainStartedAt: number | null;
}

export interface StatusInput {
  readonly machine: string;
  readonly status: InspectorStatus['status'];
  readonly state: string;
  readonly active: readonly string[];
  /** The machine's context; read field by field, defensively. */
  readonly context: Partial<RecorderContext> | null;
  readonly exitCode: number | null;
  readonly facts: ObservedFacts;
}

export function buildStatus(input: StatusInput): InspectorStatus {
  const c = input.context ?? {};
  const run = c.run ?? null;
  const facts = input.facts;
  const lastClosed = run === null ? undefined : facts.lastClosedIndex.get(run.runId);
  return {
    machine: input.machine,
    status: input.status,
    state: input.state,
    active: input.active,
    stateSince: facts.stateSince,
    startedAt: facts.startedAt,
    updatedAt: facts.updatedAt,
    ffmpeg: {
      running: run !== null,
      runId: run?.runId ?? null,
      pid: run?.pid ?? null,
      runningSince: run?.startedAtMs ?? null,
      writingSegment: run === null ? null : (lastClosed ?? -1) + 1,
      runs: c.runCount ?? 0,
      consecutiveFailures: c.consecutiveFailures ?? 0,
      restartReason: c.restartReason ?? null,
      lastExit: c.lastExit ? { code: c.lastExit.code, signal: c.lastExit.signal, message: scrub(c.lastExit.stderrTail ?? '', 300) } : null,
    },
    display: {
      size: c.layout ? `${c.layout.width}x${c.layout.height}` : null,
      monitors: c.layout?.monitors.length ?? 0,
      problem: c.lastDisplayProblem ? scrub(c.lastDisplayProblem) : null,
    },
    uploads: {
      pending: c.pendingUploads ?? 0,
      inFlight: [...facts.inFlight].map(([key, v]) => ({ key, attempt: v.attempt, since: v.since })),
      retrying: [...facts.retrying].map(([key, v]) => ({ key, attempt: v.attempt, retryAt: v.retryAt, message: v.message })),
      done: c.segmentsUploaded ?? 0,
      failedAttempts: c.failedAttempts ?? 0,
      bytes: c.bytesUploaded ?? 0,
      lastKey: facts.lastUploadedKey,
    },
    totals: {
      segmentsClosed: c.segmentsClosed ?? 0,
      bytesClosed: facts.bytesClosed,
      segmentsUploaded: c.segmentsUploaded ?? 0,
      bytesUploaded: c.bytesUploaded ?? 0,
      events: facts.events,
      transitions: facts.transitions,
    },
    drain: {
      budgetMs: c.config?.drainTimeoutMs ?? null,
      startedAt: facts.drainStartedAt,
      stopReason: c.stopReason ? scrub(c.stopReason) : null,
      leftInSpool: c.leftInSpool ?? null,
      exitCode: input.exitCode,
    },
  };
}

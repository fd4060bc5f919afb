import type { AnyActorRef, AnyEventObject, AnyTransitionDefinition, InspectionEvent, StateValue, Subscription } from 'xstate';
import type { RecorderContext } from '../machines/recorderContext';
import { summarizeEvent, scrub, type EventDetail } from './eventSummary';
import { buildStatus, type InspectorStatus, type ObservedFacts } from './inspectorStatus';
import { activeStateIds, stateValueText, takenEdgeIds, type MachineGraph } from './machineGraph';

/**
 * Turns XState inspection events (`createActor(machine, { inspect })`) of the root actor into a
 * compact stream: one record per event the machine processed, and a status object. Keeps the
 * last `historyLimit` records for pages that connect late.
 *
 *   const stream = createInspectionStream({ graph });
 *   const actor = createActor(machine, { inspect: stream.inspect, input });
 *   stream.subscribe(({ record, status }) => ...);
 */
export interface TransitionRecord {
  readonly seq: number;
  /** Epoch ms when the inspector saw it. */
  readonly time: number;
  readonly event: string;
  readonly detail: EventDetail;
  /** State value as text ("draining.flushing.stopping"); null before the first snapshot. */
  readonly from: string | null;
  readonly to: string;
  /** false when the event only ran actions (or nothing): the state value stayed the same. */
  readonly changed: boolean;
  /** Ids of the graph edges XState took (eventless follow-ups included). */
  readonly edges: readonly string[];
}

export interface InspectionUpdate {
  readonly record: TransitionRecord;
  readonly status: InspectorStatus;
}

export interface InspectionStream {
  /** Give this to `createActor(machine, { inspect })`. */
  readonly inspect: (event: InspectionEvent) => void;
  /** Follow an actor that is already running (through its system), starting from its snapshot. */
  observe(actor: AnyActorRef): Subscription;
  status(): InspectorStatus;
  history(): readonly TransitionRecord[];
  /** Called for every new record; returns the unsubscribe function. */
  subscribe(listener: (update: InspectionUpdate) => void): () => void;
}

export interface InspectionStreamOptions {
  readonly graph: MachineGraph;
  /** Default 500. */
  readonly historyLimit?: number;
  /** Default Date.now. */
  readonly now?: () => number;
}

interface MachineSnapshotLike {
  readonly status?: string;
  readonly value?: StateValue;
  readonly context?: unknown;
  readonly output?: unknown;
}

export function createInspectionStream(options: InspectionStreamOptions): InspectionStream {
  const { graph } = options;
  const limit = options.historyLimit ?? 500;
  const now = options.now ?? Date.now;
  const records: TransitionRecord[] = [];
  const listeners = new Set<(update: InspectionUpdate) => void>();
  let seq = 0;
  let value: StateValue | null = null;
  let actorStatus: InspectorStatus['status'] = 'waiting';
  let context: Partial<RecorderContext> | null = null;
  let exitCode: number | null = null;
  let pendingTransitions: AnyTransitionDefinition[] = [];
  const facts = {
    inFlight: new Map<string, { attempt: number; since: number }>(),
    retrying: new Map<string, { attempt: number; retryAt: number; message: string }>(),
    lastClosedIndex: new Map<string, number>(),
    bytesClosed: 0,
    lastUploadedKey: null as string | null,
    events: 0,
    transitions: 0,
    startedAt: null as number | null,
    stateSince: null as number | null,
    updatedAt: null as number | null,
    drainStartedAt: null as number | null,
  } satisfies ObservedFacts;

  const status = (): InspectorStatus =>
    buildStatus({
      machine: graph.machineId,
      status: actorStatus,
      state: value === null ? '' : stateValueText(value),
      active: value === null ? [] : activeStateIds(graph.rootId, value),
      context,
      exitCode,
      facts,
    });

  const learn = (event: AnyEventObject, at: number): void => {
    const e = event as { type: string; [k: string]: unknown };
    switch (e.type) {
      case 'segment.closed': {
        const s = e.segment as { runId: string; index: number; bytes: number };
        facts.lastClosedIndex.set(s.runId, Math.max(s.index, facts.lastClosedIndex.get(s.runId) ?? -1));
        facts.bytesClosed += s.bytes;
        break;
      }
      case 'upload.started':
        facts.retrying.delete(String(e.key));
        facts.inFlight.set(String(e.key), { attempt: Number(e.attempt), since: at });
        break;
      case 'upload.done': {
        const key = String((e.segment as { key: string }).key);
        facts.inFlight.delete(key);
        facts.retrying.delete(key);
        facts.lastUploadedKey = scrub(key);
        break;
      }
      case 'upload.failed':
        facts.inFlight.delete(String(e.key));
        facts.retrying.set(String(e.key), { attempt: Number(e.attempt), retryAt: at + Number(e.retryInMs), message: scrub(String(e.message)) });
        break;
      case 'upload.finalized':
        facts.inFlight.clear();
        facts.retrying.clear();
        break;
      default:
        break;
    }
  };

  const onSnapshot = (event: AnyEventObject, snapshot: MachineSnapshotLike): void => {
    const at = now();
    facts.events += 1;
    facts.startedAt ??= at;
    facts.updatedAt = at;
    learn(event, at);
    const from = value === null ? null : stateValueText(value);
    if (snapshot.value !== undefined) value = snapshot.value;
    const to = value === null ? '' : stateValueText(value);
    actorStatus = toStatus(snapshot.status);
    context = (snapshot.context ?? null) as Partial<RecorderContext> | null;
    const output = snapshot.output as { exitCode?: unknown } | undefined;
    if (actorStatus === 'done' && typeof output?.exitCode === 'number') exitCode = output.exitCode;
    const changed = from !== to;
    if (changed) {
      facts.transitions += 1;
      facts.stateSince = at;
      if (to.startsWith('draining') && facts.drainStartedAt === null) facts.drainStartedAt = at;
    }
    const record: TransitionRecord = {
      seq: ++seq,
      time: at,
      event: event.type,
      detail: summarizeEvent(event),
      from,
      to,
      changed,
      edges: takenEdgeIds(graph, pendingTransitions),
    };
    pendingTransitions = [];
    records.push(record);
    if (records.length > limit) records.splice(0, records.length - limit);
    const update = { record, status: status() };
    for (const listener of listeners) {
      try {
        listener(update);
      } catch {
        // A broken listener (a closed socket) must never disturb the recorder.
      }
    }
  };

  const inspect = (ev: InspectionEvent): void => {
    try {
      if (ev.actorRef.sessionId !== ev.rootId) return;
      if (ev.type === '@xstate.microstep') pendingTransitions.push(...ev._transitions);
      else if (ev.type === '@xstate.snapshot') onSnapshot(ev.event, ev.snapshot as MachineSnapshotLike);
    } catch {
      // Inspection is a development aid: it must never break the machine it watches.
    }
  };

  return {
    inspect,
    observe(actor) {
      const snapshot = actor.getSnapshot() as MachineSnapshotLike;
      onSnapshot({ type: 'inspector.attached' }, snapshot);
      return actor.system.inspect(inspect);
    },
    status,
    history: () => records.slice(),
    subscribe(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
  };
}

function toStatus(status: string | undefined): InspectorStatus['status'] {
  switch (status) {
    case 'active':
    case 'done':
    case 'error':
    case 'stopped':
      return status;
    default:
      return 'waiting';
  }
}

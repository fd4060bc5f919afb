import type { InspectionEvent, StateValue } from 'xstate';
import { stateValueText } from './inspector/machineGraph';

export interface TransitionLine {
  readonly message: string;
  readonly fields: Record<string, unknown>;
}

/** Chatty events that change no state are kept out of the info log. */
const QUIET = new Set(['upload.started', 'xstate.init']);

/**
 * One place that logs the statechart: every event the recorder machine handled, with the state
 * it led to. Only the root machine's events (not the actors' own), no payload beyond safe fields.
 */
export function describeTransition(event: InspectionEvent, root: unknown): TransitionLine | undefined {
  if (event.type !== '@xstate.snapshot' || event.actorRef !== root) return undefined;
  const type = event.event.type;
  if (QUIET.has(type) || type.startsWith('xstate.')) return undefined;
  const snapshot = event.snapshot as { value?: unknown; status?: string };
  const fields: Record<string, unknown> = { event: type, state: stateValueText(snapshot.value as StateValue) };
  const payload = event.event as Record<string, unknown>;
  for (const key of ['runId', 'code', 'signal', 'key', 'attempt', 'retryInMs', 'message', 'reason', 'leftInSpool', 'pending'] as const) {
    if (payload[key] !== undefined) fields[key] = payload[key];
  }
  if (type === 'segment.closed') fields['segment'] = (payload['segment'] as { path?: string } | undefined)?.path;
  if (type === 'upload.done') fields['key'] = (payload['segment'] as { key?: string } | undefined)?.key;
  return { message: type, fields };
}

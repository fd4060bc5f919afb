import type { AnyEventObject } from 'xstate';
import type { RecorderEvent } from '../machines/recorderEvents';

/**
 * What the inspector may show about an event: a few whitelisted fields per event type, never
 * the whole payload (which could carry local paths of other users, stderr or error text).
 * Free text is shortened and scrubbed of anything that looks like a credential.
 */
export type EventDetail = Readonly<Record<string, string | number | boolean | null>>;

const recorderEventTypes: ReadonlySet<string> = new Set<RecorderEvent['type']>([
  'display.detected',
  'display.changed',
  'display.lost',
  'ffmpeg.started',
  'ffmpeg.exited',
  'ffmpeg.failedToStart',
  'segment.closed',
  'segments.runSettled',
  'sentinel.appeared',
  'recorder.stop',
  'upload.started',
  'upload.done',
  'upload.failed',
  'upload.idle',
  'upload.finalized',
]);

export function isRecorderEvent(event: AnyEventObject): event is RecorderEvent {
  return recorderEventTypes.has(event.type);
}

export function summarizeEvent(event: AnyEventObject): EventDetail {
  if (!isRecorderEvent(event)) {
    // XState's own events: delays ("xstate.after.<delay>.<state id>"), init, done.
    const after = /^xstate\.after\.([^.]+)\./.exec(event.type);
    return after?.[1] !== undefined ? { delay: after[1] } : {};
  }
  switch (event.type) {
    case 'display.detected':
    case 'display.changed':
      return { size: `${event.layout.width}x${event.layout.height}`, monitors: event.layout.monitors.length };
    case 'display.lost':
      return { message: scrub(event.message) };
    case 'ffmpeg.started':
      return { run: event.runId, pid: event.pid };
    case 'ffmpeg.exited':
      return { run: event.runId, code: event.code, signal: event.signal };
    case 'ffmpeg.failedToStart':
      return { run: event.runId, message: scrub(event.message) };
    case 'ffmpeg.capturing':
      return { run: event.runId };
    case 'display.stalled':
      return { since: new Date(event.sinceMs).toISOString() };
    case 'display.answering':
      return { stalledSeconds: Math.round((event.atMs - event.sinceMs) / 100) / 10 };
    case 'segment.closed':
      return {
        run: event.segment.runId,
        index: event.segment.index,
        bytes: event.segment.bytes,
        seconds: Math.round((event.segment.endMs - event.segment.startMs) / 100) / 10,
        complete: event.segment.complete,
      };
    case 'segments.runSettled':
      return { run: event.runId };
    case 'sentinel.appeared':
      return { path: scrub(event.path) };
    case 'recorder.stop':
      return { reason: scrub(event.reason) };
    case 'upload.started':
      return { key: scrub(event.key), attempt: event.attempt };
    case 'upload.done':
      return { key: scrub(event.segment.key), bytes: event.segment.bytes, pending: event.pending };
    case 'upload.failed':
      return { key: scrub(event.key), attempt: event.attempt, retryInMs: event.retryInMs, message: scrub(event.message) };
    case 'upload.idle':
      return {};
    case 'upload.finalized':
      return { leftInSpool: event.leftInSpool, ...(event.message === undefined ? {} : { message: scrub(event.message) }) };
    default:
      return event satisfies never;
  }
}

const secretPatterns: readonly (readonly [RegExp, string])[] = [
  [/\b(?:AKIA|ASIA)[A-Z0-9]{16}\b/g, '[redacted]'], // AWS access key ids
  [/((?:secret|token|password|passwd|signature|credential|authorization)[\w-]*["']?\s*[:=]\s*)("[^"]*"|'[^']*'|[^\s&,;]+)/gi, '$1[redacted]'],
  [/\b(X-Amz-(?:Signature|Credential|Security-Token)=)[^&\s]+/gi, '$1[redacted]'],
  [/(\/\/[^/\s:@]+:)[^@\s/]+@/g, '$1[redacted]@'], // user:password@ in URLs
];

/** Shortens free text to `max` characters and masks anything that looks like a credential. */
export function scrub(text: string, max = 240): string {
  let out = text;
  for (const [pattern, replacement] of secretPatterns) out = out.replace(pattern, replacement);
  out = out.replace(/\s+/g, ' ').trim();
  return out.length > max ? `${out.slice(0, max - 1)}…` : out;
}

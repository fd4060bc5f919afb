/**
 * `session.json`: written into each session's spool dir before capture starts, so that `recover`
 * can finish the session without its recorder (the same keys, the same store). One writer and one
 * parser, both here.
 */
import { z } from 'zod';
import { parseJsonFile } from './jsonFile';
import type { ChecksumMode } from './objectStore';
import type { SessionMetadata } from './sessionMetadata';

export const SESSION_FILE = 'session.json';
export const SESSION_FILE_FORMAT = 'session-recorder.session/1';

export interface SessionFile {
  readonly format: typeof SESSION_FILE_FORMAT;
  readonly metadata: SessionMetadata;
  /** Key prefix inside the destination: `<stack>/<fleet>/<session>/`, sanitized. */
  readonly sessionPrefix: string;
  readonly destination: string;
  /** How the destination was reached, so `recover` uploads to the same store (absent in older files). */
  readonly endpoint?: string;
  readonly region?: string;
  readonly checksumMode?: ChecksumMode;
}

// The metadata is kept as written (every field the recorder had); recovery needs its id and start.
const schema = z.object({
  format: z.literal(SESSION_FILE_FORMAT),
  metadata: z.looseObject({ sessionId: z.string(), startedAt: z.string() }),
  sessionPrefix: z.string().min(1),
  destination: z.string(),
  endpoint: z.string().optional(),
  region: z.string().optional(),
  checksumMode: z.enum(['WHEN_SUPPORTED', 'WHEN_REQUIRED']).optional(),
});

export function serializeSessionFile(file: Omit<SessionFile, 'format'>): string {
  const value: SessionFile = { format: SESSION_FILE_FORMAT, ...file };
  return `${JSON.stringify(value, null, 2)}\n`;
}

/**
 * Throws an Error that names the first invalid field. Returns the JSON as written, not the
 * schema's output: the schema's output puts the keys it names first, and `recover` must upload
 * the very metadata object the recorder did (same bytes, same SHA-256 in the manifest chain).
 */
export function parseSessionFile(text: string): SessionFile {
  parseJsonFile(text, schema, SESSION_FILE, `${SESSION_FILE_FORMAT} session file`);
  return JSON.parse(text) as SessionFile;
}

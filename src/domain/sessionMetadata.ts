/**
 * Who, where and when. Raw values as resolved (flags, AppStream variables, environment):
 * some are controlled by the streaming user, so they are only ever used in keys after
 * sanitizing (see sanitize.ts), and are stored JSON-escaped in the metadata file.
 */
export interface SessionMetadata {
  readonly sessionId: string;
  readonly stack: string;
  readonly fleet: string;
  readonly user: string;
  readonly authType?: string;
  readonly imageArn?: string;
  readonly instanceType?: string;
  readonly instanceId?: string;
  readonly hostname?: string;
  readonly platform: string;
  /** Where each value came from (flag, appstream-file, env ...), for the auditor. */
  readonly sources: Readonly<Record<string, string>>;
  /** Odd values (control characters, absurd length) recorded under their sanitized form: one note each. */
  readonly anomalies?: readonly string[];
  /** Session start (recorder start), ISO 8601 UTC. */
  readonly startedAt: string;
  readonly recorderVersion: string;
}

/**
 * The bytes of `<start>-metadata.json`: the start-up store check and the uploader must make the
 * very same object (same key, same SHA-256), so there is one serializer.
 */
export function serializeMetadata(metadata: SessionMetadata): Buffer {
  return Buffer.from(`${JSON.stringify(metadata, null, 2)}\n`);
}

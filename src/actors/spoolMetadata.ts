/**
 * Metadata objects still to upload. Their bytes wait in the session's spool dir under the
 * object's own name (`<start>-metadata.json`) until the store confirmed them, so a crash before
 * that loses nothing: the next uploader over this spool (a restarted recorder, `recover`) sends them.
 */
import { readFile, readdir } from 'node:fs/promises';
import { join } from 'node:path';
import type { Logger } from 'pino';
import { writeFileAtomic } from '../adapters/atomicWrite';
import { joinKey, metadataName } from '../domain/objectNames';
import { serializeMetadata, type SessionMetadata } from '../domain/sessionMetadata';
import type { Clock } from './retryTiming';
import { messageOf } from './uploadErrors';

export interface PendingMetadata {
  readonly name: string;
  readonly key: string;
  readonly body: Buffer;
}

/** `20261127T062409.123Z-metadata.json`: a metadata object's name, as kept in the spool. */
const METADATA_FILE = /^\d{8}T\d{6}\.\d{3}Z-metadata\.json$/;

/** This uploader's own metadata object, named by its start time (the clock's now if that is not a date). */
export function ownMetadata(metadata: SessionMetadata, sessionPrefix: string, clock: Clock, logger: Logger): PendingMetadata {
  const body = serializeMetadata(metadata);
  let startMs = Date.parse(metadata.startedAt);
  if (Number.isNaN(startMs)) {
    startMs = clock.now();
    logger.warn({ startedAt: metadata.startedAt }, 'metadata.startedAt is not a date; naming the metadata object by the current time');
  }
  const name = metadataName(startMs);
  return { name, key: joinKey(sessionPrefix, name), body };
}

/**
 * Writes `own` into the spool (unless `ownDurable`) and picks up metadata an earlier run left
 * there; returns them all, oldest first. A failure to write is logged, never fatal: the bytes are
 * still in memory and uploaded first.
 */
export async function keepMetadataInSpool(
  own: PendingMetadata,
  ownDurable: boolean,
  spoolDir: string,
  sessionPrefix: string,
  logger: Logger,
): Promise<PendingMetadata[]> {
  if (!ownDurable) {
    await writeFileAtomic(join(spoolDir, own.name), own.body).catch((e: unknown) => {
      logger.error({ key: own.key, err: messageOf(e) }, 'cannot keep the metadata in the spool; it is only in memory until uploaded');
    });
  }
  const names = await readdir(spoolDir).catch(() => [] as string[]);
  const found: PendingMetadata[] = [];
  for (const name of names) {
    if (!METADATA_FILE.test(name) || name === own.name) continue;
    const body = await readFile(join(spoolDir, name)).catch(() => undefined);
    if (body !== undefined) found.push({ name, key: joinKey(sessionPrefix, name), body });
  }
  if (found.length > 0) logger.info({ names: found.map((f) => f.name) }, 'metadata left in the spool by an earlier run; uploading it too');
  return [...found, own].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}

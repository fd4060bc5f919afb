/**
 * Credentials, permissions and the bucket can only be known by trying. The first object of every
 * session is its metadata, so `record` puts exactly that object before capture starts:
 *
 * - it lands: the uploader finds it in the spool manifest and does not send it again;
 * - the store refuses it for good (no or wrong credentials, access denied, no such bucket, wrong
 *   region, an unwritable local destination): exit 2 with one line saying what to fix, before
 *   anything is recorded and before the spool is touched;
 * - the store does not answer, or answers 5xx/throttling, within PREFLIGHT_TIMEOUT_MS: recording
 *   starts anyway (the store being down is a fault the recorder survives: segments wait in the
 *   spool and the uploader retries), with a warning.
 */
import { join } from 'node:path';
import type { Logger } from 'pino';
import { checksumsOf } from '../adapters/checksums';
import { isPermanentStoreFailure } from '../adapters/storeFailure';
import { loadSpoolChunks, saveSpoolChunks } from '../actors/spoolManifest';
import { EnvironmentError } from '../domain/errors';
import { addMetadata } from '../domain/manifest';
import { commitChange } from '../domain/manifestChunks';
import { MANIFEST_NAME, metadataKey } from '../domain/objectNames';
import type { WriteOnlyStore } from '../domain/objectStore';
import { serializeMetadata, type SessionMetadata } from '../domain/sessionMetadata';

export const PREFLIGHT_TIMEOUT_MS = 5_000;

export type PreflightResult =
  | { readonly ok: true; readonly key: string; readonly sha256: string }
  | { readonly ok: false; readonly problem: string };

/** The metadata object's key and bytes exactly as the uploader makes them. */
export function metadataObject(metadata: SessionMetadata, sessionPrefix: string): { key: string; body: Buffer } | undefined {
  const startMs = Date.parse(metadata.startedAt);
  if (Number.isNaN(startMs)) return undefined;
  return { key: metadataKey(sessionPrefix, startMs), body: serializeMetadata(metadata) };
}

/** Throws EnvironmentError (exit 2) when the store refuses for good; otherwise says how it went. */
export async function preflightStore(input: {
  readonly store: WriteOnlyStore;
  readonly metadata: SessionMetadata;
  readonly sessionPrefix: string;
  readonly logger: Logger;
  readonly timeoutMs?: number;
}): Promise<PreflightResult> {
  const object = metadataObject(input.metadata, input.sessionPrefix);
  if (object === undefined) return { ok: false, problem: 'metadata has no start time' };
  const sums = checksumsOf(object.body);
  const started = Date.now();
  const signal = AbortSignal.timeout(input.timeoutMs ?? PREFLIGHT_TIMEOUT_MS);
  try {
    await input.store.put(object.key, { data: object.body }, { ...sums, contentType: 'application/json', signal });
  } catch (e) {
    const message = (e as Error).message;
    if (isPermanentStoreFailure(e)) {
      throw new EnvironmentError(`cannot write to the destination, nothing recorded: ${message}`, { cause: e });
    }
    input.logger.warn({ destination: input.store.description, ms: Date.now() - started, err: message }, 'the destination does not answer yet: recording anyway, segments wait in the spool');
    return { ok: false, problem: message };
  }
  input.logger.info({ key: object.key, ms: Date.now() - started }, 'destination accepts writes (metadata durable)');
  return { ok: true, key: object.key, sha256: sums.sha256Hex };
}

/** Records the preflight's metadata in the session's spool manifest, so the uploader does not put it again. */
export async function notePreflightInSpool(sessionSpoolDir: string, sessionPrefix: string, result: PreflightResult, logger: Logger): Promise<void> {
  if (!result.ok) return;
  const path = join(sessionSpoolDir, MANIFEST_NAME);
  try {
    const state = await loadSpoolChunks(path, sessionPrefix, logger, Date.now());
    const changed = addMetadata(state.whole, { key: result.key, sha256: result.sha256 });
    if (changed !== state.whole) await saveSpoolChunks(path, commitChange(state, changed), state);
  } catch (e) {
    logger.debug({ err: (e as Error).message }, 'could not note the preflight in the spool manifest; the uploader sends the metadata again');
  }
}

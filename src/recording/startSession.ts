/**
 * Everything `record` does between a valid configuration and the first frame, in the order that
 * keeps bad input from harming anything: resolve the metadata (reads only), leave at once if a
 * live recorder owns the session (wait if a `recover` does: it is bounded), check every local
 * directory (localDirChecks.ts), prove the spool writable, prove the destination writable (storePreflight.ts), and only then take the lock and
 * write into the session's spool dir. Last, FFmpeg processes a killed recorder of this same session
 * left running are stopped, so their runs can be read safely.
 */
import { randomBytes } from 'node:crypto';
import { rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Logger } from 'pino';
import type { RecorderConfig } from '../config/loadConfig';
import { optionTable } from '../config/options';
import { flagName } from '../config/optionRendering';
import { ensureSecureDir } from '../adapters/permissions';
import { stopOrphanedCaptures } from '../adapters/orphanCapture';
import { withTimeout } from '../adapters/withTimeout';
import { EnvironmentError } from '../domain/errors';
import { sessionPrefix } from '../domain/sanitize';
import { isLockLive, readSessionLock, SessionLockedError, sessionLockPath } from '../sessionLock';
import { prepareSession, resolveSessionMetadata, type PrepareInput, type PreparedSession } from './prepareSession';
import { checkLocalDirs, LOCAL_CHECK_TIMEOUT_MS } from './localDirChecks';
import { notePreflightInSpool, preflightStore } from './storePreflight';
import { openStore } from '../adapters/openStore';
import { storageProtection } from '../config/storageProtection';
import type { WriteOnlyStore } from '../domain/objectStore';

export interface StartedSession {
  readonly session: PreparedSession;
  /** The recorder's side of the destination: put (and abort) only, like its IAM policy. */
  readonly store: WriteOnlyStore;
  /** Releases the store's client. */
  close(): void;
}

export async function startSession(input: Omit<PrepareInput, 'metadata'>): Promise<StartedSession> {
  const { config, logger } = input;
  const metadata = await resolveSessionMetadata(input);
  await waitForRecover(sessionLockPath(config.spoolDir, metadata.sessionId), config, logger);
  // Every local directory before any write (the destination's metadata object is the first).
  await checkLocalDirs(config, metadata.sessionId, input.platform);
  await withTimeout(checkSpoolWritable(config, input.platform), LOCAL_CHECK_TIMEOUT_MS, `writing a test file into the spool directory ${config.spoolDir}`, 'fix that file system or point --spool-dir elsewhere');
  const store = openStore(config.destination, { ...config, ...storageProtection(config), use: 'record' });
  try {
    const prefix = sessionPrefix(metadata);
    const preflight = await preflightStore({ store, metadata, sessionPrefix: prefix, logger });
    const session = await prepareSession({ ...input, metadata });
    await notePreflightInSpool(session.sessionSpoolDir, session.sessionPrefix, preflight, logger);
    const orphans = await stopOrphanedCaptures({ sessionSpoolDir: session.sessionSpoolDir, logger, graceMs: config.stopTimeout * 1000 });
    if (orphans.length > 0) logger.warn({ orphans }, 'stopped FFmpeg left running by an earlier recorder of this session; its segments are uploaded now');
    return { session, store, close: () => store.close() };
  } catch (e) {
    store.close();
    throw e;
  }
}

/**
 * A live recorder holding the lock: SessionLockedError (record says "nothing to do"). A `recover`
 * holding it (it is uploading what a dead recorder of this session left): wait until it is done,
 * bounded by its own budget, then go on; the session's capture starts that much later.
 */
async function waitForRecover(lockPath: string, config: Pick<RecorderConfig, 'drainTimeout'>, logger: Logger): Promise<void> {
  const deadline = Date.now() + config.drainTimeout * 1000 + 20_000;
  for (let first = true; ; first = false) {
    const holder = await readSessionLock(lockPath).catch(() => undefined);
    if (holder === undefined || !isLockLive(holder)) return;
    if (holder.purpose !== 'recover' || Date.now() > deadline) throw new SessionLockedError(holder, lockPath);
    if (first) logger.warn({ pid: holder.pid }, 'a recover is uploading what an earlier recorder of this session left; waiting for it before capturing');
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}

/** The spool must take a file before anything else happens: one line saying why not, exit 2. */
async function checkSpoolWritable(config: Pick<RecorderConfig, 'spoolDir' | 'insecure'>, platform: NodeJS.Platform): Promise<void> {
  const uid = typeof process.getuid === 'function' ? process.getuid() : undefined;
  const flag = flagName(optionTable.spoolDir);
  await ensureSecureDir({ dir: config.spoolDir, role: 'spool directory', flag, insecure: config.insecure, platform, uid });
  const probe = join(config.spoolDir, `.write-test-${process.pid}-${randomBytes(4).toString('hex')}`);
  try {
    await writeFile(probe, 'session-recorder write test\n', { flag: 'wx', mode: 0o600 });
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code ?? String(e);
    const why = code === 'ENOSPC' ? 'its file system is full' : code === 'EROFS' ? 'its file system is read-only' : 'it cannot be written';
    throw new EnvironmentError(`spool directory ${config.spoolDir}: ${why} (${code}): free space, fix its permissions, or point ${flag} at a writable directory`, { cause: e });
  } finally {
    await rm(probe, { force: true }).catch(() => undefined);
  }
}

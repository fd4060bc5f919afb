/**
 * Recovers ONE session's spool dir left by a recorder that is gone: takes the session's lock
 * (never touching a session a live recorder or another `recover` holds), stops any FFmpeg the dead
 * recorder orphaned, then runs the recovery statechart with the real segment watcher and uploader:
 * every listed segment and the partial last segment of every run go to the session's own keys in
 * its own destination (from session.json), the manifest chain continues, end.json says
 * `recovered: ...`. Once everything is durable the session dir is removed; otherwise it stays for
 * the next try.
 */
import { readFile, stat } from 'node:fs/promises';
import type { ActivityCutterDeps } from '../actors/activityCutter';
import { ACTIVITY_JOURNAL_NAME } from '../domain/activityJournal';
import { countVideo, removeSessionDir } from '../adapters/sessionSpoolDir';
import { join } from 'node:path';
import type { Logger } from 'pino';
import { createActor, toPromise, type InspectionEvent } from 'xstate';
import type { RecorderConfig } from '../config/loadConfig';
import { createSegmentWatcher } from '../actors/segmentWatcher';
import { createUploader } from '../actors/uploader';
import { parseDestination } from '../adapters/destination';
import { stopOrphanedCaptures } from '../adapters/orphanCapture';
import { listRunIds } from '../adapters/spoolRun';
import { recoveryMachine, type RecoveryOutput } from '../machines/recoveryMachine';
import { acquireSessionLock, isLockLive, readSessionLock, SessionLockedError, type LockInfo } from '../sessionLock';
import { SESSION_FILE, parseSessionFile, type SessionFile } from '../domain/sessionFile';
import { openStore } from '../adapters/openStore';
import { storageProtection, type ProtectionOptions } from '../config/storageProtection';
import type { ObjectStore } from '../domain/objectStore';
import { describeTransition } from '../transitionLog';

export const LOCK_FILE = 'recorder.lock';

export type SessionRecovery =
  | { readonly kind: 'busy'; readonly dir: string; readonly holder: LockInfo }
  | { readonly kind: 'unrecoverable'; readonly dir: string; readonly reason: string; readonly videoFiles: number }
  | {
      readonly kind: 'recovered';
      readonly dir: string;
      readonly sessionId: string;
      readonly where: string;
      readonly output: RecoveryOutput;
      /** Orphaned FFmpeg processes stopped first. */
      readonly orphansStopped: number;
    };

export interface RecoverSessionInput {
  /** The session's spool dir: `<spool-dir>/<sanitized session id>`. */
  readonly dir: string;
  /** endpoint/region/checksumMode for a session.json that does not record them. */
  readonly config: Pick<RecorderConfig, 'destination' | 'endpoint' | 'region' | 'checksumMode'> & Partial<ProtectionOptions> & Partial<Pick<RecorderConfig, 'ffmpegPath'>>;
  readonly logger: Logger;
  /** This session's whole recovery, start to end.json. */
  readonly budgetMs: number;
  readonly now: () => Date;
  /** Aborting cuts the uploads short: manifest and end marker are still written within the reserve. */
  readonly signal?: AbortSignal;
}

export async function recoverSession(input: RecoverSessionInput): Promise<SessionRecovery> {
  const { dir } = input;
  let info: SessionFile;
  try {
    info = parseSessionFile(await readFile(join(dir, SESSION_FILE), 'utf8'));
  } catch (e) {
    return { kind: 'unrecoverable', dir, reason: `${SESSION_FILE}: ${(e as Error).message}`, videoFiles: await countVideo(dir) };
  }
  const log = input.logger.child({ session: info.metadata.sessionId });
  const lockPath = join(dir, LOCK_FILE);
  const before = await readSessionLock(lockPath).catch(() => undefined);
  if (before !== undefined && isLockLive(before)) return { kind: 'busy', dir, holder: before };
  let lock;
  try {
    lock = await acquireSessionLock({ lockPath, sessionId: info.metadata.sessionId, pid: process.pid, now: input.now(), purpose: 'recover' });
  } catch (e) {
    if (e instanceof SessionLockedError) return { kind: 'busy', dir, holder: e.holder };
    throw e;
  }
  let store: ObjectStore | undefined;
  let done = false;
  try {
    let destination;
    try {
      destination = parseDestination(info.destination);
    } catch (e) {
      return { kind: 'unrecoverable', dir, reason: `${SESSION_FILE}: destination ${JSON.stringify(info.destination)}: ${(e as Error).message}`, videoFiles: await countVideo(dir) };
    }
    const orphans = await stopOrphanedCaptures({ sessionSpoolDir: dir, logger: log });
    // A session.json that records how its store was reached is followed exactly; an older one
    // gets this command's endpoint settings.
    const recorded = info.checksumMode !== undefined;
    store = openStore(destination, {
      // The whole config: encryption and Object Lock settings, where this version has them, apply too.
      ...input.config,
      ...storageProtection(input.config),
      use: 'record',
      endpoint: recorded ? info.endpoint : input.config.endpoint,
      region: recorded ? info.region : input.config.region,
      checksumMode: info.checksumMode ?? input.config.checksumMode,
    });
    const runIds = listRunIds(dir);
    const reason = `recovered: ${await howItEnded(dir, before)}; finished by recover pid ${process.pid}`;
    log.info({ dir, runs: runIds.length, destination: store.description, prefix: info.sessionPrefix, orphansStopped: orphans.length }, 'recovering session');

    const budgetMs = Math.max(0, input.budgetMs);
    const finalizeReserveMs = Math.min(15_000, Math.max(1_000, Math.round(budgetMs * 0.3)));
    const abortGraceMs = Math.min(2_000, Math.floor(finalizeReserveMs / 4));
    const activityJournal = await journalLeftIn(dir);
    const machine = recoveryMachine.provide({
      actors: {
        segmentWatcher: createSegmentWatcher({ sessionSpoolDir: dir, logger: log, previousRunsBeforeMs: 0, ...(input.config.ffmpegPath === undefined ? {} : { ffmpegPath: input.config.ffmpegPath }) }),
        uploader: createUploader({
          store,
          sessionPrefix: info.sessionPrefix,
          spoolDir: dir,
          metadata: info.metadata,
          logger: log,
          // The dead recorder's activity journal: its missing objects are cut from it.
          ...(activityJournal === undefined ? {} : { activity: activityJournal }),
          abortGraceMs,
          finalizeStepTimeoutMs: Math.floor((finalizeReserveMs - abortGraceMs) / 3.2),
        }),
      },
    });
    let root: unknown;
    const actor = createActor(machine, {
      input: { runIds, budgetMs, finalizeReserveMs, settleTimeoutMs: Math.min(10_000, Math.max(1_000, Math.round(budgetMs * 0.2))), reason },
      inspect: (event: InspectionEvent) => {
        const line = describeTransition(event, root);
        if (line) log.info(line.fields, `recover: ${line.message}`);
      },
    });
    root = actor;
    const onAbort = (): void => actor.send({ type: 'recover.stop' });
    input.signal?.addEventListener('abort', onAbort, { once: true });
    let output: RecoveryOutput;
    try {
      actor.start();
      if (input.signal?.aborted) onAbort();
      output = await toPromise(actor);
    } finally {
      input.signal?.removeEventListener('abort', onAbort);
    }
    const where = `${destination.url.replace(/\/?$/, '/')}${info.sessionPrefix}`;
    done = output.exitCode === 0 && (await countVideo(dir)) === 0;
    if (done) log.info({ where, segments: output.segmentsUploaded, bytes: output.bytesUploaded }, 'session recovered: everything is durable');
    else log.warn({ where, leftInSpool: output.leftInSpool, message: output.message }, 'session partly recovered: the rest stays in the spool');
    return { kind: 'recovered', dir, sessionId: info.metadata.sessionId, where, output, orphansStopped: orphans.length };
  } finally {
    store?.close();
    if (done) await removeSessionDir(dir, lockPath, lock.release);
    else await lock.release();
  }
}

/**
 * For end.json: a stale lock means the recorder died (killed, machine lost) without closing the
 * session; no lock means it exited after a drain that left something (its own end marker, when
 * still in the spool, says why it stopped).
 */
async function howItEnded(dir: string, staleLock: LockInfo | undefined): Promise<string> {
  if (staleLock !== undefined) return `recorder pid ${staleLock.pid} (since ${staleLock.startedAt}) died without closing the session`;
  const earlier = await readFile(join(dir, 'end.json'), 'utf8').then((t) => JSON.parse(t) as { reason?: unknown }, () => undefined);
  const why = typeof earlier?.reason === 'string' ? ` after "${earlier.reason}"` : '';
  return `the recorder drained${why} but left items in the spool`;
}

/** The activity journal a recorder left in `dir`, read as written by a dead recorder; undefined when there is none (--no-activity, lavfi). */
async function journalLeftIn(dir: string): Promise<ActivityCutterDeps | undefined> {
  const journalPath = join(dir, ACTIVITY_JOURNAL_NAME);
  const there = await stat(journalPath).then((s) => s.isFile(), () => false);
  if (!there) return undefined;
  // The source the journal names wins; this default only names an object cut before any record.
  return { journalPath, defaultSource: process.platform === 'win32' ? 'windows-foreground' : 'x11-focus', writerGone: true };
}

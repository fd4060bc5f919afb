import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { link, mkdir, readFile, unlink, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { EnvironmentError } from './domain/errors';
import { sanitizeComponent } from './domain/sanitize';

/**
 * One recorder per session: an exclusive lock file in the spool. It is created atomically with
 * its full content (written to a private file, then hard-linked into place, which fails if the
 * lock exists), so a lock file is never half-written. A lock whose process is gone (or whose pid
 * now belongs to another process: the start time recorded on Linux differs) is stale and taken
 * over under a takeover guard; a live one is a SessionLockedError.
 */
export interface LockInfo {
  readonly pid: number;
  /** When the lock was taken, ISO 8601. */
  readonly startedAt: string;
  readonly sessionId: string;
  /** The process's start time as the OS reports it (Linux: /proc/<pid>/stat field 22), if known. */
  readonly processStart?: string;
  /** Tells two locks by the same pid apart. */
  readonly nonce: string;
  /** Who holds it: a recorder (absent in older locks) or `recover` uploading what a dead recorder left. */
  readonly purpose?: 'record' | 'recover';
}

/** How to tell whether a lock's owner still runs. */
export interface ProcessProbe {
  isAlive(pid: number): boolean;
  startToken(pid: number): string | undefined;
}

export class SessionLockedError extends EnvironmentError {
  constructor(
    readonly holder: LockInfo,
    readonly lockPath: string,
  ) {
    super(`session ${holder.sessionId} is already being ${holder.purpose === 'recover' ? 'recovered' : 'recorded'} by pid ${holder.pid} (since ${holder.startedAt}; lock ${lockPath})`);
  }
}

export interface SessionLock {
  readonly path: string;
  readonly info: LockInfo;
  /** Removes the lock if it is still ours. */
  release(): Promise<void>;
}

/** `<spoolDir>/<sanitized session id>/recorder.lock`. */
export function sessionLockPath(spoolDir: string, sessionId: string): string {
  return path.join(spoolDir, sanitizeComponent(sessionId), 'recorder.lock');
}

export interface AcquireLockInput {
  readonly lockPath: string;
  readonly sessionId: string;
  readonly pid: number;
  readonly now: Date;
  readonly probe?: ProcessProbe;
  /** Recorded in the lock; default 'record'. */
  readonly purpose?: 'record' | 'recover';
}

export async function acquireSessionLock(input: AcquireLockInput): Promise<SessionLock> {
  const probe = input.probe ?? systemProbe;
  const processStart = probe.startToken(input.pid);
  const info: LockInfo = {
    pid: input.pid,
    startedAt: input.now.toISOString(),
    sessionId: input.sessionId,
    ...(processStart === undefined ? {} : { processStart }),
    nonce: randomBytes(8).toString('hex'),
    purpose: input.purpose ?? 'record',
  };
  await mkdir(path.dirname(input.lockPath), { recursive: true, mode: 0o700 });
  for (let attempt = 0; attempt < 100; attempt++) {
    if (await createExclusive(input.lockPath, info)) {
      return { path: input.lockPath, info, release: () => releaseLock(input.lockPath, info.nonce) };
    }
    const holder = await readSessionLock(input.lockPath);
    if (holder !== undefined && isLockLive(holder, probe)) throw new SessionLockedError(holder, input.lockPath);
    if (!(await removeStale(input.lockPath, info, probe))) await delay(5 + attempt);
  }
  throw new EnvironmentError(`could not take the lock ${input.lockPath}: other recorders kept racing for it; try again`);
}

/**
 * Creates `target` holding `info` only if it does not exist, never visible half-written: the
 * content goes to a private file first, then is hard-linked into place (link fails on EEXIST).
 */
async function createExclusive(target: string, info: LockInfo): Promise<boolean> {
  const draft = `${target}.${info.nonce}.new`;
  await writeFile(draft, `${JSON.stringify(info)}\n`, { mode: 0o600 });
  try {
    await link(draft, target);
    return true;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw err;
  } finally {
    await unlink(draft).catch(() => undefined);
  }
}

/**
 * Removes a stale lock. Only the holder of the takeover guard (`<lock>.takeover`, itself an
 * exclusive file) may remove a lock, and it re-reads the lock first, so two recorders can never
 * both remove a lock and a fresh, live lock is never removed. Returns false when another recorder
 * holds the guard (try again shortly). A guard left by a recorder that died during the takeover
 * (a window of microseconds) is removed when its pid is gone.
 */
async function removeStale(lockPath: string, me: LockInfo, probe: ProcessProbe): Promise<boolean> {
  const guardPath = `${lockPath}.takeover`;
  if (!(await createExclusive(guardPath, me))) {
    const guard = await readSessionLock(guardPath);
    if (guard === undefined || !isLockLive(guard, probe)) await unlink(guardPath).catch(() => undefined);
    return false;
  }
  try {
    const holder = await readSessionLock(lockPath);
    if (holder !== undefined && isLockLive(holder, probe)) throw new SessionLockedError(holder, lockPath);
    await unlink(lockPath).catch((err: NodeJS.ErrnoException) => {
      if (err.code !== 'ENOENT') throw err;
    });
    return true;
  } finally {
    await unlink(guardPath).catch(() => undefined);
  }
}

function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** The lock's content, or undefined when there is none or it is unreadable (then it is stale). */
export async function readSessionLock(lockPath: string): Promise<LockInfo | undefined> {
  let text: string;
  try {
    text = await readFile(lockPath, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw err;
  }
  try {
    const parsed = JSON.parse(text) as Partial<LockInfo>;
    if (typeof parsed.pid !== 'number' || !Number.isInteger(parsed.pid) || parsed.pid <= 0 || typeof parsed.nonce !== 'string' || typeof parsed.sessionId !== 'string') return undefined;
    return parsed as LockInfo;
  } catch {
    return undefined;
  }
}

/** Whether the lock's owner still runs (for `recover`, which must leave live sessions alone). */
export function isLockLive(info: LockInfo, probe: ProcessProbe = systemProbe): boolean {
  if (!probe.isAlive(info.pid)) return false;
  if (info.processStart === undefined) return true;
  const now = probe.startToken(info.pid);
  return now === undefined || now === info.processStart;
}

async function releaseLock(lockPath: string, nonce: string): Promise<void> {
  const holder = await readSessionLock(lockPath);
  if (holder?.nonce === nonce) await unlink(lockPath).catch(() => undefined);
}

/** Signal 0 probes a pid (EPERM: it exists but is not ours); Linux /proc gives its start time. */
export const systemProbe: ProcessProbe = {
  isAlive(pid) {
    try {
      process.kill(pid, 0);
      return true;
    } catch (err) {
      return (err as NodeJS.ErrnoException).code === 'EPERM';
    }
  },
  startToken(pid) {
    try {
      return parseProcStatStartTime(readFileSync(`/proc/${pid}/stat`, 'utf8'));
    } catch {
      return undefined;
    }
  },
};

/** Field 22 (starttime) of /proc/<pid>/stat; the command name (field 2) may hold spaces and parentheses. */
export function parseProcStatStartTime(stat: string): string | undefined {
  const afterName = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return afterName[19];
}

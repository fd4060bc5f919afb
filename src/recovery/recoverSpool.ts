/**
 * `session-recorder recover`: finds every session dir in the spool root that earlier recorders
 * left (killed, drained with exit 3, machine restarted) and finishes them one after the other
 * within one budget (--drain-timeout): see recoverSession.ts. `record` runs the same scan in the
 * background for the sessions of other (dead) recorders.
 *
 * Exit codes: 0 nothing left anywhere (or nothing to do); 3 something stays in the spool (the
 * store was unreachable, the budget ran out, or a dir cannot be attributed to a session: its
 * videos are kept, never deleted); 2 bad usage or an insecure spool dir.
 */
import { readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import type { Logger } from 'pino';
import type { RecorderConfig } from '../config/loadConfig';
import { optionTable } from '../config/options';
import { flagName } from '../config/optionRendering';
import { ensureSecureDir } from '../adapters/permissions';
import { ExitCode } from '../domain/errors';
import { recoverSession, type SessionRecovery } from './recoverSession';

export interface RecoverSpoolInput {
  readonly config: Pick<RecorderConfig, 'spoolDir' | 'destination' | 'endpoint' | 'region' | 'checksumMode'>;
  readonly logger: Logger;
  /** All sessions together, start to finish. */
  readonly budgetMs: number;
  /** Session dirs to leave alone (the caller's own session). */
  readonly exclude?: readonly string[];
  readonly signal?: AbortSignal;
  readonly now?: () => Date;
}

export interface SpoolRecovery {
  readonly sessions: readonly SessionRecovery[];
  /** Session dirs not attempted because the budget was used up (or the caller aborted). */
  readonly notReached: readonly string[];
  /** 0 when nothing is left in the spool for a session nobody records; 3 otherwise. */
  readonly exitCode: 0 | 3;
}

/** A session's budget is what is left of the whole, but never less than this (or it is not started). */
const MIN_SESSION_BUDGET_MS = 2_000;

export async function recoverSpool(input: RecoverSpoolInput): Promise<SpoolRecovery> {
  const root = input.config.spoolDir;
  const deadline = Date.now() + input.budgetMs;
  const exclude = new Set(input.exclude ?? []);
  const sessions: SessionRecovery[] = [];
  const notReached: string[] = [];
  for (const dir of await sessionDirs(root)) {
    if (exclude.has(dir)) continue;
    const remaining = deadline - Date.now();
    if (input.signal?.aborted || remaining < MIN_SESSION_BUDGET_MS) {
      notReached.push(dir);
      continue;
    }
    try {
      sessions.push(await recoverSession({ dir, config: input.config, logger: input.logger, budgetMs: remaining, now: input.now ?? (() => new Date()), ...(input.signal ? { signal: input.signal } : {}) }));
    } catch (e) {
      input.logger.error({ dir, err: (e as Error).message }, 'recovering this session failed; its files stay in the spool');
      sessions.push({ kind: 'unrecoverable', dir, reason: (e as Error).message, videoFiles: -1 });
    }
  }
  const left = sessions.some((s) => (s.kind === 'recovered' && s.output.exitCode !== 0) || (s.kind === 'unrecoverable' && s.videoFiles !== 0));
  return { sessions, notReached, exitCode: left || notReached.length > 0 ? ExitCode.leftInSpool : ExitCode.ok };
}

/** Subdirectories of the spool root that hold a session's files (session.json or capture runs). */
async function sessionDirs(root: string): Promise<string[]> {
  const names = await readdir(root).catch(() => [] as string[]);
  const dirs: string[] = [];
  for (const name of names.sort()) {
    const dir = join(root, name);
    if (!(await stat(dir).then((s) => s.isDirectory(), () => false))) continue;
    const inside = await readdir(dir).catch(() => [] as string[]);
    if (inside.some((n) => n === 'session.json' || /^run-\d+$/.test(n) || n.endsWith('-metadata.json') || n === 'manifest.json')) dirs.push(dir);
  }
  return dirs;
}

export interface RecoverIo {
  readonly platform: NodeJS.Platform;
  readonly logger: Logger;
  readonly print: (line: string) => void;
}

/** The command: checks the spool root like `record` does, recovers, prints one line per session. */
export async function runRecover(config: RecorderConfig, io: RecoverIo): Promise<number> {
  const exists = await stat(config.spoolDir).then((s) => s.isDirectory(), () => false);
  if (!exists) {
    io.print(`nothing to recover: no spool directory ${config.spoolDir}`);
    return ExitCode.ok;
  }
  const uid = typeof process.getuid === 'function' ? process.getuid() : undefined;
  await ensureSecureDir({ dir: config.spoolDir, role: 'spool directory', flag: flagName(optionTable.spoolDir), insecure: config.insecure, platform: io.platform, uid });
  const result = await recoverSpool({ config, logger: io.logger, budgetMs: config.drainTimeout * 1000 });
  for (const line of describeRecovery(result)) io.print(line);
  return result.exitCode;
}

/** One line per session for humans (stdout); the details are in the log. */
export function describeRecovery(result: SpoolRecovery): string[] {
  const lines: string[] = [];
  for (const s of result.sessions) {
    switch (s.kind) {
      case 'busy':
        lines.push(`skipped ${s.dir}: ${s.holder.purpose === 'recover' ? 'being recovered' : 'being recorded'} by pid ${s.holder.pid}`);
        break;
      case 'unrecoverable':
        lines.push(`cannot recover ${s.dir} (${s.reason})${s.videoFiles > 0 ? `: its ${s.videoFiles} video file(s) are kept` : ''}`);
        break;
      case 'recovered':
        lines.push(
          s.output.exitCode === 0
            ? `recovered session ${s.sessionId}: ${s.output.segmentsUploaded} segment(s), ${(s.output.bytesUploaded / 1e6).toFixed(1)} MB to ${s.where}`
            : `session ${s.sessionId}: ${s.output.segmentsUploaded} segment(s) uploaded, ${s.output.leftInSpool ?? 'some'} item(s) left in ${s.dir}${s.output.message ? ` (${s.output.message})` : ''}`,
        );
        break;
      default:
        s satisfies never;
    }
  }
  for (const dir of result.notReached) lines.push(`not reached within the budget: ${dir}`);
  if (lines.length === 0) lines.push('nothing to recover');
  return lines;
}

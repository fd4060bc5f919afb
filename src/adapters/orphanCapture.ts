/**
 * FFmpeg runs in its own process group and ignores the end of its stdin, so a recorder killed with
 * SIGKILL (OOM killer, an admin) leaves its FFmpeg recording on into the spool, forever and
 * unwatched. Before anyone reads a session's runs (a restarted recorder, `recover`), those orphans
 * are stopped the way that keeps their last segment: SIGINT (FFmpeg finalizes and lists it), then
 * SIGKILL of the group if it does not exit in time (the fragmented segment stays playable). An
 * orphan fed by the damage grabber is stopped through the grabber first (SIGTERM): it writes one
 * last frame on the current tick, so the segment FFmpeg then finalizes on EOF lasts until the stop.
 * SIGINT to FFmpeg alone would end it at the grabber's last frame, which on a still screen (no
 * heartbeats: damageGrabArgs.ts) may be a minute older: time the orphan did watch, lost.
 *
 * An orphan is recognised by the pid in its run's run.json AND its command line naming that run's
 * directory (/proc/<pid>/cmdline), so a recycled pid is never signalled. Linux only: elsewhere
 * there is no /proc and nothing is signalled.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Logger } from 'pino';
import { isGroupAlive, killTree, signalGroup, waitUntilGone } from './processTree';
import { listRunIds, readRunInfo } from './spoolRun';

export interface StopOrphansInput {
  readonly sessionSpoolDir: string;
  readonly logger: Logger;
  /** How long FFmpeg gets after SIGINT to finalize its segment. Default 5 s. */
  readonly graceMs?: number;
  /** Default /proc. */
  readonly procDir?: string;
}

export interface StoppedOrphan {
  readonly runId: string;
  readonly pid: number;
  /** true when SIGINT was not enough and the group was killed. */
  readonly killed: boolean;
}

export async function stopOrphanedCaptures(input: StopOrphansInput): Promise<StoppedOrphan[]> {
  const procDir = input.procDir ?? '/proc';
  const stopped: StoppedOrphan[] = [];
  for (const runId of listRunIds(input.sessionSpoolDir)) {
    const runDir = join(input.sessionSpoolDir, runId);
    const info = await readRunInfo(runDir);
    const pid = info?.pid;
    if (typeof pid !== 'number' || pid <= 0 || pid === process.pid) continue;
    if (!(await runsInRun(procDir, pid, runDir))) continue;
    const grace = input.graceMs ?? 5_000;
    const grabberPid = info?.grabberPid;
    if (typeof grabberPid === 'number' && grabberPid > 0 && await runsInRun(procDir, grabberPid, runDir)) {
      input.logger.warn({ runId, pid, grabberPid }, 'FFmpeg of a dead recorder still records into the spool: stopping its grabber (its last frame on the stop, then FFmpeg finalizes on EOF)');
      signalGroup(grabberPid, 'SIGTERM');
      if (await waitUntilGone(pid, grace, 50)) {
        stopped.push({ runId, pid, killed: false });
        continue;
      }
    }
    input.logger.warn({ runId, pid }, 'FFmpeg of a dead recorder still records into the spool: stopping it (SIGINT keeps its last segment)');
    signalGroup(pid, 'SIGINT');
    let killed = false;
    if (!(await waitUntilGone(pid, grace, 50))) {
      killed = true;
      await killTree(pid, 'SIGKILL');
      await waitUntilGone(pid, 2_000, 50);
    }
    if (isGroupAlive(pid)) signalGroup(pid, 'SIGKILL');
    stopped.push({ runId, pid, killed });
  }
  return stopped;
}

/** Whether `pid` is alive and its command line names `runDir` (a recycled pid does not). */
async function runsInRun(procDir: string, pid: number, runDir: string): Promise<boolean> {
  const cmdline = await readFile(join(procDir, String(pid), 'cmdline'), 'utf8').catch(() => undefined);
  return cmdline !== undefined && cmdline.split('\0').some((arg) => arg.includes(runDir));
}

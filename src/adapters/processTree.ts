import { execFileSync, spawn, type ChildProcess, type SpawnOptions } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import treeKill from 'tree-kill';

/**
 * Child processes as trees: spawned in their own process group, killed with every descendant.
 * The platform is a parameter (default: the running one) so callers never read it deep inside.
 */
export type Platform = NodeJS.Platform;

/**
 * Spawn `command` detached: on POSIX it leads a new process group (a terminal's Ctrl-C does not
 * reach it; `-pid` addresses the whole group). Not unref'd: the caller keeps the process alive.
 */
export function spawnDetached(command: string, args: readonly string[], options: SpawnOptions = {}): ChildProcess {
  return spawn(command, args, { ...options, detached: true, windowsHide: true });
}

/**
 * Signal `pid` and every descendant: tree-kill walks the tree (ps on POSIX, taskkill /T on
 * Windows); on POSIX the process group is signalled too, for descendants tree-kill missed.
 * Resolves once the signals were sent (not when the processes are gone: see waitUntilGone).
 */
export function killTree(pid: number, signal: NodeJS.Signals = 'SIGKILL', platform: Platform = process.platform): Promise<void> {
  return new Promise((resolve) => {
    treeKill(pid, signal, () => {
      if (platform !== 'win32') signalGroup(pid, signal);
      resolve();
    });
  });
}

/**
 * Synchronous tree kill, for actor cleanups that must not leave anything behind even if the
 * event loop stops right after: a snapshot of descendants (one `ps`), then the group, then each.
 */
export function killTreeSync(pid: number, signal: NodeJS.Signals = 'SIGKILL', platform: Platform = process.platform): void {
  if (platform === 'win32') {
    try {
      execFileSync('taskkill', ['/pid', String(pid), '/T', '/F'], { stdio: 'ignore', windowsHide: true });
    } catch {
      // already gone
    }
    return;
  }
  const descendants = descendantsSync(pid);
  signalGroup(pid, signal);
  signalPid(pid, signal);
  for (const child of descendants) signalPid(child, signal);
}

/** Send `signal` to process group `pgid` (a detached child's pid). false if the group is gone. */
export function signalGroup(pgid: number, signal: NodeJS.Signals): boolean {
  return signalPid(-pgid, signal);
}

function signalPid(pid: number, signal: NodeJS.Signals | 0): boolean {
  try {
    process.kill(pid, signal);
    return true;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'EPERM') return true; // exists, not ours
    return false; // ESRCH: gone
  }
}

/**
 * true while a process with this pid runs. On Linux a zombie (dead, not yet reaped: possible when
 * a killed grandchild is re-parented to an init that does not reap) counts as gone.
 */
export function isAlive(pid: number, platform: Platform = process.platform): boolean {
  if (!signalPid(pid, 0)) return false;
  return platform !== 'linux' || procState(pid) !== 'Z';
}

/** true while any live process belongs to group `pgid` (POSIX; on Linux zombies do not count). */
export function isGroupAlive(pgid: number, platform: Platform = process.platform): boolean {
  if (!signalPid(-pgid, 0)) return false;
  if (platform !== 'linux') return true;
  let names: string[];
  try {
    names = readdirSync('/proc');
  } catch {
    return true;
  }
  return names.some((name) => {
    if (!/^\d+$/.test(name)) return false;
    const stat = procStat(Number(name));
    return stat !== null && stat.pgrp === pgid && stat.state !== 'Z';
  });
}

function procStat(pid: number): { state: string; pgrp: number } | null {
  try {
    const text = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // "pid (comm) state ppid pgrp ...": comm may hold spaces and parentheses.
    const fields = text.slice(text.lastIndexOf(')') + 2).split(' ');
    return { state: fields[0] ?? '?', pgrp: Number(fields[2]) };
  } catch {
    return null;
  }
}

function procState(pid: number): string | null {
  return procStat(pid)?.state ?? null;
}

/** Every descendant of `pid` right now (POSIX, one `ps`), deepest last. Empty if ps fails. */
export function descendantsSync(pid: number): number[] {
  let table: string;
  try {
    table = execFileSync('ps', ['-A', '-o', 'pid=,ppid='], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] });
  } catch {
    return [];
  }
  const children = new Map<number, number[]>();
  for (const line of table.split('\n')) {
    const [p, pp] = line.trim().split(/\s+/).map(Number);
    if (p === undefined || pp === undefined || !Number.isInteger(p) || !Number.isInteger(pp)) continue;
    children.set(pp, [...(children.get(pp) ?? []), p]);
  }
  const found: number[] = [];
  const queue = [pid];
  while (queue.length > 0) {
    const next = children.get(queue.shift() as number) ?? [];
    found.push(...next);
    queue.push(...next);
  }
  return found;
}

/**
 * Resolves true once neither `pid` nor its process group exists, false at the deadline.
 * Checks every `intervalMs`: meant for tests and for bounded waits after a kill.
 */
export async function waitUntilGone(pid: number, timeoutMs: number, intervalMs = 20, platform: Platform = process.platform): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  const gone = (): boolean => !isAlive(pid, platform) && (platform === 'win32' || !isGroupAlive(pid, platform));
  while (!gone()) {
    if (Date.now() >= deadline) return false;
    await new Promise((r) => setTimeout(r, intervalMs));
  }
  return true;
}

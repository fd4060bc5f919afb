/**
 * CPU and memory of processes, read from /proc (Linux). CPU is utime+stime in seconds; a process's
 * `children` CPU is that of its children it has waited for (cutime+cstime), which is how the CPU of
 * a process that already exited is still counted exactly.
 */
import { readdirSync, readFileSync } from 'node:fs';

const CLOCK_TICKS = 100; // getconf CLK_TCK on Linux

export interface ProcCpu {
  readonly pid: number;
  readonly comm: string;
  readonly ppid: number;
  /** utime+stime, seconds. */
  readonly self: number;
  /** cutime+cstime (waited-for children), seconds. */
  readonly children: number;
}

export function readProcCpu(pid: number | 'self'): ProcCpu | null {
  let stat: string;
  try {
    stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  } catch {
    return null;
  }
  const open = stat.indexOf('(');
  const close = stat.lastIndexOf(')');
  const fields = stat.slice(close + 2).split(' ');
  const n = (i: number) => Number(fields[i]);
  return {
    pid: Number(stat.slice(0, open).trim()),
    comm: stat.slice(open + 1, close),
    ppid: n(1),
    self: (n(11) + n(12)) / CLOCK_TICKS,
    children: (n(13) + n(14)) / CLOCK_TICKS,
  };
}

/** CPU seconds of every child this process has waited for: exact totals of exited children. */
export function waitedChildrenCpu(): number {
  return readProcCpu('self')?.children ?? 0;
}

/** Resident set size in MiB, or null when the process is gone. */
export function rssMiB(pid: number): number | null {
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    const match = /^VmRSS:\s+(\d+) kB/m.exec(status);
    return match ? Number(match[1]) / 1024 : null;
  } catch {
    return null;
  }
}

/** Every live descendant of `root` (not root itself), from one pass over /proc. */
export function descendants(root: number): ProcCpu[] {
  const all: ProcCpu[] = [];
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    const info = readProcCpu(Number(name));
    if (info) all.push(info);
  }
  const byParent = new Map<number, ProcCpu[]>();
  for (const p of all) byParent.set(p.ppid, [...(byParent.get(p.ppid) ?? []), p]);
  const out: ProcCpu[] = [];
  const queue = [root];
  while (queue.length > 0) {
    for (const child of byParent.get(queue.shift() as number) ?? []) {
      out.push(child);
      queue.push(child.pid);
    }
  }
  return out;
}

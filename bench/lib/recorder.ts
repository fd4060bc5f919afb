/**
 * Runs the built recorder (`node dist/cli.js record`) as the fleet would, with JSON logs at info
 * level on stderr, and watches it from outside: every log line with its timestamp, and /proc
 * samples of the Node process and its descendants (FFmpeg, xev) for CPU and RSS.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { CLI } from '../../test/helpers/cli';
import { descendants, readProcCpu, rssMiB, waitedChildrenCpu, type ProcCpu } from './proc';

export interface LogLine {
  readonly timeMs: number;
  readonly msg: string;
  readonly [field: string]: unknown;
}

export interface ProcSample {
  readonly atMs: number;
  /** Node's own CPU (utime+stime) and its waited-for children's, seconds. */
  readonly node: ProcCpu;
  readonly nodeRssMiB: number;
  /** Live descendants by pid (FFmpeg, xev, short-lived probes). */
  readonly live: readonly ProcCpu[];
}

export interface RecorderExit {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
  readonly atMs: number;
  /** CPU of Node and everything it waited for, exact (the benchmark's waited-children delta). */
  readonly totalCpuS: number;
  readonly stdout: string;
}

export interface RecorderRunOptions {
  readonly work: string;
  readonly destination: string;
  readonly env: NodeJS.ProcessEnv;
  readonly display?: string;
  readonly segmentSeconds: number;
  readonly frameRate?: number;
  readonly extra?: readonly string[];
  readonly sampleEveryMs?: number;
  readonly sessionId?: string;
  /** Flags for Node itself, e.g. ['--trace-gc'] (its lines go to stdout). */
  readonly nodeArgs?: readonly string[];
  /** The built CLI to run; default this checkout's dist/cli.js (another build: a before/after comparison). */
  readonly cli?: string;
}

export class RecorderRun {
  /** Every run not yet exited: the benchmark kills them if it fails halfway. */
  static readonly live = new Set<RecorderRun>();
  readonly child: ChildProcess;
  readonly startedAtMs = Date.now();
  readonly lines: LogLine[] = [];
  readonly samples: ProcSample[] = [];
  readonly sentinel: string;
  readonly spoolDir: string;
  sentinelAtMs: number | null = null;
  readonly exited: Promise<RecorderExit>;
  private stderrTail = '';
  private readonly waiters: Array<{ match: (l: LogLine) => boolean; resolve: (l: LogLine) => void }> = [];

  constructor(options: RecorderRunOptions) {
    this.spoolDir = join(options.work, 'spool');
    this.sentinel = join(options.work, 'run', 'end');
    mkdirSync(join(options.work, 'run'), { recursive: true, mode: 0o700 });
    const args = [
      ...(options.nodeArgs ?? []), options.cli ?? CLI, 'record', '--destination', options.destination, '--spool-dir', this.spoolDir, '--sentinel', this.sentinel,
      '--segment-seconds', String(options.segmentSeconds), '--frame-rate', String(options.frameRate ?? 5),
      '--session-id', options.sessionId ?? `bench-${this.startedAtMs}`, '--stack', 'bench', '--fleet', 'bench', '--user', 'bench',
      '--log-level', 'info', '--drain-timeout', '50',
      ...(options.display ? ['--display', options.display] : []),
      ...(options.extra ?? []),
    ];
    const cpuBefore = waitedChildrenCpu();
    this.child = spawn(process.execPath, args, { env: options.env, cwd: options.work, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    this.child.stdout?.on('data', (d: Buffer) => (stdout += d.toString()));
    let partial = '';
    this.child.stderr?.on('data', (d: Buffer) => {
      const text = partial + d.toString();
      const parts = text.split('\n');
      partial = parts.pop() ?? '';
      for (const raw of parts) this.onLine(raw);
    });
    const timer = setInterval(() => this.sample(), options.sampleEveryMs ?? 500);
    this.sample();
    RecorderRun.live.add(this);
    this.exited = new Promise((resolve, reject) => {
      this.child.once('error', reject);
      this.child.once('close', (code, signal) => {
        RecorderRun.live.delete(this);
        clearInterval(timer);
        if (partial) this.onLine(partial);
        resolve({ code, signal, atMs: Date.now(), totalCpuS: waitedChildrenCpu() - cpuBefore, stdout });
      });
    });
  }

  /** Resolves with the first line (already seen or future) that matches. */
  waitFor(what: string, match: (l: LogLine) => boolean, timeoutMs: number): Promise<LogLine> {
    const seen = this.lines.find(match);
    if (seen) return Promise.resolve(seen);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`timed out after ${timeoutMs} ms waiting for ${what}; stderr tail:\n${this.stderrTail}`)), timeoutMs);
      this.waiters.push({ match, resolve: (l) => { clearTimeout(timer); resolve(l); } });
    });
  }

  count(msg: string): number {
    return this.lines.filter((l) => l.msg === msg).length;
  }

  /** What the end hook does: create the sentinel file. */
  writeSentinel(): number {
    writeFileSync(this.sentinel, `bench ${new Date().toISOString()}\n`);
    this.sentinelAtMs = Date.now();
    return this.sentinelAtMs;
  }

  /** SIGKILL of the recorder and everything under it (FFmpeg runs in its own process group). */
  kill(): void {
    const pid = this.child.pid;
    if (pid === undefined || this.child.exitCode !== null || this.child.signalCode !== null) return;
    for (const p of [...descendants(pid).map((d) => d.pid), pid]) {
      try {
        process.kill(p, 'SIGKILL');
      } catch {
        /* gone */
      }
    }
  }

  /** Kills every run still alive (the benchmark's cleanup after a failure). */
  static killAll(): void {
    for (const run of RecorderRun.live) run.kill();
  }

  /** The newest sample at or before `atMs`. */
  sampleAt(atMs: number): ProcSample | undefined {
    let best: ProcSample | undefined;
    for (const s of this.samples) if (s.atMs <= atMs) best = s;
    return best;
  }

  /** Takes a /proc sample now (also done every sampleEveryMs). */
  sample(): ProcSample | undefined {
    const pid = this.child.pid;
    if (pid === undefined) return undefined;
    const node = readProcCpu(pid);
    const rss = rssMiB(pid);
    if (!node || rss === null) return undefined;
    const s: ProcSample = { atMs: Date.now(), node, nodeRssMiB: rss, live: descendants(pid) };
    this.samples.push(s);
    return s;
  }

  private onLine(raw: string): void {
    this.stderrTail = `${this.stderrTail}${raw}\n`.slice(-4000);
    let json: Record<string, unknown>;
    try {
      json = JSON.parse(raw) as Record<string, unknown>;
    } catch {
      return;
    }
    const timeMs = typeof json['time'] === 'string' ? Date.parse(json['time']) : typeof json['time'] === 'number' ? json['time'] : Date.now();
    const line: LogLine = { ...json, timeMs, msg: String(json['msg'] ?? '') };
    this.lines.push(line);
    for (const w of [...this.waiters]) {
      if (w.match(line)) {
        this.waiters.splice(this.waiters.indexOf(w), 1);
        w.resolve(line);
      }
    }
  }

  get stderr(): string {
    return this.stderrTail;
  }
}

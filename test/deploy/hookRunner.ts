/** Run a hook script the way AppStream does (as root, its own process), and time it. */
import { spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { waitUntil } from '../helpers/cli';

export const repoRoot = join(__dirname, '..', '..');
export const linuxHooks = join(repoRoot, 'scripts', 'appstream', 'linux');
export const fakeRecorder = join(__dirname, 'fixtures', 'fake-recorder.sh');

/**
 * AppStream's own limits on the hooks (config.json's WaitingTime): past them AppStream cuts the
 * hook off. Tests run a hook with its limit as the deadline (`cutOffMs`) and check that it was not
 * cut off, the outcome AppStream sees; none asserts how fast a hook was.
 */
const appstream = JSON.parse(readFileSync(join(linuxHooks, 'config.json'), 'utf8')) as {
  SessionStart: { WaitingTime: number };
  SessionTermination: { WaitingTime: number };
};
export const START_BUDGET_MS = appstream.SessionStart.WaitingTime * 1000;
export const END_BUDGET_MS = appstream.SessionTermination.WaitingTime * 1000;

export interface HookResult {
  code: number | null;
  stdout: string;
  stderr: string;
  ms: number;
  /** Killed at `cutOffMs`, as AppStream kills a hook that overruns its WaitingTime. */
  cutOff: boolean;
}

export function runScript(path: string, args: string[], options: { env?: NodeJS.ProcessEnv; cutOffMs?: number } = {}): Promise<HookResult> {
  const started = Date.now();
  return new Promise((resolve, reject) => {
    const child = spawn(path, args, { env: options.env ?? { PATH: '/usr/bin:/bin' }, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => { stdout += d.toString(); });
    child.stderr.on('data', (d: Buffer) => { stderr += d.toString(); });
    let cutOff = false;
    const timer = setTimeout(() => { cutOff = true; child.kill('SIGKILL'); }, options.cutOffMs ?? 90_000);
    child.on('error', reject);
    // 'close', not 'exit': a hook that leaves a child holding its stdout open would not return.
    child.on('close', (code) => { clearTimeout(timer); resolve({ code, stdout, stderr, ms: Date.now() - started, cutOff }); });
  });
}

/** Alive and not a zombie. */
export function isAlive(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return !stat.slice(stat.lastIndexOf(')') + 2).startsWith('Z');
  } catch {
    return false;
  }
}

/** The pid a hook recorded for a session, if that process is still alive. */
export function livePid(stateDir: string, safe: string): number | undefined {
  const file = join(stateDir, safe, 'pid');
  if (!existsSync(file)) return undefined;
  const pid = Number(readFileSync(file, 'utf8').trim());
  return pid > 0 && isAlive(pid) ? pid : undefined;
}

/** Stop a process this test started indirectly (through a hook), by PID, and wait until it is gone. */
export async function killPid(pid: number | undefined): Promise<void> {
  if (!pid) return;
  try { process.kill(pid, 'SIGKILL'); } catch { return; }
  await waitUntil(`pid ${pid} to exit`, () => (isAlive(pid) ? undefined : true), 15_000).catch(() => undefined);
}

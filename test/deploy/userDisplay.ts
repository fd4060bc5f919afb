/**
 * A streaming user's X session, for the hook tests: Xvfb started AS ANOTHER UID (no passwd entry
 * needed) on a free display (`-displayfd`), with MIT-cookie access control, the user's own
 * Xauthority file, and a client (xclock, so the screen moves) whose environment carries DISPLAY and
 * XAUTHORITY, as a desktop session's processes do. Root cannot open the display without the cookie:
 * exactly what the session-start hook has to solve.
 *
 *   const u = await startUserDisplay(64001);
 *   // u.display ':5', u.xauthority '/tmp/sr-user-.../Xauthority' (owned by 64001, mode 0600)
 *   await u.stop();   // kills exactly what it started, by PID, and removes its directory
 */
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { chmodSync, chownSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Readable } from 'node:stream';
import { promisify } from 'node:util';

const run = promisify(execFile);

export interface UserDisplay {
  readonly uid: number;
  readonly display: string;
  readonly dir: string;
  readonly xauthority: string;
  readonly serverPid: number;
  /** Start another process of this user with the given environment (for hostile-env tests). */
  spawnAsUser(env: Record<string, string>, command: string, args: string[]): ChildProcess;
  stop(): Promise<void>;
}

const asUser = (uid: number): string[] => ['--reuid', String(uid), '--regid', String(uid), '--clear-groups', '--'];

export async function startUserDisplay(uid: number, options: { clients?: boolean; size?: string } = {}): Promise<UserDisplay> {
  const dir = mkdtempSync(join(tmpdir(), 'sr-user-'));
  chownSync(dir, uid, uid);
  chmodSync(dir, 0o700);
  const cookie = randomBytes(16).toString('hex');
  const serverAuth = join(dir, 'server-auth');
  const xauthority = join(dir, 'Xauthority');
  // The server accepts every cookie in its -auth file, whatever display the entry names.
  await run('setpriv', [...asUser(uid), 'xauth', '-q', '-f', serverAuth, 'add', ':9999', '.', cookie]);
  const children: ChildProcess[] = [];
  const server = spawn('setpriv', [...asUser(uid), 'Xvfb', '-displayfd', '3', '-auth', serverAuth, '-nolisten', 'tcp', '-screen', '0', `${options.size ?? '640x480'}x24`], {
    stdio: ['ignore', 'ignore', 'pipe', 'pipe'],
    env: { PATH: process.env.PATH ?? '/usr/bin:/bin' },
  });
  children.push(server);
  let stderr = '';
  server.stderr?.on('data', (d: Buffer) => { stderr = (stderr + d.toString()).slice(-2000); });

  const stop = async (): Promise<void> => {
    await Promise.all(children.map(stopChild));
    rmSync(dir, { recursive: true, force: true });
  };
  let display: string;
  try {
    display = `:${await readDisplayNumber(server, server.stdio[3] as Readable, 10_000)}`;
    await run('setpriv', [...asUser(uid), 'xauth', '-q', '-f', xauthority, 'add', display, '.', cookie]);
  } catch (err) {
    await stop();
    throw new Error(`Xvfb as uid ${uid} did not start: ${(err as Error).message}; stderr: ${stderr.trim()}`, { cause: err });
  }
  const spawnAsUser = (env: Record<string, string>, command: string, args: string[]): ChildProcess => {
    const child = spawn('setpriv', [...asUser(uid), 'env', '-i', ...Object.entries(env).map(([k, v]) => `${k}=${v}`), command, ...args], { stdio: 'ignore' });
    child.on('error', () => undefined);
    children.push(child);
    return child;
  };
  if (options.clients ?? true) {
    spawnAsUser({ DISPLAY: display, XAUTHORITY: xauthority, HOME: dir, PATH: '/usr/bin:/bin' }, 'xclock', ['-update', '1', '-geometry', '200x200+20+20']);
  }
  return { uid, display, dir, xauthority, serverPid: server.pid!, spawnAsUser, stop };
}

function readDisplayNumber(server: ChildProcess, fd: Readable, timeoutMs: number): Promise<string> {
  return new Promise((resolve, reject) => {
    let text = '';
    const timer = setTimeout(() => reject(new Error(`no display number within ${timeoutMs} ms`)), timeoutMs);
    fd.on('data', (d: Buffer) => {
      text += d.toString();
      const m = /^(\d+)\n/.exec(text);
      if (m) { clearTimeout(timer); resolve(m[1]!); }
    });
    server.once('exit', (code, signal) => { clearTimeout(timer); reject(new Error(`Xvfb exited (${code ?? signal})`)); });
  });
}

/** SIGTERM by PID, SIGKILL after 3 s, resolved when the process is gone. */
export function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null || child.pid === undefined) return Promise.resolve();
  return new Promise((resolve) => {
    const kill = setTimeout(() => child.kill('SIGKILL'), 3000);
    child.once('exit', () => { clearTimeout(kill); resolve(); });
    child.kill('SIGTERM');
  });
}

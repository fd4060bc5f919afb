import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import {
  acquireSessionLock,
  isLockLive,
  parseProcStatStartTime,
  readSessionLock,
  SessionLockedError,
  sessionLockPath,
  systemProbe,
  type LockInfo,
} from '../src/sessionLock';

let spool: string;
let lockPath: string;
beforeEach(() => {
  spool = mkdtempSync(path.join(tmpdir(), 'sr-lock-'));
  lockPath = sessionLockPath(spool, 'sess/1');
});
afterEach(() => rmSync(spool, { recursive: true, force: true }));

const now = new Date('2024-03-14T09:27:00.000Z');
const acquire = (over: { pid?: number } = {}) => acquireSessionLock({ lockPath, sessionId: 'sess/1', pid: over.pid ?? process.pid, now });

/** The pid of a process that has exited: a real dead pid. */
async function deadPid(): Promise<number> {
  const child = spawn(process.execPath, ['-e', '']);
  const pid = child.pid as number;
  await new Promise((resolve) => child.on('exit', resolve));
  return pid;
}

function plant(info: Partial<LockInfo>): void {
  mkdirSync(path.dirname(lockPath), { recursive: true });
  writeFileSync(lockPath, JSON.stringify({ startedAt: '2024-01-01T00:00:00.000Z', sessionId: 'sess/1', nonce: 'old', ...info }));
}

test('the lock lives in the session spool dir, named from the sanitized session id', () => {
  expect(path.relative(spool, lockPath)).toMatch(/^sess_1-[0-9a-f]{16}\/recorder\.lock$/);
});

test('acquire writes pid, start time and process start; release removes it; no stray files', async () => {
  const lock = await acquire();
  const info = JSON.parse(readFileSync(lockPath, 'utf8')) as LockInfo;
  expect(info).toMatchObject({ pid: process.pid, startedAt: now.toISOString(), sessionId: 'sess/1' });
  expect(info.processStart).toBe(systemProbe.startToken(process.pid));
  expect(readdirSync(path.dirname(lockPath))).toEqual(['recorder.lock']);
  await lock.release();
  expect(existsSync(lockPath)).toBe(false);
});

test('a live holder: a clear error naming the session and the pid', async () => {
  const first = await acquire();
  const err = await acquire().then(() => undefined, (e: unknown) => e);
  expect(err).toBeInstanceOf(SessionLockedError);
  expect((err as Error).message).toBe(`session sess/1 is already being recorded by pid ${process.pid} (since ${now.toISOString()}; lock ${lockPath})`);
  expect((err as SessionLockedError).holder.nonce).toBe(first.info.nonce);
  await expect(readSessionLock(lockPath)).resolves.toMatchObject({ nonce: first.info.nonce });
});

test('a lock whose pid is dead is stale and taken over', async () => {
  plant({ pid: await deadPid() });
  const lock = await acquire();
  expect((await readSessionLock(lockPath))?.nonce).toBe(lock.info.nonce);
});

test('a lock whose pid now belongs to another process (start time differs) is stale', async () => {
  plant({ pid: process.pid, processStart: 'not-the-start-time' });
  expect(isLockLive((await readSessionLock(lockPath)) as LockInfo)).toBe(false);
  await expect(acquire()).resolves.toBeDefined();
});

test('a corrupt lock file is stale', async () => {
  mkdirSync(path.dirname(lockPath), { recursive: true });
  writeFileSync(lockPath, '{"pid": 0');
  expect(await readSessionLock(lockPath)).toBeUndefined();
  await expect(acquire()).resolves.toBeDefined();
});

test('release leaves a lock that is no longer ours', async () => {
  const lock = await acquire();
  plant({ pid: process.pid, nonce: 'someone-else' });
  await lock.release();
  expect((await readSessionLock(lockPath))?.nonce).toBe('someone-else');
});

test('many recorders racing, fresh or over a stale lock: exactly one wins', async () => {
  for (const stale of [false, true, false, true, false, true, false, true]) {
    rmSync(path.dirname(lockPath), { recursive: true, force: true });
    if (stale) plant({ pid: await deadPid() });
    const results = await Promise.allSettled(Array.from({ length: 12 }, () => acquire()));
    const won = results.filter((r) => r.status === 'fulfilled');
    expect(won).toHaveLength(1);
    for (const r of results) if (r.status === 'rejected') expect(r.reason).toBeInstanceOf(SessionLockedError);
    const winner = (won[0] as PromiseFulfilledResult<{ info: LockInfo }>).value;
    expect((await readSessionLock(lockPath))?.nonce).toBe(winner.info.nonce);
    expect(readdirSync(path.dirname(lockPath))).toEqual(['recorder.lock']);
  }
});

test('/proc/<pid>/stat parsing survives spaces and parentheses in the command name', () => {
  const stat = '4242 (weird) name (x)) S 1 4242 4242 0 -1 4194560 100 0 0 0 1 2 0 0 20 0 1 0 987654 1000 100';
  expect(parseProcStatStartTime(stat)).toBe('987654');
  expect(systemProbe.isAlive(process.pid)).toBe(true);
});

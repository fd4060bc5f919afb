/**
 * `record` start-up order: a session whose lock a `recover` holds (uploading what a dead recorder
 * of the same session left) is waited for, not skipped; a live recorder's lock means "nothing to
 * do"; a destination that refuses writes for good stops the start before the spool is touched.
 */
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { loadConfig } from '../../src/config/loadConfig';
import { startSession } from '../../src/recording/startSession';
import { EnvironmentError } from '../../src/domain/errors';
import { acquireSessionLock, readSessionLock, SessionLockedError, sessionLockPath } from '../../src/sessionLock';

let root: string;
beforeEach(async () => {
  root = await mkdtemp(join(tmpdir(), 'start-session-'));
});
afterEach(async () => {
  await rm(root, { recursive: true, force: true });
});

function input(destination = `file://${join(root, 'dest')}`) {
  const config = loadConfig({
    flags: { destination, spoolDir: join(root, 'spool'), sentinel: join(root, 'run', 'end'), sessionId: 's-1', stack: 'st', fleet: 'fl', user: 'u', drainTimeout: '5' },
    env: {}, platform: 'linux', cwd: root, command: 'record',
  });
  return { config, env: {}, platform: 'linux' as const, logger: pino({ level: 'silent' }), version: 'test', now: new Date() };
}

test('waits while a recover holds the session, then takes it', async () => {
  const lockPath = sessionLockPath(join(root, 'spool'), 's-1');
  const recoverLock = await acquireSessionLock({ lockPath, sessionId: 's-1', pid: process.pid, now: new Date(), purpose: 'recover' });
  const started = Date.now();
  setTimeout(() => void recoverLock.release(), 1_000);
  const session = await startSession(input());
  try {
    expect(Date.now() - started).toBeGreaterThanOrEqual(900);
    expect(await readSessionLock(lockPath)).toMatchObject({ purpose: 'record', nonce: session.session.lock.info.nonce });
  } finally {
    session.close();
    await session.session.lock.release();
  }
});

test('a live recorder holding the session: SessionLockedError (record says "nothing to do")', async () => {
  const lockPath = sessionLockPath(join(root, 'spool'), 's-1');
  const lock = await acquireSessionLock({ lockPath, sessionId: 's-1', pid: process.pid, now: new Date() });
  await expect(startSession(input())).rejects.toBeInstanceOf(SessionLockedError);
  await lock.release();
});

test('a destination that cannot be written: EnvironmentError before the session dir exists', async () => {
  const notADir = join(root, 'file');
  await import('node:fs/promises').then((fs) => fs.writeFile(notADir, 'x'));
  await expect(startSession(input(`file://${notADir}/dest`))).rejects.toThrow(EnvironmentError);
  await expect(startSession(input(`file://${notADir}/dest`))).rejects.toThrow(/^cannot write to the destination, nothing recorded: /);
  expect(existsSync(join(root, 'spool', 's-1'))).toBe(false);
});

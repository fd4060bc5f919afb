/**
 * `recover`'s scan of the spool root, on a local-directory destination (no X server needed):
 * a dead recorder's session is finished under its own keys and removed; a live recorder's session
 * is left alone; a directory that cannot be attributed to a session keeps its videos (exit 3).
 */
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { randomBytes } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { parseDestination } from '../../src/adapters/destination';
import { recoverSpool, describeRecovery } from '../../src/recovery/recoverSpool';
import { parseManifest, verifyChain } from '../../src/domain/manifest';
import { acquireSessionLock } from '../../src/sessionLock';

jest.setTimeout(60_000);

let root: string;
beforeEach(async () => {
  root = await mkdtemp(join(tmpdir(), 'recover-'));
});
afterEach(async () => {
  await rm(root, { recursive: true, force: true });
});

async function session(spool: string, id: string, destination: string, segments: number): Promise<string> {
  const dir = join(spool, id);
  const run = join(dir, 'run-1795760000000');
  await mkdir(run, { recursive: true });
  const metadata = { sessionId: id, stack: 'stack', fleet: 'fleet', user: 'judy', platform: 'linux', sources: {}, startedAt: '2026-11-27T06:00:00.000Z', recorderVersion: 'test' };
  await writeFile(join(dir, 'session.json'), JSON.stringify({ format: 'session-recorder.session/1', metadata, sessionPrefix: `stack/fleet/${id}/`, destination, checksumMode: 'WHEN_REQUIRED' }));
  const lines: string[] = [];
  for (let i = 0; i < segments; i += 1) {
    await writeFile(join(run, `seg-${String(i).padStart(5, '0')}.mp4`), randomBytes(10_000));
    lines.push(`seg-${String(i).padStart(5, '0')}.mp4,${i * 2}.000000,${i * 2 + 2}.000000`);
  }
  await writeFile(join(run, 'segments.csv'), `${lines.join('\n')}\n`);
  return dir;
}

test('finishes dead sessions under their own keys, skips live ones, keeps what it cannot attribute', async () => {
  const spool = join(root, 'spool');
  const dest = join(root, 'dest');
  const destination = `file://${dest}`;
  const dead = await session(spool, 'dead-1', destination, 2);
  await writeFile(join(dead, 'recorder.lock'), JSON.stringify({ pid: 999_999, startedAt: '2026-11-27T06:00:00.000Z', sessionId: 'dead-1', nonce: 'gone' }));
  const live = await session(spool, 'live-1', destination, 1);
  const lock = await acquireSessionLock({ lockPath: join(live, 'recorder.lock'), sessionId: 'live-1', pid: process.pid, now: new Date() });
  const orphan = join(spool, 'no-session-json', 'run-1795760000000');
  await mkdir(orphan, { recursive: true });
  await writeFile(join(orphan, 'seg-00000.mp4'), randomBytes(1000));

  const result = await recoverSpool({
    config: { spoolDir: spool, destination: parseDestination('file:///nowhere'), endpoint: undefined, region: undefined, checksumMode: 'WHEN_REQUIRED' },
    logger: pino({ level: 'silent' }),
    budgetMs: 20_000,
  });
  await lock.release();

  expect(result.exitCode).toBe(3);
  expect(result.sessions.map((s) => s.kind).sort()).toEqual(['busy', 'recovered', 'unrecoverable']);
  const lines = describeRecovery(result);
  expect(lines).toContainEqual(expect.stringMatching(/^recovered session dead-1: 2 segment\(s\), 0\.0 MB to file:\/\/.*\/dest\/stack\/fleet\/dead-1\/$/));
  expect(lines).toContainEqual(expect.stringMatching(/^skipped .*live-1: being recorded by pid \d+$/));
  expect(lines).toContainEqual(expect.stringMatching(/^cannot recover .*no-session-json \(session\.json: .*\): its 1 video file\(s\) are kept$/));

  // The dead session: under its own keys (session.json's destination, not this command's), chained, closed as recovered.
  const keys = (await readdir(join(dest, 'stack', 'fleet', 'dead-1'))).sort();
  expect(keys).toEqual(['20261127T060000.000Z-metadata.json', '20261127T061320.000Z-video.mp4', '20261127T061322.000Z-video.mp4', 'end.json', 'manifest.json']);
  const manifest = parseManifest(await readFile(join(dest, 'stack', 'fleet', 'dead-1', 'manifest.json'), 'utf8'));
  expect(verifyChain(manifest).ok).toBe(true);
  const end = JSON.parse(await readFile(join(dest, 'stack', 'fleet', 'dead-1', 'end.json'), 'utf8')) as { reason: string; complete: boolean; segments: number };
  expect(end).toMatchObject({ complete: true, segments: 2, reason: expect.stringMatching(/^recovered: recorder pid 999999 .*died without closing the session; finished by recover pid \d+$/) });
  expect(existsSync(dead)).toBe(false);
  // Live and unattributable: untouched.
  expect((await readdir(live, { recursive: true })).map(String).sort()).toEqual(['run-1795760000000', 'run-1795760000000/seg-00000.mp4', 'run-1795760000000/segments.csv', 'session.json']); // its lock released by the test
  expect(existsSync(join(orphan, 'seg-00000.mp4'))).toBe(true);
});

test('nothing to do: exit 0', async () => {
  const spool = join(root, 'empty');
  await mkdir(spool);
  const result = await recoverSpool({
    config: { spoolDir: spool, destination: parseDestination(`file://${root}/d`), endpoint: undefined, region: undefined, checksumMode: 'WHEN_REQUIRED' },
    logger: pino({ level: 'silent' }),
    budgetMs: 5_000,
  });
  expect(result.exitCode).toBe(0);
  expect(describeRecovery(result)).toEqual(['nothing to recover']);
});

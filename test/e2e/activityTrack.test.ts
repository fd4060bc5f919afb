/**
 * Integration (real processes): the activity track, recorder side (issue 15). The built CLI records
 * a real Xvfb (no window manager) with real FFmpeg while real X clients come and go: an xterm with
 * a distinctive title (`-T`), retitled with xdotool, a window manager simulated by setting
 * `_NET_ACTIVE_WINDOW` on the root window with xprop, a hostile XKillClient aimed at our own X
 * connection (test/fixtures/xattack), and the recorder SIGKILLed then recovered. What lands is read back
 * from the stores (file:// and the S3-compatible server) and checked by `verify`.
 */
import { spawn, type ChildProcess, execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { type ActivityEvent, type ActivityObject, parseActivity } from '../../src/domain/activity';
import { parseJournal } from '../../src/domain/activityJournal';
import { RECORDER_GONE } from '../../src/domain/activityCut';
import type { Manifest } from '../../src/domain/manifest';
import { sessionPrefix } from '../../src/domain/sanitize';
import type { VerifyReport } from '../../src/verify/report';
import { runCli, waitUntil, type CliRun } from '../helpers/cli';
import { startS3Server, type TestS3Server } from '../helpers/s3Server';
import { startXvfb, type Xvfb } from '../helpers/xvfb';
import { buildXattack, xattack } from '../helpers/xattack';

jest.setTimeout(240_000);
const run = promisify(execFile);

let s3: TestS3Server;
let x: Xvfb;
let work: string;
let attack: string;
const started: ChildProcess[] = [];

beforeAll(async () => {
  work = await mkdtemp(join(tmpdir(), 'e2e-activity-'));
  [s3, x, attack] = await Promise.all([startS3Server({ bucket: 'activity' }), startXvfb({ width: 640, height: 480, scene: false }), buildXattack(work)]);
});
afterEach(async () => {
  for (const child of started.splice(0)) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
});
afterAll(async () => {
  await Promise.all([s3?.stop(), x?.stop()]);
  if (work) await rm(work, { recursive: true, force: true });
});

interface Session {
  readonly id: string;
  readonly recorder: CliRun;
  readonly url: string;
  readonly dir: string;
  readonly spool: string;
}

function record(id: string, seconds: number | undefined, destination: 's3' | 'file', extra: readonly string[] = []): Session {
  const dir = join(work, 'rec');
  const spool = join(work, id, 'spool');
  const dest = destination === 's3' ? ['--destination', 's3://activity/', '--endpoint', s3.endpoint] : ['--destination', `file://${dir}`];
  const recorder = runCli(
    [
      'record', ...dest, '--display', x.display, '--spool-dir', spool, '--run-dir', join(work, id, 'run'), '--insecure',
      '--segment-seconds', '3', '--frame-rate', '5', '--session-id', id, '--stack', 'st', '--fleet', 'fl', '--user', 'ursula',
      ...(seconds === undefined ? [] : ['--max-duration', String(seconds)]), ...extra,
    ],
    { env: { ...process.env, ...s3.env }, cwd: work },
  );
  const prefix = sessionPrefix({ stack: 'st', fleet: 'fl', sessionId: id });
  return { id, recorder, spool, dir: join(dir, prefix), url: destination === 's3' ? `s3://activity/${prefix}` : `file://${join(dir, prefix)}` };
}

function logged(session: Session, msg: string, timeoutMs = 30_000): Promise<unknown> {
  return waitUntil(`${session.id}: log "${msg}"`, () => (session.recorder.stderr().includes(`"msg":"${msg}"`) ? true : undefined), timeoutMs);
}

const display = (): NodeJS.ProcessEnv => ({ ...process.env, DISPLAY: x.display });

/** An xterm titled `title`; resolves once its window is mapped, with the window id and the time bounds of the mapping. */
async function xterm(title: string): Promise<{ child: ChildProcess; wid: string; before: number; after: number }> {
  const before = Date.now();
  const child = spawn('xterm', ['-T', title, '-e', 'sleep', '300'], { env: display(), stdio: 'ignore' });
  started.push(child);
  const { stdout } = await run('xdotool', ['search', '--sync', '--onlyvisible', '--name', `^${title}$`], { env: display(), timeout: 30_000 });
  const wid = `0x${Number(stdout.trim().split('\n')[0]).toString(16)}`;
  return { child, wid, before, after: Date.now() };
}

async function verify(session: Session): Promise<{ code: number | null; report: VerifyReport }> {
  const extra = session.url.startsWith('s3:') ? ['--endpoint', s3.endpoint] : [];
  const result = await runCli(['verify', session.url, '--json', ...extra], { env: { ...process.env, ...s3.env } }).done;
  return { code: result.code, report: JSON.parse(result.stdout) as VerifyReport };
}

/** The manifest and every activity object it names, from a file:// session. */
async function activityOf(dir: string): Promise<{ manifest: Manifest; objects: ActivityObject[] }> {
  const manifest = JSON.parse(await readFile(join(dir, 'manifest.json'), 'utf8')) as Manifest;
  const objects: ActivityObject[] = [];
  for (const entry of manifest.entries) {
    if (entry.activity === undefined) continue;
    objects.push(parseActivity(await readFile(join(dir, entry.activity.key.slice(entry.activity.key.lastIndexOf('/') + 1)), 'utf8')));
  }
  return { manifest, objects };
}

const allEvents = (objects: readonly ActivityObject[]): ActivityEvent[] => objects.flatMap((o) => o.events);
const titlesIn = (e: ActivityEvent): string[] => (e.kind === 'windows' ? e.windows.map((w) => w.title) : e.kind === 'focus' && e.window !== null ? [e.window.title] : []);

test('titles, apps and pids with their times; retitled, focused (simulated WM) and closed windows; a hostile XKillClient cannot cut our X connection; verify passes, then fails on tampering', async () => {
  // Stopped (SIGTERM: the same recorder.stop as --max-duration) once everything checked below is
  // in the journal; the max duration is only a deadline.
  const session = record('track-file', 120, 'file');
  started.push(session.recorder.child);
  const journal = join(session.spool, 'track-file', 'activity.jsonl');
  await logged(session, 'activity observed');
  const title = `ZEBRA-LEDGER-${randomBytes(3).toString('hex')}`;
  const term = await xterm(title);
  // A window manager's way: _NET_ACTIVE_WINDOW on the root window.
  const activeAt = Date.now();
  await run('xprop', ['-root', '-f', '_NET_ACTIVE_WINDOW', '32x', '-set', '_NET_ACTIVE_WINDOW', term.wid], { env: display() });
  const renamed = `${title} renamed ✓`;
  const renamedBefore = Date.now();
  await run('xdotool', ['set_window', '--name', renamed, String(Number(term.wid))], { env: display() });
  const renamedAfter = Date.now();
  await waitUntil('the retitle in the journal', async () => ((await readFile(journal, 'utf8').catch(() => '')).includes(renamed) ? true : undefined), 15_000);
  // A hostile client tries to cut our X connection (the recorder runs as "node"; no other node
  // process here holds one). XKillClient needs a resource of the victim and the track's
  // connection owns none (no window, no pixmap): the server refuses with BadValue (measured), so
  // the track is not cut. (The lost-and-back path is tested by test/actors/activity.test.ts with
  // an X server that goes away.)
  const cut = await xattack(attack, x.display, ['cut', 'node', '1000', '1000']).then(
    () => 'cut',
    (e: Error) => e.message,
  );
  expect(cut).toMatch(/BadValue[\s\S]*X_KillClient/);
  const later = await xterm(`AFTER-CUT-${randomBytes(3).toString('hex')}`);
  term.child.kill();
  // Wait for: the newest window list in the journal has the later window and not the closed one,
  // and two segments are durable (with the last one at the stop: at least three activity objects).
  await waitUntil('the later window and the close in the journal, two segments durable', async () => {
    const lists = parseJournal(await readFile(journal, 'utf8').catch(() => '')).records.flatMap((r) => (r.k === 'event' && r.event.kind === 'windows' ? [r.event.windows] : []));
    const newest = lists.at(-1) ?? [];
    const seen = newest.some((w) => w.id === later.wid) && !newest.some((w) => w.title === renamed);
    const durable = session.recorder.stderr().split('"msg":"segment durable"').length - 1;
    return seen && durable >= 2 ? true : undefined;
  }, 30_000);
  session.recorder.child.kill('SIGTERM');
  const result = await session.recorder.done;
  expect({ code: result.code, tail: result.code === 0 ? '' : result.stderr.slice(-2000) }).toEqual({ code: 0, tail: '' });

  const { manifest, objects } = await activityOf(session.dir);
  // Every entry names its activity object; the objects follow each other from the session's start.
  expect(manifest.entries.every((e) => e.activity !== undefined)).toBe(true);
  expect(objects[0]!.start).toBe(manifest.startedAt);
  for (let i = 1; i < objects.length; i += 1) expect(objects[i]!.start).toBe(objects[i - 1]!.end);
  const events = allEvents(objects);

  // The mapped window, with its app and pid, within ±1 s of when it was mapped.
  const mapped = events.find((e) => e.kind === 'windows' && e.windows.some((w) => w.title === title));
  expect(mapped).toBeDefined();
  const mappedAt = Date.parse(mapped!.at);
  expect(mappedAt).toBeGreaterThanOrEqual(term.before - 1_000);
  expect(mappedAt).toBeLessThanOrEqual(term.after + 1_000);
  const info = mapped!.kind === 'windows' ? mapped!.windows.find((w) => w.title === title) : undefined;
  expect(info).toEqual({ id: term.wid, title, app: 'XTerm', pid: term.child.pid });

  // The simulated WM's active window is the focus.
  const focused = events.find((e) => e.kind === 'focus' && e.window?.title === title);
  expect(focused).toBeDefined();
  expect(Date.parse(focused!.at)).toBeGreaterThanOrEqual(activeAt - 1_000);
  expect(objects.some((o) => o.source === 'x11-active-window')).toBe(true);

  // Retitled, in time.
  const retitled = events.find((e) => titlesIn(e).includes(renamed));
  expect(retitled).toBeDefined();
  expect(Date.parse(retitled!.at)).toBeGreaterThanOrEqual(renamedBefore - 1_000);
  expect(Date.parse(retitled!.at)).toBeLessThanOrEqual(renamedAfter + 1_000);

  // Closed: a later window list without it.
  const closed = events.filter((e) => e.kind === 'windows' && Date.parse(e.at) > Date.parse(retitled!.at)).find((e) => !titlesIn(e).includes(renamed));
  expect(closed).toBeDefined();

  // The attempted cut changed nothing: no stretch was lost, and the window mapped after it is there.
  // (A first connection attempt at start-up may fail while the recorder starts: counted from the first observation.)
  const afterObserved = result.stderr.slice(result.stderr.indexOf('"msg":"activity observed"'));
  expect(afterObserved).not.toContain('activity source lost');
  expect(result.stderr.split('"msg":"activity source connected"').length - 1).toBe(1);
  expect(objects.flatMap((o) => o.unobserved).filter((u) => Date.parse(u.start) > Date.parse(objects[0]!.start) + 5_000)).toEqual([]);
  expect(events.some((e) => e.kind === 'windows' && e.windows.some((w) => w.id === later.wid))).toBe(true);

  // verify: clean, with the unobserved stretches as notes.
  const clean = await verify(session);
  expect({ code: clean.code, problems: clean.report.problems }).toEqual({ code: 0, problems: [] });
  expect(clean.report.notes.some((n) => n.code === 'activity-unobserved')).toBe(true); // the start-up, before the source reported

  // Tampered and missing activity objects: integrity failures (exit 5).
  const names = (await readdir(session.dir)).filter((n) => n.endsWith('-activity.json')).sort();
  await writeFile(join(session.dir, names[1]!), (await readFile(join(session.dir, names[1]!), 'utf8')).replace('"events":[', '"events":[ '));
  await rm(join(session.dir, names[2]!));
  const tampered = await verify(session);
  expect(tampered.code).toBe(5);
  expect(tampered.report.problems.map((p) => [p.code, p.name])).toEqual(
    expect.arrayContaining([
      ['activity-altered', names[1]],
      ['activity-missing', names[2]],
    ]),
  );
  later.child.kill();
});

test('to the S3-compatible server: the activity objects land, are in the manifest, and verify; --no-activity records none', async () => {
  const session = record('track-s3', 8, 's3');
  // The session without a track records meanwhile (its own spool and store; the same display).
  const off = record('track-off', 5, 'file', ['--no-activity']);
  await logged(session, 'activity observed');
  const title = `S3-TRACK-${randomBytes(3).toString('hex')}`;
  const term = await xterm(title);
  const result = await session.recorder.done;
  expect(result.code).toBe(0);
  term.child.kill();
  const { stdout } = await run('/usr/bin/aws', ['s3', 'ls', '--recursive', `s3://activity/${sessionPrefix({ stack: 'st', fleet: 'fl', sessionId: 'track-s3' })}`, '--endpoint-url', s3.endpoint], {
    env: { ...process.env, ...s3.env },
  });
  const keys = stdout.split('\n').filter((l) => l.includes('-activity.json'));
  const checked = await verify(session);
  expect({ code: checked.code, problems: checked.report.problems }).toEqual({ code: 0, problems: [] });
  expect(keys.length).toBe(checked.report.manifest!.segments);
  expect(checked.report.notes.map((n) => n.code)).not.toContain('no-activity-track');

  const offResult = await off.recorder.done;
  expect(offResult.code).toBe(0);
  expect(offResult.stderr).toContain('activity track off (--no-activity)');
  expect((await readdir(off.dir)).filter((n) => n.includes('activity'))).toEqual([]);
  const { manifest } = await activityOf(off.dir);
  expect(manifest.entries.length).toBeGreaterThan(0);
  expect(manifest.entries.some((e) => e.activity !== undefined)).toBe(false);
  const offVerify = await verify(off);
  expect({ code: offVerify.code, problems: offVerify.report.problems }).toEqual({ code: 0, problems: [] });
  expect(offVerify.report.notes.map((n) => n.code)).toContain('no-activity-track');
});

test('recorder SIGKILLed mid-session: recover uploads the killed session\'s activity from its journal', async () => {
  const session = record('track-killed', undefined, 'file');
  await logged(session, 'activity observed');
  const title = `KILLED-${randomBytes(3).toString('hex')}`;
  const term = await xterm(title);
  const journal = join(session.spool, 'track-killed', 'activity.jsonl');
  await waitUntil('the title in the journal', async () => ((await readFile(journal, 'utf8').catch(() => '')).includes(title) ? true : undefined), 15_000);
  await logged(session, 'segment durable');
  session.recorder.child.kill('SIGKILL');
  await session.recorder.done;
  term.child.kill();
  const recovered = await runCli(['recover', '--spool-dir', session.spool, '--insecure', '--drain-timeout', '30'], { env: { ...process.env, ...s3.env }, cwd: work }).done;
  expect({ code: recovered.code, tail: recovered.code === 0 ? '' : recovered.stderr.slice(-3000) }).toEqual({ code: 0, tail: '' });

  const { manifest, objects } = await activityOf(session.dir);
  expect(manifest.entries.every((e) => e.activity !== undefined)).toBe(true);
  expect(allEvents(objects).some((e) => titlesIn(e).includes(title)) || objects.some((o) => o.initial.windows.some((w) => w.title === title))).toBe(true);
  // Past the dead recorder's last record nothing was observed, and the object says so.
  expect(objects[objects.length - 1]!.unobserved.some((u) => u.cause === RECORDER_GONE)).toBe(true);
  const checked = await verify(session);
  expect(checked.report.problems.filter((p) => p.code.startsWith('activity') || p.code === 'unexpected-object')).toEqual([]);
});

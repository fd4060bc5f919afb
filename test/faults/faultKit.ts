/**
 * Shared parts of the fault tests (issue 5): start the built CLI against a real X server and a
 * real S3-compatible server, read its JSON log, and compare the bucket with what was recorded:
 * every segment present (no index missing in any run), each object's bytes matching its manifest
 * entry's SHA-256, each decodable by FFmpeg, the manifest's hash chain valid, end.json pinning
 * the chain's head and the manifest's bytes, and no stray objects.
 */
import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import { mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { runCli, waitUntil, type CliRun } from '../helpers/cli';
import { decodeChain, decodeErrors, decodeErrorsJoined, probeMedia } from '../helpers/media';
import { startS3Server, type TestS3Server } from '../helpers/s3Server';
import { startXvfb, type Xvfb } from '../helpers/xvfb';
import { verifyChain, type EndMarker, type Manifest, type ManifestEntry } from '../../src/domain/manifest';
import { assembleStored, readChunkTexts } from '../../src/domain/manifestChunks';
import { stopOrphanedCaptures } from '../../src/adapters/orphanCapture';
import { sessionPrefix } from '../../src/domain/sanitize';
import { createLogger } from '../../src/logger';

export const BUCKET = 'faults';
const run = promisify(execFile);

/** What most fault tests start in beforeAll: an 800x600 Xvfb, s3rver with BUCKET, a temp work dir. */
export interface FaultRig {
  readonly x: Xvfb;
  readonly s3: TestS3Server;
  readonly work: string;
}

/** Starts the rig; the work dir is `<tmpdir>/<workPrefix>XXXXXX`. */
export async function startFaultRig(workPrefix: string): Promise<FaultRig> {
  const [x, s3] = await Promise.all([startXvfb({ width: 800, height: 600 }), startS3Server({ bucket: BUCKET })]);
  const work = await mkdtemp(join(tmpdir(), workPrefix));
  return { x, s3, work };
}

/** Stops what `startFaultRig` started (any part may be missing when it failed) and removes the work dir. */
export async function stopFaultRig(rig: Partial<FaultRig>): Promise<void> {
  await Promise.all([rig.x?.stop(), rig.s3?.stop()]);
  if (rig.work) await rm(rig.work, { recursive: true, force: true });
}

export interface LogLine {
  readonly level: number;
  readonly time: string;
  readonly msg: string;
  readonly [key: string]: unknown;
}

/** The recorder's JSON log lines (stderr). */
export function logLines(stderr: string): LogLine[] {
  const lines: LogLine[] = [];
  for (const line of stderr.split('\n')) {
    if (!line.startsWith('{')) continue;
    try {
      lines.push(JSON.parse(line) as LogLine);
    } catch {
      // a line cut by the end of the buffer
    }
  }
  return lines;
}

/**
 * What a person sees on stderr apart from the JSON log: Node's warning for the AWS SDK's
 * Node 20 support notice (printed by the SDK, not by us) is set aside.
 */
export function humanLines(stderr: string): string[] {
  const withoutSdkNotice = stderr.replace(/\(node:\d+\) Warning: NodeVersionSupportWarning:[\s\S]*?\(Use `node --trace-warnings[^\n]*\n/g, '');
  return withoutSdkNotice.split('\n').filter((l) => l.trim() !== '' && !l.startsWith('{'));
}

/** `run-123/4` for every segment the recorder reported closed (its transition log). */
export function closedSegments(logs: readonly LogLine[], sessionId?: string): Set<string> {
  const found = new Set<string>();
  for (const l of logs) {
    if (l.msg !== 'segment.closed' && l.msg !== 'recover: segment.closed') continue;
    const path = String(l['segment'] ?? '');
    if (sessionId !== undefined && !path.includes(`/${sessionId}/`)) continue;
    const m = /(run-\d+)[/\\]seg-(\d+)\.\w+$/.exec(path);
    if (m) found.add(`${m[1]}/${Number(m[2])}`);
  }
  return found;
}

export interface SessionNames {
  readonly id: string;
  readonly stack: string;
  readonly fleet: string;
  readonly user: string;
}

/** `<stack>/<fleet>/<session>/` as the recorder names it. */
export function prefixOf(session: SessionNames): string {
  return sessionPrefix({ stack: session.stack, fleet: session.fleet, sessionId: session.id });
}

export interface RecorderArgs {
  readonly work: string;
  readonly session: SessionNames;
  readonly display: string;
  readonly endpoint: string;
  readonly destPrefix?: string;
  readonly segmentSeconds?: number;
  readonly drainTimeout?: number;
  readonly extra?: readonly string[];
}

export interface Paths {
  readonly spoolDir: string;
  readonly sentinel: string;
}

export function pathsFor(work: string, sessionId: string): Paths {
  return { spoolDir: join(work, 'spool'), sentinel: join(work, 'run', sessionId, 'end') };
}

export function recordArgs(a: RecorderArgs): string[] {
  const { spoolDir, sentinel } = pathsFor(a.work, a.session.id);
  return [
    'record', '--destination', `s3://${BUCKET}/${a.destPrefix ?? 'faults/'}`, '--endpoint', a.endpoint, '--region', 'us-east-1',
    '--display', a.display, '--spool-dir', spoolDir, '--sentinel', sentinel,
    '--segment-seconds', String(a.segmentSeconds ?? 2), '--frame-rate', '5', '--drain-timeout', String(a.drainTimeout ?? 30),
    '--session-id', a.session.id, '--stack', a.session.stack, '--fleet', a.session.fleet, '--user', a.session.user,
    ...(a.extra ?? []),
  ];
}

export function startRecorder(a: RecorderArgs, env: NodeJS.ProcessEnv): CliRun {
  mkdirSync(a.work, { recursive: true });
  return runCli(recordArgs(a), { env, cwd: a.work });
}

/**
 * Test cleanup: a recorder still running is asked to drain (SIGTERM), killed if it does not exit,
 * and any FFmpeg it left in `spoolDir` is stopped: a failing test leaves no process behind.
 */
export async function cleanUp(run: CliRun | undefined, spoolDir: string): Promise<void> {
  if (run !== undefined && run.child.exitCode === null && run.child.signalCode === null) {
    run.child.kill('SIGTERM');
    const exited = await Promise.race([run.done.then(() => true, () => true), sleep(40_000).then(() => false)]);
    if (!exited) run.child.kill('SIGKILL');
  }
  // FAULT_LOG_DIR=/some/dir keeps each recorder's log for a look after a failure.
  const keep = process.env['FAULT_LOG_DIR'];
  if (keep !== undefined && run !== undefined) await writeFile(join(keep, `recorder-${run.child.pid}.log`), run.stderr()).catch(() => undefined);
  const logger = createLogger('silent');
  for (const name of await readdir(spoolDir).catch(() => [] as string[])) {
    await stopOrphanedCaptures({ sessionSpoolDir: join(spoolDir, name), logger, graceMs: 2_000 });
  }
}

/** Waits until the recorder's log has a line matching `match`; returns it. */
export function waitForLog(run: CliRun, what: string, match: (l: LogLine) => boolean, timeoutMs: number): Promise<LogLine> {
  return waitUntil(what, () => logLines(run.stderr()).find(match), timeoutMs, 100);
}

export function countLog(run: CliRun | string, match: (l: LogLine) => boolean): number {
  return logLines(typeof run === 'string' ? run : run.stderr()).filter(match).length;
}

export const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

export interface BucketReport {
  readonly segments: number;
  readonly runs: number;
  readonly partialSegments: number;
  readonly metadataObjects: number;
  /** Sum of the segments' container durations (ffprobe). */
  readonly videoSeconds: number;
  /** Largest hole between two consecutive segments (between runs: the restart gap). */
  readonly maxGapSeconds: number;
  readonly manifest: Manifest;
  readonly end: EndMarker;
  /** `run-123/4` of every manifest entry. */
  readonly entries: Set<string>;
  /** Segments allowed to decode with errors (see checkBucket), with the frames that did decode. */
  readonly damaged: ReadonlyArray<{ readonly segment: string; readonly bytes: number; readonly framesDecoded: number; readonly errors: string }>;
}

/** Frames FFmpeg can decode from a file (0 when none). */
export async function decodedFrames(file: string): Promise<number> {
  const { stdout } = await run('ffprobe', ['-v', 'error', '-count_frames', '-select_streams', 'v:0', '-show_entries', 'stream=nb_read_frames', '-of', 'csv=p=0', file]).catch(() => ({ stdout: '0' }));
  const n = Number.parseInt(String(stdout).trim(), 10);
  return Number.isFinite(n) ? n : 0;
}

/**
 * Checks one session's objects in the bucket; throws (with the details) on the first problem.
 * `sessionPrefix` is `<stack>/<fleet>/<session>/` (sanitized), `destPrefix` the bucket prefix.
 */
export async function checkBucket(
  s3: TestS3Server,
  work: string,
  sessionPrefix: string,
  destPrefix = 'faults/',
  /** `run-123/4` segments that may not decode cleanly (cut short by a full disk): uploaded and checked like the others, reported with the frames that decode. */
  mayBeDamaged: ReadonlySet<string> = new Set(),
): Promise<BucketReport> {
  const full = `${destPrefix}${sessionPrefix}`;
  mkdirSync(work, { recursive: true });
  const keys = await s3.listKeys(full);
  const problems: string[] = [];
  const manifestText = (await s3.getObject(`${full}manifest.json`)).toString();
  // The manifest is stored in chunks (manifest.json links to manifest-NNNNNN.json before it).
  const stored = assembleStored(manifestText, await readChunkTexts(manifestText, (name) => s3.getObject(`${full}${name}`).catch(() => undefined)));
  for (const p of stored.problems) problems.push(`manifest chunks: ${p.message}`);
  const manifest = stored.manifest as Manifest;
  const chain = verifyChain(manifest);
  if (!chain.ok) problems.push(`manifest chain broken: ${JSON.stringify(chain.problems)}`);
  const end = JSON.parse((await s3.getObject(`${full}end.json`)).toString()) as EndMarker;
  if (end.lastEntrySha256 !== chain.head) problems.push(`end.json lastEntrySha256 ${end.lastEntrySha256} is not the chain head ${chain.head}`);
  if (end.manifestSha256 !== createHash('sha256').update(manifestText).digest('hex')) problems.push('end.json manifestSha256 does not match manifest.json');
  if (!end.complete || end.leftInSpool !== 0) problems.push(`end.json not complete: ${JSON.stringify(end)}`);
  if (end.segments !== manifest.entries.length) problems.push(`end.json counts ${end.segments} segments, the manifest ${manifest.entries.length}`);

  const videoKeys = keys.filter((k) => /-video\.\w+$/.test(k)).sort();
  const listed = manifest.entries.map((e) => `${destPrefix}${e.key}`).sort();
  if (JSON.stringify(videoKeys) !== JSON.stringify(listed)) problems.push(`video objects ${JSON.stringify(videoKeys)} differ from the manifest's ${JSON.stringify(listed)}`);
  const metadataKeys = keys.filter((k) => k.endsWith('-metadata.json')).sort();
  const listedMetadata = manifest.metadata.map((m) => `${destPrefix}${m.key}`).sort();
  if (JSON.stringify(metadataKeys) !== JSON.stringify(listedMetadata)) problems.push(`metadata objects ${JSON.stringify(metadataKeys)} differ from the manifest's ${JSON.stringify(listedMetadata)}`);
  for (const m of manifest.metadata) {
    const sha = createHash('sha256').update(await s3.getObject(`${destPrefix}${m.key}`)).digest('hex');
    if (sha !== m.sha256) problems.push(`${m.key}: sha256 ${sha}, manifest says ${m.sha256}`);
  }
  // The activity track (on for an X11 capture): each entry's object is there with its recorded SHA-256, and no other.
  const activityKeys = keys.filter((k) => k.endsWith('-activity.json')).sort();
  const listedActivity = manifest.entries.flatMap((e) => (e.activity === undefined ? [] : [`${destPrefix}${e.activity.key}`])).sort();
  if (JSON.stringify(activityKeys) !== JSON.stringify(listedActivity)) problems.push(`activity objects ${JSON.stringify(activityKeys)} differ from the manifest's ${JSON.stringify(listedActivity)}`);
  for (const e of manifest.entries) {
    if (e.activity === undefined) continue;
    const bytes = await s3.getObject(`${destPrefix}${e.activity.key}`).catch(() => Buffer.alloc(0));
    const sha = createHash('sha256').update(bytes).digest('hex');
    if (sha !== e.activity.sha256 || bytes.length !== e.activity.bytes) problems.push(`${e.activity.key}: ${bytes.length} bytes sha256 ${sha}, manifest says ${e.activity.bytes} bytes ${e.activity.sha256}`);
  }
  const stray = keys.filter((k) => !videoKeys.includes(k) && !metadataKeys.includes(k) && !activityKeys.includes(k) && !k.endsWith('/manifest.json') && !/\/manifest-\d{6}\.json$/.test(k) && !k.endsWith('/end.json'));
  if (stray.length > 0) problems.push(`stray objects: ${JSON.stringify(stray)}`);

  // Per run: indexes 0..n-1, none missing.
  const byRun = new Map<string, number[]>();
  for (const e of manifest.entries) byRun.set(e.runId, [...(byRun.get(e.runId) ?? []), e.index]);
  for (const [runId, indexes] of byRun) {
    const sorted = [...indexes].sort((a, b) => a - b);
    if (sorted.some((index, i) => index !== i)) problems.push(`run ${runId}: segment indexes ${JSON.stringify(sorted)} have a hole`);
  }

  let videoSeconds = 0;
  let n = 0;
  const damaged: Array<{ segment: string; bytes: number; framesDecoded: number; errors: string }> = [];
  const files = new Map<ManifestEntry, { file: string; bytes: Buffer }>();
  for (const e of manifest.entries) {
    const bytes = await s3.getObject(`${destPrefix}${e.key}`);
    const sha = createHash('sha256').update(bytes).digest('hex');
    if (sha !== e.sha256 || bytes.length !== e.bytes) problems.push(`${e.key}: ${bytes.length} bytes sha256 ${sha}, manifest says ${e.bytes} bytes ${e.sha256}`);
    const file = join(work, `check-${n++}.mp4`);
    await writeFile(file, bytes);
    files.set(e, { file, bytes });
  }
  for (const e of manifest.entries) {
    const { file, bytes } = files.get(e)!;
    // A segment that continues the one before decodes after its chain (shared keyframes).
    let errors: string;
    try {
      errors = e.continuesPrevious === true ? await decodeErrorsJoined(decodeChain(manifest.entries, e).map((c) => files.get(c)!.file)) : await decodeErrors(file);
    } catch (err) {
      errors = `its chain could not be joined: ${(err as Error).message}`;
    }
    const id = `${e.runId}/${e.index}`;
    if (errors !== '' && mayBeDamaged.has(id)) {
      const frames = await decodedFrames(file);
      const keep = process.env['FAULT_LOG_DIR'];
      if (keep !== undefined) await writeFile(join(keep, `damaged-${e.runId}-${e.index}.mp4`), bytes).catch(() => undefined);
      damaged.push({ segment: id, bytes: bytes.length, framesDecoded: frames, errors: errors.slice(0, 120) });
    } else if (errors !== '') problems.push(`${e.key} (${e.complete ? 'complete' : 'partial'}) does not decode cleanly: ${errors.slice(0, 300)}`);
    // A segment that may be damaged can hold a header cut short (FFmpeg stopped by a full disk while
    // it wrote one): no duration then, and nothing to count.
    const info = mayBeDamaged.has(id) ? await probeMedia(file).catch(() => ({ durationSeconds: 0 })) : await probeMedia(file);
    if (info.durationSeconds > 0) videoSeconds += info.durationSeconds;
    else if (!mayBeDamaged.has(id)) problems.push(`${e.key}: no duration (${info.durationSeconds})`);
  }

  const sorted = [...manifest.entries].sort((a, b) => Date.parse(a.start) - Date.parse(b.start));
  let maxGapSeconds = 0;
  for (let i = 1; i < sorted.length; i++) {
    const gap = (Date.parse(sorted[i]!.start) - Date.parse(sorted[i - 1]!.end)) / 1000;
    maxGapSeconds = Math.max(maxGapSeconds, gap);
  }
  if (problems.length > 0) throw new Error(`bucket check of ${full} failed:\n- ${problems.join('\n- ')}`);
  return {
    segments: manifest.entries.length,
    runs: byRun.size,
    partialSegments: manifest.entries.filter((e) => !e.complete).length,
    metadataObjects: manifest.metadata.length,
    videoSeconds: Math.round(videoSeconds * 100) / 100,
    maxGapSeconds: Math.round(maxGapSeconds * 1000) / 1000,
    manifest,
    end,
    entries: new Set(manifest.entries.map((e) => `${e.runId}/${e.index}`)),
    damaged,
  };
}

/** One line per test with the numbers observed, for docs/fault-tests.md. */
export function report(name: string, numbers: Record<string, unknown>): void {
  process.stdout.write(`FAULT-RESULT ${name} ${JSON.stringify(numbers)}\n`);
}

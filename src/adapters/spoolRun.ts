import { mkdirSync, readdirSync, renameSync, writeFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { DisplayLayout } from '../domain/displayLayout';

/**
 * On-disk layout of one capture run (one FFmpeg process) inside a session spool dir:
 *
 *   <sessionSpoolDir>/run-<startedAtMs>/
 *     run.json        RunInfo: written before FFmpeg starts, updated (atomically) when stderr
 *                     reveals the first frame's wall clock and the pid
 *     seg-00000.mp4   segments, numbered from 0 within the run
 *     seg-00000.ts    the segment's journal (segmentJournal.ts): the same frames, each on disk the
 *                     moment it is encoded; removed once FFmpeg lists the segment, turned into
 *                     the MP4 when FFmpeg was killed with the segment open
 *   <sessionSpoolDir>/segment-lists/
 *     run-<startedAtMs>.csv   FFmpeg's list of the run's closed segments: name,start,end (seconds
 *                     from the first frame). Apart from the media on purpose: FFmpeg writes a
 *                     journal at every frame, and a watcher of the run dir
 *                     woke (and re-read the dir) at each of those writes; the list changes once
 *                     per segment. Runs written before the lists moved keep `run-<t>/segments.csv`,
 *                     which readers still accept (`legacySegmentListFile`).
 *
 * Everything needed to name and upload a segment is on disk, so a later recorder can recover it.
 */
export const runDirPrefix = 'run-';
export const runInfoFile = 'run.json';
/** The directory of the runs' segment lists, inside the session spool dir. */
export const segmentListDir = 'segment-lists';
/** Where a run's list lived before the lists moved out of the run dir (older spools). */
export const legacySegmentListFile = 'segments.csv';

/** A run's segment list: `<sessionSpoolDir>/segment-lists/<runId>.csv`. */
export function segmentListPath(sessionSpoolDir: string, runId: string): string {
  return join(sessionSpoolDir, segmentListDir, `${runId}.csv`);
}

/** The run id a segment list file is named after (`run-<t>.csv`), or null. */
export function runIdOfSegmentList(fileName: string): string | null {
  const match = /^(run-\d+)\.csv$/.exec(fileName);
  return match?.[1] !== undefined && parseRunId(match[1]) !== null ? match[1] : null;
}

export interface RunInfo {
  readonly runId: string;
  /** When FFmpeg was spawned, epoch ms (also in the run id). */
  readonly startedAtMs: number;
  /** Wall clock of the first captured frame, epoch ms, once FFmpeg printed it; null until then or when the source has none. */
  readonly firstFrameAtMs: number | null;
  readonly pid: number | null;
  readonly layout: DisplayLayout;
  /** Encoded size (even). */
  readonly width: number;
  readonly height: number;
  readonly frameRate: number;
  readonly segmentSeconds: number;
  /** Segment file extension without the dot, e.g. "mp4". */
  readonly segmentExtension: string;
  /** Executable and arguments, exactly as spawned. */
  readonly command: readonly string[];
  /** The damage grabber's command line when it fed FFmpeg (x11damage capture); absent when FFmpeg grabbed itself. */
  readonly grabberCommand?: readonly string[];
  /** The damage grabber's pid, once it started. */
  readonly grabberPid?: number;
}

/** The instant the times in a run's segment list are relative to. */
export function runTimeBaseMs(info: Pick<RunInfo, 'firstFrameAtMs' | 'startedAtMs'>): number {
  return info.firstFrameAtMs ?? info.startedAtMs;
}

export function runIdFor(startedAtMs: number): string {
  return `${runDirPrefix}${startedAtMs}`;
}

/** The start time carried by a run id, or null if `name` is not a run directory name. */
export function parseRunId(name: string): number | null {
  const match = /^run-(\d{10,16})$/.exec(name);
  return match?.[1] === undefined ? null : Number(match[1]);
}

export function segmentFileName(index: number, extension: string): string {
  return `seg-${String(index).padStart(5, '0')}.${extension}`;
}

/** Index and extension of a `seg-NNNNN.ext` file name, or null. */
export function parseSegmentFileName(name: string): { index: number; extension: string } | null {
  const match = /^seg-(\d{5,})\.([a-z0-9]+)$/.exec(name);
  return match?.[1] === undefined || match[2] === undefined ? null : { index: Number(match[1]), extension: match[2] };
}

/**
 * Create a fresh run directory. The id is the start time in ms; if that directory exists (two
 * starts in one ms, or a clock that went back to a used value) the next free millisecond is taken.
 */
export function createRunDir(sessionSpoolDir: string, startedAtMs: number): { runId: string; runDir: string; startedAtMs: number } {
  mkdirSync(join(sessionSpoolDir, segmentListDir), { recursive: true });
  for (let ms = startedAtMs; ; ms += 1) {
    const runId = runIdFor(ms);
    const runDir = join(sessionSpoolDir, runId);
    try {
      mkdirSync(runDir);
      return { runId, runDir, startedAtMs: ms };
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST' || ms - startedAtMs > 10_000) throw err;
    }
  }
}

/** Write `data` to `path` atomically: a temp file beside it, then rename. */
export function writeFileAtomicSync(path: string, data: string): void {
  const temp = `${path}.${process.pid}.${Date.now()}.tmp`;
  writeFileSync(temp, data);
  renameSync(temp, path);
}

export function writeRunInfo(runDir: string, info: RunInfo): void {
  writeFileAtomicSync(join(runDir, runInfoFile), `${JSON.stringify(info, null, 2)}\n`);
}

/** run.json of a run, or null if it is missing or not a RunInfo (a run dir from a crash before it was written). */
export async function readRunInfo(runDir: string): Promise<RunInfo | null> {
  let text: string;
  try {
    text = await readFile(join(runDir, runInfoFile), 'utf8');
  } catch {
    return null;
  }
  try {
    const value = JSON.parse(text) as Partial<RunInfo>;
    const ok = typeof value.runId === 'string' && typeof value.startedAtMs === 'number'
      && (value.firstFrameAtMs === null || typeof value.firstFrameAtMs === 'number')
      && typeof value.width === 'number' && typeof value.height === 'number'
      && typeof value.segmentExtension === 'string';
    return ok ? (value as RunInfo) : null;
  } catch {
    return null;
  }
}

/** Run directory names in a session spool dir, oldest first. */
export function listRunIds(sessionSpoolDir: string): string[] {
  let names: string[];
  try {
    names = readdirSync(sessionSpoolDir);
  } catch {
    return [];
  }
  return names.filter((n) => parseRunId(n) !== null).sort((a, b) => (parseRunId(a) as number) - (parseRunId(b) as number));
}

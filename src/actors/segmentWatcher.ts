import { mkdirSync } from 'node:fs';
import { readdir, readFile, rm, stat } from 'node:fs/promises';
import { basename, join } from 'node:path';
import chokidar from 'chokidar';
import { closeWatcher } from '../adapters/fileWatch';
import { countVideoPackets, probeDuration, videoPacketsOrNoStream } from '../adapters/ffprobe';
import { segmentStart } from '../adapters/segmentKeyframe';
import { journalExtension, journalPathOf, recoverFromJournal } from '../adapters/segmentJournal';
import { marksInSegment, readStillMarks } from '../adapters/stillMarks';
import type { Logger } from 'pino';
import { fromCallback } from 'xstate';
import type { ClosedSegment } from '../domain/segment';
import { parseSegmentList, type SegmentListEntry } from '../adapters/segmentList';
import { legacySegmentListFile, listRunIds, parseRunId, parseSegmentFileName, readRunInfo, runIdOfSegmentList, runTimeBaseMs, segmentFileName, segmentListDir, segmentListPath, type RunInfo } from '../adapters/spoolRun';
import type { RecorderEvent, SegmentWatcherCommand } from '../machines/recorderEvents';

export interface SegmentWatcherDeps {
  /** The session spool dir holding `run-*` directories and `segment-lists/` (created if missing). */
  readonly sessionSpoolDir: string;
  readonly logger: Logger;
  /** For the duration of a partial segment; default "ffprobe". */
  readonly ffprobePath?: string;
  /** Rebuilds a killed FFmpeg's open segment from its journal (segmentJournal.ts); default "ffmpeg". */
  readonly ffmpegPath?: string;
  /**
   * Runs whose id (start time) is older than this belong to an earlier recorder process: they are
   * treated as ended at start, so their partial segment is reported too. Default: the moment
   * `createSegmentWatcher` is called (call it once at process start).
   */
  readonly previousRunsBeforeMs?: number;
}

interface RunState {
  /** Indexes already reported (listed or partial): never reported twice. */
  readonly reported: Set<number>;
  /**
   * Indexes FFmpeg listed as closed. Numbers, not names: a name parsed out of the list is a
   * slice of the whole file's text and would keep every version of it alive (measured: RSS grew
   * with the square of the segment count over 1,000 segments).
   */
  readonly listed: Set<number>;
  /** End of the last listed segment, seconds from the run's first frame. */
  lastEndSeconds: number;
  /** Work on one run happens in order: list scans and the end-of-run sweep never interleave. */
  queue: Promise<void>;
}

/**
 * Watches the runs' segment lists, `<spool>/segment-lists/run-*.csv` (chokidar, that directory
 * only: the run dirs, where FFmpeg writes at every frame, are never watched), and reports
 * `segment.closed` exactly once per segment FFmpeg listed, leftovers of earlier runs included
 * (their lists may be in the run dir, where older versions kept them). On `segments.runEnded` it re-reads that
 * run's list, reports any unlisted, non-empty segment file as `complete: false` (the partial one a
 * killed FFmpeg leaves; an empty one is removed), then answers `segments.runSettled`.
 */
export function createSegmentWatcher(deps: SegmentWatcherDeps) {
  const previousRunsBeforeMs = deps.previousRunsBeforeMs ?? Date.now();
  const ffprobePath = deps.ffprobePath ?? 'ffprobe';
  const ffmpegPath = deps.ffmpegPath ?? 'ffmpeg';
  return fromCallback<SegmentWatcherCommand, undefined>(({ sendBack, receive }) => {
    const log = deps.logger.child({ actor: 'segmentWatcher' });
    const spool = deps.sessionSpoolDir;
    const runs = new Map<string, RunState>();
    let stopped = false;

    const stateOf = (runId: string): RunState => {
      let state = runs.get(runId);
      if (!state) {
        state = { reported: new Set(), listed: new Set(), lastEndSeconds: 0, queue: Promise.resolve() };
        runs.set(runId, state);
      }
      return state;
    };
    const enqueue = (runId: string, task: (state: RunState) => Promise<void>): Promise<void> => {
      const state = stateOf(runId);
      state.queue = state.queue.then(() => (stopped ? undefined : task(state))).catch((err: unknown) => {
        log.error({ err, runId }, 'segment watcher task failed');
      });
      return state.queue;
    };
    const emit = (segment: ClosedSegment): void => {
      if (stopped) return;
      log.debug({ segment }, 'segment closed');
      sendBack({ type: 'segment.closed', segment } satisfies RecorderEvent);
    };

    /** Report every listed segment not reported yet, in list order. */
    const scanList = async (runId: string, state: RunState): Promise<void> => {
      const runDir = join(spool, runId);
      const text = await readFile(segmentListPath(spool, runId), 'utf8')
        .catch(() => readFile(join(runDir, legacySegmentListFile), 'utf8'))
        .catch(() => null);
      if (text === null) return; // no list yet
      const { entries, badLines } = parseSegmentList(text);
      if (badLines.length > 0) log.warn({ runId, badLines }, 'unparseable lines in the segment list');
      const fresh: Array<{ entry: SegmentListEntry; index: number }> = [];
      entries.forEach((entry, position) => {
        const index = parseSegmentFileName(entry.name)?.index ?? position;
        state.listed.add(index);
        if (!state.reported.has(index)) fresh.push({ entry, index });
      });
      state.lastEndSeconds = entries.reduce((end, e) => Math.max(end, e.endSeconds), state.lastEndSeconds);
      if (fresh.length === 0) return;
      const info = await readRunInfo(runDir);
      const baseMs = info ? runTimeBaseMs(info) : (parseRunId(runId) ?? 0);
      for (const { entry, index } of fresh) {
        state.reported.add(index);
        const segment = await closedSegment(runDir, runId, index, entry, baseMs, info?.width ?? 0, info?.height ?? 0, ffprobePath);
        if (segment) emit(segment);
        else log.debug({ runId, name: entry.name }, 'listed segment no longer in the spool (already uploaded)');
        // A listed segment is a complete MP4: its journal has served (segmentJournal.ts). Where the
        // file is still open (Windows refuses), the run's end sweep removes it.
        if (!entry.name.endsWith(`.${journalExtension}`)) await rm(journalPathOf(join(runDir, entry.name)), { force: true }).catch(() => undefined);
      }
    };

    /** After the run ended: final list scan, then unlisted non-empty files as partial segments. */
    const sweepEndedRun = async (runId: string, state: RunState): Promise<void> => {
      await scanList(runId, state);
      const runDir = join(spool, runId);
      let names: string[];
      try {
        names = await readdir(runDir);
      } catch {
        return;
      }
      const info = await readRunInfo(runDir);
      const journaled = (info?.segmentExtension ?? 'mp4') !== journalExtension;
      if (journaled) names = await settleJournals(runId, runDir, names, state, info);
      const partials = names.map((name) => ({ name, parsed: parseSegmentFileName(name) }))
        .filter((f) => f.parsed !== null && !(journaled && f.parsed.extension === journalExtension))
        .filter((f) => f.parsed !== null && !state.listed.has(f.parsed.index) && !state.reported.has(f.parsed.index))
        .sort((a, b) => (a.parsed?.index ?? 0) - (b.parsed?.index ?? 0));
      if (partials.length === 0) return;
      const baseMs = info ? runTimeBaseMs(info) : (parseRunId(runId) ?? 0);
      for (const { name, parsed } of partials) {
        const index = (parsed as { index: number }).index;
        const path = join(runDir, name);
        const stats = await stat(path).catch(() => null);
        if (!stats) continue;
        if (stats.size === 0) {
          // FFmpeg opened it and wrote nothing (a full disk at a segment boundary): no video to
          // keep, and its run has ended, so nothing will write it. Removed, said, so the spool
          // holds only what still has to reach the store.
          await rm(path, { force: true }).catch(() => undefined);
          log.info({ runId, name }, 'empty segment file of an ended run removed (FFmpeg wrote nothing into it)');
          continue;
        }
        state.reported.add(index);
        const startMs = Math.round(baseMs + state.lastEndSeconds * 1000);
        const seconds = await probeDuration(ffprobePath, path);
        // Without a readable duration, the last write is the best bound we have for the end.
        const endMs = seconds !== null ? Math.round(startMs + seconds * 1000) : Math.max(startMs, Math.round(stats.mtimeMs));
        if (seconds !== null) state.lastEndSeconds += seconds;
        else state.lastEndSeconds = (endMs - baseMs) / 1000;
        log.info({ runId, name, bytes: stats.size, seconds }, 'partial segment of an ended run');
        const continues = (await segmentStart(path)) === 'continues';
        emit({ path, runId, index, startMs, endMs, bytes: stats.size, width: info?.width ?? 0, height: info?.height ?? 0, complete: false,
          ...(continues ? { continuesPrevious: true } : {}) });
      }
    };

    /**
     * An ended run's journals: a listed segment's is removed; an unlisted one (the segment a killed
     * FFmpeg left open) rebuilds its MP4, which then goes on as the partial segment. A journal
     * that cannot be read stays in the spool, said, beside whatever the MP4 holds. Returns the
     * run dir's names as they are after.
     */
    const settleJournals = async (runId: string, runDir: string, names: string[], state: RunState, info: RunInfo | null): Promise<string[]> => {
      // The grabber's still marks belong to the segment that was open when the run ended: the one
      // after the last listed, which starts where that one ended.
      const marks = await readStillMarks(runDir);
      const openIndex = state.listed.size === 0 ? 0 : Math.max(...state.listed) + 1;
      for (const name of names) {
        const parsed = parseSegmentFileName(name);
        if (parsed === null || parsed.extension !== journalExtension) continue;
        const journal = join(runDir, name);
        if (state.listed.has(parsed.index) || state.reported.has(parsed.index)) {
          await rm(journal, { force: true }).catch(() => undefined);
          continue;
        }
        const segmentName = segmentFileName(parsed.index, info?.segmentExtension ?? 'mp4');
        // Only a journal that provably holds no frame goes unused: empty, or its tables alone (FFmpeg
        // killed right after it opened the file). One ffprobe cannot read at all is still tried.
        const size = (await stat(journal).catch(() => null))?.size ?? 0;
        if (size === 0 || (await videoPacketsOrNoStream(ffprobePath, journal)) === 0) {
          await rm(journal, { force: true }).catch(() => undefined);
          log.info({ runId, name, bytes: size }, 'journal of an ended run held no frame: removed');
          continue;
        }
        const frameRate = info !== null && info.frameRate > 0 ? info.frameRate : 5;
        const segmentMarks = marks !== null && parsed.index === openIndex ? marksInSegment(marks, state.lastEndSeconds) : null;
        const rebuilt = await recoverFromJournal(ffmpegPath, journal, join(runDir, segmentName), frameRate, segmentMarks);
        if (rebuilt.ok) {
          await rm(journal, { force: true }).catch(() => undefined);
          log.info({ runId, name: segmentName, ...(segmentMarks ? { stillThroughSeconds: segmentMarks.stillThroughSeconds } : {}) },
            'open segment of an ended run rebuilt from its journal');
        } else {
          log.warn({ runId, name, reason: rebuilt.reason }, 'could not rebuild the open segment from its journal: the journal stays in the spool');
        }
      }
      return readdir(runDir).catch(() => names);
    };

    const listDir = join(spool, segmentListDir);
    mkdirSync(listDir, { recursive: true });
    const watcher = chokidar.watch(listDir, {
      depth: 0,
      ignoreInitial: false,
      ignored: (path: string) => path !== listDir && runIdOfSegmentList(basename(path)) === null,
    });
    const onList = (path: string): void => {
      const runId = runIdOfSegmentList(basename(path));
      if (runId === null) return;
      void enqueue(runId, (state) => scanList(runId, state));
    };
    watcher.on('add', onList);
    watcher.on('change', onList);
    watcher.on('error', (err: unknown) => log.error({ err }, 'segment watcher error'));
    watcher.on('ready', () => {
      for (const runId of listRunIds(spool)) {
        // Leftovers of an earlier recorder: nobody will send runEnded for them.
        if ((parseRunId(runId) as number) < previousRunsBeforeMs) void enqueue(runId, (state) => sweepEndedRun(runId, state));
        // A list created while chokidar made its initial scan can be missed by it (a run dir was,
        // in about 1 start in 6, when the lists lived there): read it now.
        else void enqueue(runId, (state) => scanList(runId, state));
      }
      log.debug({ spool }, 'segment watcher ready');
    });

    receive((command) => {
      if (command.type !== 'segments.runEnded') return;
      const { runId } = command;
      void enqueue(runId, (state) => sweepEndedRun(runId, state)).then(() => {
        if (!stopped) sendBack({ type: 'segments.runSettled', runId } satisfies RecorderEvent);
      });
    });

    return () => {
      stopped = true;
      closeWatcher(watcher).catch((err: unknown) => log.warn({ err }, 'closing the segment watcher failed'));
    };
  });
}

/**
 * Below this size a listed segment is checked for a decodable frame: a full disk leaves FFmpeg
 * listing ~4 KB files that hold only the container header. A segment with a keyframe is larger (a
 * 640x480 keyframe of a still screen is ~10 KB+); one that continues another can be ~1 KB, but its
 * boxes name its frames (segmentStart), so it is not asked. Above it the check is not worth a read.
 */
export const FRAME_CHECK_BELOW_BYTES = 64 * 1024;

async function closedSegment(runDir: string, runId: string, index: number, entry: SegmentListEntry,
  baseMs: number, width: number, height: number, ffprobePath: string): Promise<ClosedSegment | null> {
  const path = join(runDir, entry.name);
  const stats = await stat(path).catch(() => null);
  if (!stats) return null;
  // The boxes tell of a first frame in most segments; ffprobe is asked only when they do not (a
  // still screen's segments that share a keyframe are a few KB: one ffprobe a minute otherwise).
  const start = await segmentStart(path);
  const noFrames = start === 'unknown' && stats.size < FRAME_CHECK_BELOW_BYTES && (await countVideoPackets(ffprobePath, path)) === 0;
  const continues = start === 'continues';
  return {
    path, runId, index,
    startMs: Math.round(baseMs + entry.startSeconds * 1000),
    endMs: Math.round(baseMs + entry.endSeconds * 1000),
    bytes: stats.size, width, height, complete: true,
    ...(noFrames ? { noFrames: true } : {}),
    ...(continues ? { continuesPrevious: true } : {}),
  };
}

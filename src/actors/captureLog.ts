/**
 * The uploader's side of the coverage evidence: the machine's run and stall reports go into the
 * manifest (persisted in the spool at once, uploaded with the next manifest), and at finalize
 * a run the spool shows but nobody reported (its recorder died while it captured) is recorded
 * as `recorder-lost`, ending at its last segment.
 */
import { join } from 'node:path';
import type { Logger } from 'pino';
import { listRunIds, readRunInfo } from '../adapters/spoolRun';
import type { StallRecord } from '../domain/captureRuns';
import { withRun, withSessionStart, withStall, withStopRequest } from '../domain/manifestCoverage';
import type { EndedRun } from '../machines/recorderEvents';
import type { ManifestBook } from './manifestBook';

export class CaptureLog {
  constructor(
    private readonly book: ManifestBook,
    private readonly spoolDir: string,
    private readonly now: () => number,
    private readonly logger: Logger,
  ) {}

  /** The session's start (metadata startedAt); a predecessor's start is kept. */
  sessionStarted(startedAt: string): Promise<void> {
    return this.book.update((m) => withSessionStart(m, startedAt));
  }

  stopRequested(): Promise<void> {
    const atMs = this.now();
    return this.book.update((m) => withStopRequest(m, atMs));
  }

  runEnded(run: EndedRun): Promise<void> {
    const endedAtMs = run.endedAtMs ?? this.now();
    const record = { runId: run.runId, startedAtMs: run.startedAtMs ?? endedAtMs, firstFrameAtMs: run.firstFrameAtMs, endedAtMs, end: run.end };
    return this.book.update((m) => withRun(m, record));
  }

  stall(stall: StallRecord): Promise<void> {
    return this.book.update((m) => withStall(m, stall));
  }

  /** Runs left in the spool without a record: their recorder stopped while they captured. */
  async recordLostRuns(): Promise<void> {
    await this.book.settled();
    const known = new Set((this.book.manifest.runs ?? []).map((r) => r.runId));
    for (const runId of listRunIds(this.spoolDir)) {
      if (known.has(runId)) continue;
      const info = await readRunInfo(join(this.spoolDir, runId));
      if (info === null) continue;
      const ends = this.book.manifest.entries.filter((e) => e.runId === runId).map((e) => Date.parse(e.end));
      const endedAtMs = Math.max(info.firstFrameAtMs ?? info.startedAtMs, ...ends);
      this.logger.warn({ runId }, 'capture run without a recorded end: its recorder stopped while it captured');
      await this.book.update((m) => withRun(m, { runId, startedAtMs: info.startedAtMs, firstFrameAtMs: info.firstFrameAtMs, endedAtMs, end: { cause: 'recorder-lost' } }));
    }
  }
}

/**
 * The uploader's work, outside XState so the actor file stays glue. One upload at a time:
 *
 *   metadata -> segment 1 -> segment 2 -> ...      (FIFO, retried forever while recording)
 *   per segment: hash -> put (checksums) -> append to manifest -> persist manifest in the spool
 *                -> upload manifest.json -> delete the local file -> upload.done
 *
 * A segment whose (runId, index, sha256) is already in the spool's manifest is not uploaded again,
 * only deleted: a crash between any two steps above is repaired by simply running again.
 *
 * The parts live beside it: manifest bookkeeping (manifestBook.ts), metadata kept in the spool
 * (spoolMetadata.ts), the wait/wake of the retry loop (retryWaiter.ts), failure log lines
 * (uploadFailureLog.ts), one bounded finalize step (finalizeStep.ts), what finalize leaves in the
 * spool (spoolLeftovers.ts) and end.json (endMarkerWrite.ts).
 */
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import type { Logger } from 'pino';
import { type FileChecksums, checksumsOf, hashFile } from '../adapters/checksums';
import { addMetadata, appendEntry, entryFromSegment, findEntry } from '../domain/manifest';
import { MANIFEST_NAME, contentTypeFor } from '../domain/objectNames';
import type { ClosedSegment, DurableSegment } from '../domain/segment';
import type { WriteOnlyStore } from '../domain/objectStore';
import type { RecorderEvent } from '../machines/recorderEvents';
import { ActivityCutter } from './activityCutter';
import { CaptureLog } from './captureLog';
import { writeEndMarker } from './endMarkerWrite';
import { finalizeStep } from './finalizeStep';
import { ManifestBook } from './manifestBook';
import { type Clock, DEFAULT_RETRY, type RetryPolicy, backoffDelay, realClock, settlesWithin } from './retryTiming';
import { RetryWaiter } from './retryWaiter';
import { type PendingMetadata, keepMetadataInSpool, ownMetadata } from './spoolMetadata';
import { segmentsLeftInSpool } from './spoolLeftovers';
import { SkipSegment, errorCode, messageOf } from './uploadErrors';
import { UploadFailureLog } from './uploadFailureLog';
import type { UploaderDeps } from './uploaderDeps';

export type { UploaderClock, UploaderDeps } from './uploaderDeps';

type Operation = (attempt: number, signal: AbortSignal) => Promise<void>;

export class UploadWorker {
  private readonly store: WriteOnlyStore;
  private readonly logger: Logger;
  private readonly clock: Clock;
  private readonly retry: RetryPolicy;
  private readonly random: () => number;
  private readonly book: ManifestBook;
  /** Runs, stalls, session start and stop: the coverage evidence in the manifest. */
  readonly captureLog: CaptureLog;
  private readonly waiter: RetryWaiter;
  private readonly failureLog: UploadFailureLog;
  /** Cuts and uploads each segment's activity object; undefined when the track is off. */
  private readonly activity: ActivityCutter | undefined;
  /** This uploader's own metadata first known, then any an earlier run left in the spool; oldest first. */
  private pendingMetadata: PendingMetadata[];
  private readonly queue: ClosedSegment[] = [];
  /** Segments that conflict with what was already uploaded: never overwritten, left in the spool. */
  private readonly kept: ClosedSegment[] = [];
  private inFlight: AbortController | undefined;
  private draining = false;
  private finalizing = false;
  private stopped = false;
  private idleReported = false;
  private loop: Promise<void> = Promise.resolve();

  constructor(
    private readonly deps: UploaderDeps,
    private readonly send: (event: RecorderEvent) => void,
  ) {
    this.store = deps.store;
    this.logger = deps.logger;
    this.clock = deps.clock ?? realClock;
    this.retry = { ...DEFAULT_RETRY, ...deps.retry };
    this.random = deps.random ?? Math.random;
    this.book = new ManifestBook(deps.store, deps.sessionPrefix, deps.spoolDir, deps.logger, deps.segmentExtension, deps.manifestChunkLimits);
    this.captureLog = new CaptureLog(this.book, deps.spoolDir, () => this.clock.now(), deps.logger);
    this.waiter = new RetryWaiter(this.clock);
    this.failureLog = new UploadFailureLog(deps.store, deps.logger, this.clock, deps.warnIntervalMs ?? 30_000);
    this.activity = deps.activity === undefined ? undefined : new ActivityCutter(deps.activity, deps.store, deps.sessionPrefix, deps.logger);
    this.pendingMetadata = [ownMetadata(deps.metadata, deps.sessionPrefix, this.clock, this.logger)];
  }

  private get halted(): boolean {
    return this.stopped || this.finalizing;
  }

  start(): void {
    this.loop = this.run().catch((e: unknown) => {
      this.logger.error({ err: messageOf(e) }, 'uploader stopped by an unexpected error');
    });
  }

  enqueue(segment: ClosedSegment): void {
    if (this.halted) {
      this.logger.warn({ path: segment.path }, 'segment closed after finalize; it stays in the spool for recovery');
      return;
    }
    if (this.queue.some((q) => q.path === segment.path || (q.runId === segment.runId && q.index === segment.index))) return;
    this.queue.push(segment);
    this.idleReported = false;
    this.waiter.wake('idle');
  }

  drain(): void {
    if (this.draining) return;
    this.draining = true;
    this.logger.info({ queued: this.queue.length }, `draining: retry delays capped at ${this.retry.drainMaxDelayMs} ms`);
    this.waiter.wake('backoff');
  }

  finalize(reason: string): void {
    if (this.halted) return;
    this.finalizing = true;
    this.inFlight?.abort();
    this.waiter.wake('idle');
    this.waiter.wake('backoff');
    void this.finish(reason).catch((e: unknown) => {
      this.logger.error({ err: messageOf(e) }, 'finalize failed');
      if (!this.stopped) {
        this.send({ type: 'upload.finalized', leftInSpool: this.queue.length + 1, message: messageOf(e) } satisfies RecorderEvent);
      }
    });
  }

  /** A coverage record into the spool manifest (logged if it fails); none once finalize closed the manifest. */
  capture(change: () => Promise<void>): void {
    if (this.halted) {
      this.logger.debug('coverage record after finalize: the manifest is closed');
      return;
    }
    change().catch((e: unknown) => this.logger.error({ err: messageOf(e) }, 'could not record a capture run or stall in the spool manifest'));
  }

  /** Actor cleanup: abort whatever is in flight; nothing more is sent. */
  stop(): void {
    this.stopped = true;
    this.inFlight?.abort();
    this.waiter.wake('idle');
    this.waiter.wake('backoff');
  }

  // --- the loop -------------------------------------------------------------------------------

  private async run(): Promise<void> {
    await this.book.load(this.clock.now());
    await this.captureLog.sessionStarted(this.deps.metadata.startedAt);
    const own = this.pendingMetadata[0];
    if (own !== undefined) {
      const durable = this.book.metadataDurable(own);
      this.pendingMetadata = await keepMetadataInSpool(own, durable, this.deps.spoolDir, this.deps.sessionPrefix, this.logger);
    }
    // Always at least this uploader's own metadata: uploading it also sends a manifest left unsent.
    for (let next = this.pendingMetadata[0]; next !== undefined; next = this.pendingMetadata[0]) {
      const pending = next;
      if (!(await this.withRetry(pending.key, (attempt, signal) => this.uploadMetadata(pending, attempt, signal)))) return;
      this.pendingMetadata.shift();
    }
    while (!this.halted) {
      const segment = this.queue[0];
      if (segment === undefined) {
        if (!this.idleReported) {
          this.idleReported = true;
          this.send({ type: 'upload.idle' } satisfies RecorderEvent);
        }
        await this.waiter.wait('idle');
        continue;
      }
      const key = this.book.keyFor(segment);
      if (!(await this.withRetry(key, (attempt, signal) => this.uploadSegment(segment, key, attempt, signal)))) return;
      this.queue.shift();
    }
  }

  /** Runs `op` until it succeeds (true), is skipped (true), or the worker halts (false). */
  private async withRetry(key: string, op: Operation): Promise<boolean> {
    for (let attempt = 1; ; attempt += 1) {
      if (this.halted) return false;
      const controller = new AbortController();
      this.inFlight = controller;
      try {
        await op(attempt, controller.signal);
        this.failureLog.noteSuccess();
        return true;
      } catch (e) {
        if (this.halted) return false;
        if (e instanceof SkipSegment) {
          this.logger.error({ key }, e.message);
          return true;
        }
        const cap = this.draining ? this.retry.drainMaxDelayMs : this.retry.maxDelayMs;
        const retryInMs = backoffDelay(attempt, cap, this.retry, this.random);
        const message = messageOf(e);
        this.send({ type: 'upload.failed', key, attempt, retryInMs, message } satisfies RecorderEvent);
        this.failureLog.noteFailure(key, attempt, retryInMs, message);
        await this.waiter.wait('backoff', retryInMs);
      } finally {
        this.inFlight = undefined;
      }
    }
  }

  // --- the steps ------------------------------------------------------------------------------

  private async uploadMetadata(pending: PendingMetadata, attempt: number, signal: AbortSignal): Promise<void> {
    if (!this.book.metadataDurable(pending)) {
      const sums = checksumsOf(pending.body);
      this.send({ type: 'upload.started', key: pending.key, attempt } satisfies RecorderEvent);
      await this.store.put(pending.key, { data: pending.body }, { ...sums, contentType: 'application/json', signal });
      await this.book.update((m) => addMetadata(m, { key: pending.key, sha256: sums.sha256Hex }));
      this.logger.info({ key: pending.key }, 'metadata durable');
    }
    await rm(join(this.deps.spoolDir, pending.name), { force: true }).catch((e: unknown) => {
      this.logger.warn({ key: pending.key, err: messageOf(e) }, 'metadata is durable but its spool copy could not be deleted');
    });
    await this.book.upload(signal);
  }

  private async uploadSegment(segment: ClosedSegment, key: string, attempt: number, signal: AbortSignal): Promise<void> {
    let sums: FileChecksums;
    try {
      sums = await hashFile(segment.path, signal);
    } catch (e) {
      if (errorCode(e) !== 'ENOENT') throw e;
      if (findEntry(this.book.manifest, segment.runId, segment.index) === undefined) {
        throw new SkipSegment(`segment file ${segment.path} is gone and was never uploaded; skipping it`);
      }
      await this.book.upload(signal); // durable before, deleted before: nothing left to do
      return;
    }
    const durable: DurableSegment = {
      key,
      runId: segment.runId,
      index: segment.index,
      startMs: segment.startMs,
      endMs: segment.endMs,
      bytes: sums.bytes,
      width: segment.width,
      height: segment.height,
      sha256: sums.sha256Hex,
      ...(segment.continuesPrevious === true ? { continuesPrevious: true } : {}),
    };
    const existing = findEntry(this.book.manifest, segment.runId, segment.index);
    if (existing !== undefined && existing.sha256 !== sums.sha256Hex) {
      this.kept.push(segment);
      throw new SkipSegment(
        `segment ${segment.path} (sha256 ${sums.sha256Hex}) differs from the copy already uploaded as ${existing.key} ` +
          `(sha256 ${existing.sha256}); not uploading over it, it stays in the spool`,
      );
    }
    if (existing === undefined) {
      this.send({ type: 'upload.started', key, attempt } satisfies RecorderEvent);
      await this.store.put(key, { path: segment.path }, { ...sums, contentType: contentTypeFor(key), signal });
      // The segment's activity object, durable before the entry that names it.
      const activity = this.activity === undefined ? undefined : await this.activity.upload(key, this.book.manifest, Date.parse(this.deps.metadata.startedAt), segment.endMs, signal);
      const entry = entryFromSegment(durable, segment.complete, segment.noFrames === true);
      await this.book.update((m) => appendEntry(m, activity === undefined ? entry : { ...entry, activity }));
    }
    await this.book.upload(signal);
    await rm(segment.path, { force: true }).catch((e: unknown) => {
      this.logger.warn({ path: segment.path, err: messageOf(e) }, 'segment is durable but its local copy could not be deleted');
    });
    this.logger.info({ key, bytes: sums.bytes, sha256: sums.sha256Hex, reused: existing !== undefined }, 'segment durable');
    this.send({ type: 'upload.done', segment: durable, pending: this.queue.length - 1 } satisfies RecorderEvent);
  }

  // --- finalize -------------------------------------------------------------------------------

  private async finish(reason: string): Promise<void> {
    const graceMs = this.deps.abortGraceMs ?? 2_000;
    const unwound = await settlesWithin(this.clock, this.loop, graceMs);
    if (!unwound) this.logger.warn({ graceMs }, 'an aborted upload did not unwind in time; finalizing anyway');
    const problems: string[] = [];
    for (const pending of [...this.pendingMetadata]) {
      if (await this.step(pending.key, (signal) => this.uploadMetadata(pending, 1, signal), problems)) {
        this.pendingMetadata = this.pendingMetadata.filter((p) => p !== pending);
      }
    }
    await this.captureLog.recordLostRuns().catch((e: unknown) => problems.push(`capture runs not recorded: ${messageOf(e)}`));
    await this.step(MANIFEST_NAME, (signal) => this.book.upload(signal), problems);

    const metadataLeft = this.pendingMetadata.filter((p) => !this.book.metadataDurable(p)).length;
    const left = metadataLeft + (this.book.manifestUploaded ? 0 : 1) + (await segmentsLeftInSpool(this.queue, this.kept, this.book));
    const { end, durable: endDone } = await writeEndMarker({
      book: this.book, store: this.store, spoolDir: this.deps.spoolDir, sessionPrefix: this.deps.sessionPrefix,
      endedAtMs: this.clock.now(), reason, leftInSpool: left, step: (name, op, p) => this.step(name, op, p), problems,
    });
    const leftInSpool = left + (endDone ? 0 : 1);
    // Every activity object is cut and durable: the journal has served (kept otherwise, for recover).
    if (leftInSpool === 0 && this.deps.activity !== undefined) await rm(this.deps.activity.journalPath, { force: true }).catch(() => undefined);
    if (this.stopped) return;
    const summary = { leftInSpool, segments: end.segments, bytes: end.bytes, seconds: end.seconds, reason };
    if (leftInSpool === 0) this.logger.info(summary, 'finalized: everything is durable');
    else this.logger.warn({ ...summary, problems }, 'finalized: some files stay in the spool');
    this.send({
      type: 'upload.finalized',
      leftInSpool,
      ...(problems.length > 0 ? { message: problems.join('; ') } : {}),
      ...(end.coverage === undefined ? {} : { videoSeconds: end.coverage.videoSeconds }),
    } satisfies RecorderEvent);
  }

  /** One finalize step: retried with short delays until it succeeds or its time is up. */
  private step(name: string, op: (signal: AbortSignal) => Promise<void>, problems: string[]): Promise<boolean> {
    const ctx = {
      clock: this.clock,
      retry: this.retry,
      random: this.random,
      timeoutMs: this.deps.finalizeStepTimeoutMs ?? 5_000,
      stopped: () => this.stopped,
      track: (controller: AbortController | undefined) => {
        this.inFlight = controller;
      },
    };
    return finalizeStep(ctx, name, op, problems);
  }
}

/**
 * The uploader's work, outside XState so the actor file stays glue. One upload at a time:
 *
 *   metadata -> segment 1 -> segment 2 -> ...      (FIFO, retried forever while recording)
 *   per segment: hash -> put (checksums) -> append to manifest -> persist manifest in the spool
 *                -> upload manifest.json -> delete the local file -> upload.done
 *
 * A segment whose (runId, index, sha256) is already in the spool's manifest is not uploaded again,
 * only deleted: a crash between any two steps above is repaired by simply running again.
 */
import { readFile, readdir, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import type { Logger } from 'pino';
import { writeFileAtomic } from '../adapters/atomicWrite';
import { type FileChecksums, checksumsOf, hashFile } from '../adapters/checksums';
import {
  type Manifest,
  addMetadata,
  appendEntry,
  buildEndMarker,
  emptyManifest,
  entryFromSegment,
  findEntry,
  serializeManifest,
  sha256Hex,
} from '../domain/manifest';
import { END_NAME, MANIFEST_NAME, contentTypeFor, endKey, joinKey, manifestKey, metadataName, segmentKey } from '../domain/objectNames';
import type { ClosedSegment, DurableSegment } from '../domain/segment';
import type { SegmentStore } from '../domain/segmentStore';
import type { SessionMetadata } from '../domain/sessionMetadata';
import type { RecorderEvent } from '../machines/recorderEvents';
import {
  type Clock,
  DEFAULT_RETRY,
  type RetryPolicy,
  backoffDelay,
  realClock,
  settlesWithin,
  sleep,
  untilAborted,
} from './retryTiming';
import { loadSpoolManifest, saveSpoolManifest } from './spoolManifest';

export type UploaderClock = Clock;

export interface UploaderDeps {
  readonly store: SegmentStore;
  /** `<prefix-inside-destination><stack>/<fleet>/<session>/`, already sanitized. */
  readonly sessionPrefix: string;
  /** This session's spool directory: manifest.json (and `<start>-metadata.json`, end.json until uploaded) live here. */
  readonly spoolDir: string;
  readonly metadata: SessionMetadata;
  readonly logger: Logger;
  readonly retry?: Partial<RetryPolicy>;
  /** Source of jitter, [0, 1). Default Math.random. */
  readonly random?: () => number;
  readonly clock?: UploaderClock;
  /** While uploads keep failing, at most one warning line per this many ms. Default 30 s. */
  readonly warnIntervalMs?: number;
  /** Each finalize step (pending metadata, manifest.json, end.json) gets at most this long, retries included. Default 5 s. */
  readonly finalizeStepTimeoutMs?: number;
  /** How long finalize waits for an aborted upload to unwind before going on. Default 2 s. */
  readonly abortGraceMs?: number;
  /** Segment container extension. Default: objectNames' SEGMENT_EXTENSION. */
  readonly segmentExtension?: string;
}

/**
 * A metadata object still to upload. Its bytes wait in the session's spool dir under the object's
 * own name (`<start>-metadata.json`) until the store confirmed them, so a crash before that loses
 * nothing: the next uploader over this spool (a restarted recorder, `recover`) sends them.
 */
interface PendingMetadata {
  readonly name: string;
  readonly key: string;
  readonly body: Buffer;
}

/** `20261127T062409.123Z-metadata.json`: a metadata object's name, as kept in the spool. */
const METADATA_FILE = /^\d{8}T\d{6}\.\d{3}Z-metadata\.json$/;

/** A segment that retrying cannot help (its file is gone, or differs from what was uploaded). */
class SkipSegment extends Error {}

type Operation = (attempt: number, signal: AbortSignal) => Promise<void>;
interface Waiting {
  readonly kind: 'idle' | 'backoff';
  readonly resolve: () => void;
}

function errorCode(e: unknown): string | undefined {
  return typeof e === 'object' && e !== null && 'code' in e ? String((e as { code: unknown }).code) : undefined;
}

function messageOf(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}

export class UploadWorker {
  private readonly store: SegmentStore;
  private readonly logger: Logger;
  private readonly clock: Clock;
  private readonly retry: RetryPolicy;
  private readonly random: () => number;
  private readonly manifestPath: string;
  /** This uploader's own metadata first known, then any an earlier run left in the spool; oldest first. */
  private pendingMetadata: PendingMetadata[];
  private readonly queue: ClosedSegment[] = [];
  /** Segments that conflict with what was already uploaded: never overwritten, left in the spool. */
  private readonly kept: ClosedSegment[] = [];
  private manifest: Manifest;
  private manifestUploaded = false;
  private inFlight: AbortController | undefined;
  private waiting: Waiting | undefined;
  private draining = false;
  private finalizing = false;
  private stopped = false;
  private idleReported = false;
  private failures = 0;
  private suppressed = 0;
  private lastWarnAt = Number.NEGATIVE_INFINITY;
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
    this.manifestPath = join(deps.spoolDir, MANIFEST_NAME);
    this.manifest = emptyManifest(deps.sessionPrefix);
    const metadataBody = Buffer.from(`${JSON.stringify(deps.metadata, null, 2)}\n`);
    let startMs = Date.parse(deps.metadata.startedAt);
    if (Number.isNaN(startMs)) {
      startMs = this.clock.now();
      this.logger.warn({ startedAt: deps.metadata.startedAt }, 'metadata.startedAt is not a date; naming the metadata object by the current time');
    }
    const name = metadataName(startMs);
    this.pendingMetadata = [{ name, key: joinKey(deps.sessionPrefix, name), body: metadataBody }];
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
    this.wake('idle');
  }

  drain(): void {
    if (this.draining) return;
    this.draining = true;
    this.logger.info({ queued: this.queue.length }, `draining: retry delays capped at ${this.retry.drainMaxDelayMs} ms`);
    this.wake('backoff');
  }

  finalize(reason: string): void {
    if (this.halted) return;
    this.finalizing = true;
    this.inFlight?.abort();
    this.wake('idle');
    this.wake('backoff');
    void this.finish(reason).catch((e: unknown) => {
      this.logger.error({ err: messageOf(e) }, 'finalize failed');
      if (!this.stopped) {
        this.send({ type: 'upload.finalized', leftInSpool: this.queue.length + 1, message: messageOf(e) } satisfies RecorderEvent);
      }
    });
  }

  /** Actor cleanup: abort whatever is in flight; nothing more is sent. */
  stop(): void {
    this.stopped = true;
    this.inFlight?.abort();
    this.wake('idle');
    this.wake('backoff');
  }

  // --- the loop -------------------------------------------------------------------------------

  private async run(): Promise<void> {
    this.manifest = await loadSpoolManifest(this.manifestPath, this.deps.sessionPrefix, this.logger, this.clock.now());
    await this.keepMetadataInSpool();
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
        await this.wait('idle');
        continue;
      }
      const key = this.keyFor(segment);
      if (!(await this.withRetry(key, (attempt, signal) => this.uploadSegment(segment, key, attempt, signal)))) return;
      this.queue.shift();
    }
  }

  /**
   * The segment's key; never one the manifest already gives another segment (a clock stepped
   * back could repeat a start time): then the name's time moves on by a millisecond, the entry
   * keeps the true start, and nothing uploaded is ever overwritten.
   */
  private keyFor(segment: ClosedSegment): string {
    const own = findEntry(this.manifest, segment.runId, segment.index);
    if (own !== undefined) return own.key;
    let nameMs = segment.startMs;
    let key = segmentKey(this.deps.sessionPrefix, nameMs, this.deps.segmentExtension);
    while (this.manifest.entries.some((e) => e.key === key)) {
      nameMs += 1;
      key = segmentKey(this.deps.sessionPrefix, nameMs, this.deps.segmentExtension);
    }
    if (nameMs !== segment.startMs) this.logger.warn({ path: segment.path, key }, 'segment start time already used by another segment; named 1 ms later');
    return key;
  }

  /** Runs `op` until it succeeds (true), is skipped (true), or the worker halts (false). */
  private async withRetry(key: string, op: Operation): Promise<boolean> {
    for (let attempt = 1; ; attempt += 1) {
      if (this.halted) return false;
      const controller = new AbortController();
      this.inFlight = controller;
      try {
        await op(attempt, controller.signal);
        this.noteSuccess();
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
        this.noteFailure(key, attempt, retryInMs, message);
        await this.wait('backoff', retryInMs);
      } finally {
        this.inFlight = undefined;
      }
    }
  }

  private wait(kind: Waiting['kind'], ms?: number): Promise<void> {
    return new Promise((resolve) => {
      let timer: unknown;
      const waiting: Waiting = {
        kind,
        resolve: () => {
          if (timer !== undefined) this.clock.clearTimeout(timer);
          if (this.waiting === waiting) this.waiting = undefined;
          resolve();
        },
      };
      this.waiting = waiting;
      if (ms !== undefined) timer = this.clock.setTimeout(waiting.resolve, ms);
    });
  }

  private wake(kind: Waiting['kind']): void {
    if (this.waiting?.kind === kind) this.waiting.resolve();
  }

  private noteFailure(key: string, attempt: number, retryInMs: number, message: string): void {
    this.failures += 1;
    const now = this.clock.now();
    const fields = { key, attempt, retryInMs, failures: this.failures, destination: this.store.description };
    if (now - this.lastWarnAt >= (this.deps.warnIntervalMs ?? 30_000)) {
      this.logger.warn({ ...fields, suppressedWarnings: this.suppressed }, `upload failed, retrying: ${message}`);
      this.lastWarnAt = now;
      this.suppressed = 0;
    } else {
      this.suppressed += 1;
      this.logger.debug(fields, `upload failed again: ${message}`);
    }
  }

  private noteSuccess(): void {
    if (this.failures === 0) return;
    this.logger.info({ failures: this.failures, destination: this.store.description }, 'uploads succeed again');
    this.failures = 0;
    this.suppressed = 0;
  }

  // --- the steps ------------------------------------------------------------------------------

  /** Persists `next` atomically in the spool, then makes it current (not yet uploaded). */
  private async commit(next: Manifest): Promise<void> {
    await saveSpoolManifest(this.manifestPath, next);
    this.manifest = next;
    this.manifestUploaded = false;
  }

  private async uploadManifest(signal: AbortSignal): Promise<void> {
    if (this.manifestUploaded) return;
    const current = this.manifest;
    const body = Buffer.from(serializeManifest(current));
    await this.store.put(manifestKey(this.deps.sessionPrefix), { data: body }, { ...checksumsOf(body), contentType: 'application/json', signal });
    if (this.manifest === current) this.manifestUploaded = true;
  }

  private metadataDurable(pending: PendingMetadata): boolean {
    const sha256 = sha256Hex(pending.body);
    return this.manifest.metadata.some((m) => m.key === pending.key && m.sha256 === sha256);
  }

  /**
   * Writes this uploader's metadata into the spool (unless the manifest already has it) and picks
   * up metadata an earlier run left there. A failure to write is logged, never fatal: the bytes
   * are still in memory and uploaded first.
   */
  private async keepMetadataInSpool(): Promise<void> {
    const own = this.pendingMetadata[0];
    if (own === undefined) return;
    if (!this.metadataDurable(own)) {
      await writeFileAtomic(join(this.deps.spoolDir, own.name), own.body).catch((e: unknown) => {
        this.logger.error({ key: own.key, err: messageOf(e) }, 'cannot keep the metadata in the spool; it is only in memory until uploaded');
      });
    }
    const names = await readdir(this.deps.spoolDir).catch(() => [] as string[]);
    const found: PendingMetadata[] = [];
    for (const name of names) {
      if (!METADATA_FILE.test(name) || name === own.name) continue;
      const body = await readFile(join(this.deps.spoolDir, name)).catch(() => undefined);
      if (body !== undefined) found.push({ name, key: joinKey(this.deps.sessionPrefix, name), body });
    }
    if (found.length > 0) this.logger.info({ names: found.map((f) => f.name) }, 'metadata left in the spool by an earlier run; uploading it too');
    this.pendingMetadata = [...found, own].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  }

  private async uploadMetadata(pending: PendingMetadata, attempt: number, signal: AbortSignal): Promise<void> {
    if (!this.metadataDurable(pending)) {
      const sums = checksumsOf(pending.body);
      this.send({ type: 'upload.started', key: pending.key, attempt } satisfies RecorderEvent);
      await this.store.put(pending.key, { data: pending.body }, { ...sums, contentType: 'application/json', signal });
      await this.commit(addMetadata(this.manifest, { key: pending.key, sha256: sums.sha256Hex }));
      this.logger.info({ key: pending.key }, 'metadata durable');
    }
    await rm(join(this.deps.spoolDir, pending.name), { force: true }).catch((e: unknown) => {
      this.logger.warn({ key: pending.key, err: messageOf(e) }, 'metadata is durable but its spool copy could not be deleted');
    });
    await this.uploadManifest(signal);
  }

  private async uploadSegment(segment: ClosedSegment, key: string, attempt: number, signal: AbortSignal): Promise<void> {
    let sums: FileChecksums;
    try {
      sums = await hashFile(segment.path, signal);
    } catch (e) {
      if (errorCode(e) !== 'ENOENT') throw e;
      if (findEntry(this.manifest, segment.runId, segment.index) === undefined) {
        throw new SkipSegment(`segment file ${segment.path} is gone and was never uploaded; skipping it`);
      }
      await this.uploadManifest(signal); // durable before, deleted before: nothing left to do
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
    };
    const existing = findEntry(this.manifest, segment.runId, segment.index);
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
      await this.commit(appendEntry(this.manifest, entryFromSegment(durable, segment.complete)));
    }
    await this.uploadManifest(signal);
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
    await this.step(MANIFEST_NAME, (signal) => this.uploadManifest(signal), problems);

    const metadataLeft = this.pendingMetadata.filter((p) => !this.metadataDurable(p)).length;
    let left = metadataLeft + (this.manifestUploaded ? 0 : 1) + (await this.settleQueue());
    for (const segment of this.kept) {
      if (await stat(segment.path).then(() => true, () => false)) left += 1;
    }
    const end = buildEndMarker(this.manifest, {
      endedAtMs: this.clock.now(),
      reason,
      leftInSpool: left,
      manifestSha256: sha256Hex(serializeManifest(this.manifest)),
    });
    const endBody = Buffer.from(`${JSON.stringify(end, null, 2)}\n`);
    const endPath = join(this.deps.spoolDir, END_NAME);
    await writeFileAtomic(endPath, endBody).catch((e: unknown) => problems.push(`end.json not written to the spool: ${messageOf(e)}`));
    const key = endKey(this.deps.sessionPrefix);
    const endDone = await this.step(
      END_NAME,
      (signal) => this.store.put(key, { data: endBody }, { ...checksumsOf(endBody), contentType: 'application/json', signal }),
      problems,
    );
    if (endDone) await rm(endPath, { force: true }).catch(() => undefined);
    const leftInSpool = left + (endDone ? 0 : 1);
    if (this.stopped) return;
    const summary = { leftInSpool, segments: end.segments, bytes: end.bytes, seconds: end.seconds, reason };
    if (leftInSpool === 0) this.logger.info(summary, 'finalized: everything is durable');
    else this.logger.warn({ ...summary, problems }, 'finalized: some files stay in the spool');
    this.send({
      type: 'upload.finalized',
      leftInSpool,
      ...(problems.length > 0 ? { message: problems.join('; ') } : {}),
    } satisfies RecorderEvent);
  }

  /**
   * Counts the queued segments still in the spool. One whose put had already succeeded when
   * finalize aborted it (it is in the uploaded manifest with the same SHA-256) is deleted instead.
   */
  private async settleQueue(): Promise<number> {
    let left = 0;
    for (const segment of this.queue) {
      const sums = await hashFile(segment.path).catch(() => undefined);
      if (sums === undefined) continue; // gone: nothing left of it here
      const entry = findEntry(this.manifest, segment.runId, segment.index);
      if (this.manifestUploaded && entry?.sha256 === sums.sha256Hex) {
        await rm(segment.path, { force: true }).catch(() => undefined);
        continue;
      }
      left += 1;
    }
    return left;
  }

  /** One finalize step: retried with short delays until it succeeds or its time is up. */
  private async step(name: string, op: (signal: AbortSignal) => Promise<void>, problems: string[]): Promise<boolean> {
    const timeoutMs = this.deps.finalizeStepTimeoutMs ?? 5_000;
    const controller = new AbortController();
    this.inFlight = controller;
    const deadline = this.clock.now() + timeoutMs;
    const timer = this.clock.setTimeout(() => controller.abort(), timeoutMs);
    let last = `timed out after ${timeoutMs} ms`;
    try {
      for (let attempt = 1; !controller.signal.aborted && !this.stopped; attempt += 1) {
        try {
          await untilAborted(op(controller.signal), controller.signal);
          return true;
        } catch (e) {
          if (!controller.signal.aborted) last = messageOf(e);
          const delay = Math.min(backoffDelay(attempt, this.retry.drainMaxDelayMs, this.retry, this.random), deadline - this.clock.now());
          if (delay <= 0 || controller.signal.aborted) break;
          await sleep(this.clock, delay, controller.signal);
        }
      }
      problems.push(`${name} not uploaded within ${timeoutMs} ms (${last})`);
      return false;
    } finally {
      this.clock.clearTimeout(timer);
      this.inFlight = undefined;
    }
  }
}

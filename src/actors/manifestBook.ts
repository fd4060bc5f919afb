/**
 * The uploader's manifest bookkeeping: the current manifest, whether that exact version is
 * uploaded, committing a new version (persisted in the spool first), uploading it, and the key a
 * segment gets. The manifest is stored in chunks (domain/manifestChunks.ts): an upload sends the
 * open chunk (manifest.json) and, after a seal, the sealed chunk before it: constant bytes per
 * segment, whatever the session's length.
 */
import { join } from 'node:path';
import type { Logger } from 'pino';
import { checksumsOf } from '../adapters/checksums';
import { type Manifest, findEntry, sha256Hex } from '../domain/manifest';
import { type ChunkLimits, type ChunkedManifest, CHUNK_LIMITS, commitChange, emptyChunked } from '../domain/manifestChunks';
import { MANIFEST_NAME, joinKey, manifestChunkName, manifestKey, segmentKey } from '../domain/objectNames';
import type { ClosedSegment } from '../domain/segment';
import type { WriteOnlyStore } from '../domain/objectStore';
import { loadSpoolChunks, saveSpoolChunks } from './spoolManifest';
import type { PendingMetadata } from './spoolMetadata';

export class ManifestBook {
  private readonly manifestPath: string;
  private state: ChunkedManifest;
  private uploaded = false;
  /** Sealed chunks not yet confirmed by the store (all of them after a load: a predecessor may have died before sending one). */
  private unsentChunks = new Set<number>();
  /** Bytes of manifest objects put so far (the bench's figure of the manifest's cost). */
  private bytesSent = 0;
  /** Changes are made one after the other: a run's record and a segment's entry never overwrite each other. */
  private changes: Promise<void> = Promise.resolve();

  constructor(
    private readonly store: WriteOnlyStore,
    private readonly sessionPrefix: string,
    spoolDir: string,
    private readonly logger: Logger,
    private readonly segmentExtension: string | undefined,
    private readonly limits: ChunkLimits = CHUNK_LIMITS,
  ) {
    this.manifestPath = join(spoolDir, MANIFEST_NAME);
    this.state = emptyChunked(sessionPrefix);
  }

  get manifest(): Manifest {
    return this.state.whole;
  }

  /** Hex SHA-256 of manifest.json's bytes (the open chunk, which pins every chunk before it): end.json's manifestSha256. */
  get headSha256(): string {
    return sha256Hex(this.state.headText);
  }

  /** Bytes of manifest objects (manifest.json and sealed chunks) put to the store by this book. */
  get manifestBytesSent(): number {
    return this.bytesSent;
  }

  /** True when the current manifest is the one last uploaded. */
  get manifestUploaded(): boolean {
    return this.uploaded;
  }

  /** Continues the chain a predecessor left in the spool (or starts a new one). */
  load(nowMs: number): Promise<void> {
    const loaded = this.changes.then(async () => {
      this.state = await loadSpoolChunks(this.manifestPath, this.sessionPrefix, this.logger, nowMs);
      this.unsentChunks = new Set(this.state.sealed.map((c) => c.index));
      this.uploaded = false;
    });
    this.changes = loaded.catch(() => undefined);
    return loaded;
  }

  /** Resolves once every change asked for so far is made. */
  settled(): Promise<void> {
    return this.changes;
  }

  /**
   * Applies `change` to the manifest as it is when the change's turn comes, persists the result
   * atomically in the spool, then makes it current (not yet uploaded). Changes are serialized.
   */
  update(change: (manifest: Manifest) => Manifest): Promise<void> {
    const next = this.changes.then(async () => {
      const previous = this.state;
      const changed = change(previous.whole);
      if (changed === previous.whole) return;
      const next = commitChange(previous, changed, this.limits);
      await saveSpoolChunks(this.manifestPath, next, previous);
      for (const chunk of next.sealed.slice(previous.sealed.length)) this.unsentChunks.add(chunk.index);
      this.state = next;
      this.uploaded = false;
    });
    this.changes = next.catch(() => undefined);
    return next;
  }

  async upload(signal: AbortSignal): Promise<void> {
    if (this.uploaded) return;
    const current = this.state;
    // Sealed chunks first: a manifest.json in the store always finds the chunks it links to.
    for (const chunk of current.sealed) {
      if (!this.unsentChunks.has(chunk.index)) continue;
      await this.put(joinKey(this.sessionPrefix, manifestChunkName(chunk.index)), Buffer.from(chunk.text), signal);
      this.unsentChunks.delete(chunk.index);
    }
    await this.put(manifestKey(this.sessionPrefix), Buffer.from(current.headText), signal);
    if (this.state === current) this.uploaded = true;
  }

  private async put(key: string, body: Buffer, signal: AbortSignal): Promise<void> {
    await this.store.put(key, { data: body }, { ...checksumsOf(body), contentType: 'application/json', signal });
    this.bytesSent += body.length;
  }

  metadataDurable(pending: PendingMetadata): boolean {
    const sha256 = sha256Hex(pending.body);
    return this.state.whole.metadata.some((m) => m.key === pending.key && m.sha256 === sha256);
  }

  /**
   * The segment's key; never one the manifest already gives another segment (a clock stepped
   * back could repeat a start time): then the name's time moves on by a millisecond, the entry
   * keeps the true start, and nothing uploaded is ever overwritten.
   */
  keyFor(segment: ClosedSegment): string {
    const own = findEntry(this.state.whole, segment.runId, segment.index);
    if (own !== undefined) return own.key;
    let nameMs = segment.startMs;
    let key = segmentKey(this.sessionPrefix, nameMs, this.segmentExtension);
    while (this.state.whole.entries.some((e) => e.key === key)) {
      nameMs += 1;
      key = segmentKey(this.sessionPrefix, nameMs, this.segmentExtension);
    }
    if (nameMs !== segment.startMs) this.logger.warn({ path: segment.path, key }, 'segment start time already used by another segment; named 1 ms later');
    return key;
  }
}

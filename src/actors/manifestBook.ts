/**
 * The uploader's manifest bookkeeping: the current manifest, whether that exact version is
 * uploaded, committing a new version (persisted in the spool first), uploading it, and the key a
 * segment gets.
 */
import { join } from 'node:path';
import type { Logger } from 'pino';
import { checksumsOf } from '../adapters/checksums';
import { type Manifest, emptyManifest, findEntry, serializeManifest, sha256Hex } from '../domain/manifest';
import { MANIFEST_NAME, manifestKey, segmentKey } from '../domain/objectNames';
import type { ClosedSegment } from '../domain/segment';
import type { WriteOnlyStore } from '../domain/objectStore';
import { loadSpoolManifest, saveSpoolManifest } from './spoolManifest';
import type { PendingMetadata } from './spoolMetadata';

export class ManifestBook {
  private readonly manifestPath: string;
  private current: Manifest;
  private uploaded = false;
  /** Changes are made one after the other: a run's record and a segment's entry never overwrite each other. */
  private changes: Promise<void> = Promise.resolve();

  constructor(
    private readonly store: WriteOnlyStore,
    private readonly sessionPrefix: string,
    spoolDir: string,
    private readonly logger: Logger,
    private readonly segmentExtension: string | undefined,
  ) {
    this.manifestPath = join(spoolDir, MANIFEST_NAME);
    this.current = emptyManifest(sessionPrefix);
  }

  get manifest(): Manifest {
    return this.current;
  }

  /** True when the current manifest is the one last uploaded. */
  get manifestUploaded(): boolean {
    return this.uploaded;
  }

  /** Continues the chain a predecessor left in the spool (or starts a new one). */
  load(nowMs: number): Promise<void> {
    const loaded = this.changes.then(async () => {
      this.current = await loadSpoolManifest(this.manifestPath, this.sessionPrefix, this.logger, nowMs);
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
      const changed = change(this.current);
      if (changed === this.current) return;
      await saveSpoolManifest(this.manifestPath, changed);
      this.current = changed;
      this.uploaded = false;
    });
    this.changes = next.catch(() => undefined);
    return next;
  }

  async upload(signal: AbortSignal): Promise<void> {
    if (this.uploaded) return;
    const current = this.current;
    const body = Buffer.from(serializeManifest(current));
    await this.store.put(manifestKey(this.sessionPrefix), { data: body }, { ...checksumsOf(body), contentType: 'application/json', signal });
    if (this.current === current) this.uploaded = true;
  }

  metadataDurable(pending: PendingMetadata): boolean {
    const sha256 = sha256Hex(pending.body);
    return this.current.metadata.some((m) => m.key === pending.key && m.sha256 === sha256);
  }

  /**
   * The segment's key; never one the manifest already gives another segment (a clock stepped
   * back could repeat a start time): then the name's time moves on by a millisecond, the entry
   * keeps the true start, and nothing uploaded is ever overwritten.
   */
  keyFor(segment: ClosedSegment): string {
    const own = findEntry(this.current, segment.runId, segment.index);
    if (own !== undefined) return own.key;
    let nameMs = segment.startMs;
    let key = segmentKey(this.sessionPrefix, nameMs, this.segmentExtension);
    while (this.current.entries.some((e) => e.key === key)) {
      nameMs += 1;
      key = segmentKey(this.sessionPrefix, nameMs, this.segmentExtension);
    }
    if (nameMs !== segment.startMs) this.logger.warn({ path: segment.path, key }, 'segment start time already used by another segment; named 1 ms later');
    return key;
  }
}

/**
 * The activity journal file in the session's spool: opened once for appending, each record one
 * synchronous write (records stay in order and a reader in this process sees them at once),
 * flushed to the disk (fdatasync) at most once per `syncEveryMs` while anything is unsynced,
 * the same one-second bound the video's fragments have, and at close.
 */
import { closeSync, fdatasync, fdatasyncSync, openSync, writeSync } from 'node:fs';
import type { Logger } from 'pino';
import { type JournalRecord, serializeRecord } from '../domain/activityJournal';

export class ActivityJournalFile {
  private fd: number | undefined;
  private dirty = false;
  private syncing = false;
  private failed = false;
  private readonly timer: NodeJS.Timeout;

  constructor(
    readonly path: string,
    private readonly logger: Logger,
    syncEveryMs = 1_000,
  ) {
    this.fd = openSync(path, 'a', 0o600);
    this.timer = setInterval(() => this.sync(), syncEveryMs);
    this.timer.unref();
  }

  append(record: JournalRecord): void {
    if (this.fd === undefined) return;
    try {
      writeSync(this.fd, serializeRecord(record));
      this.dirty = true;
      this.failed = false;
    } catch (e) {
      // Disk full or gone: said once per outage; the video's own spool checks say more.
      if (!this.failed) this.logger.error({ path: this.path, err: (e as Error).message }, 'cannot write the activity journal: activity is being lost');
      this.failed = true;
    }
  }

  private sync(): void {
    if (!this.dirty || this.syncing || this.fd === undefined) return;
    this.dirty = false;
    this.syncing = true;
    fdatasync(this.fd, (err) => {
      this.syncing = false;
      if (err) this.logger.warn({ path: this.path, err: err.message }, 'activity journal not synced to disk');
    });
  }

  /** Last record written, synced and closed (synchronous: runs in an actor's cleanup). */
  close(last?: JournalRecord): void {
    clearInterval(this.timer);
    if (this.fd === undefined) return;
    if (last !== undefined) this.append(last);
    const fd = this.fd;
    this.fd = undefined;
    try {
      fdatasyncSync(fd);
    } catch {
      // best effort: the records are written
    }
    // An fdatasync still in flight holds the fd number: close after it (a closed fd is EBADF, harmless).
    closeSync(fd);
  }
}

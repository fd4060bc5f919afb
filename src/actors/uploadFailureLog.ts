/**
 * Log lines for failing uploads: while they keep failing, at most one warning per interval (the
 * rest at debug, counted); one info line when they succeed again.
 */
import type { Logger } from 'pino';
import type { WriteOnlyStore } from '../domain/objectStore';
import type { Clock } from './retryTiming';

export class UploadFailureLog {
  private failures = 0;
  private suppressed = 0;
  private lastWarnAt = Number.NEGATIVE_INFINITY;

  constructor(
    private readonly store: WriteOnlyStore,
    private readonly logger: Logger,
    private readonly clock: Clock,
    private readonly warnIntervalMs: number,
  ) {}

  noteFailure(key: string, attempt: number, retryInMs: number, message: string): void {
    this.failures += 1;
    const now = this.clock.now();
    const fields = { key, attempt, retryInMs, failures: this.failures, destination: this.store.description };
    if (now - this.lastWarnAt >= this.warnIntervalMs) {
      this.logger.warn({ ...fields, suppressedWarnings: this.suppressed }, `upload failed, retrying: ${message}`);
      this.lastWarnAt = now;
      this.suppressed = 0;
    } else {
      this.suppressed += 1;
      this.logger.debug(fields, `upload failed again: ${message}`);
    }
  }

  noteSuccess(): void {
    if (this.failures === 0) return;
    this.logger.info({ failures: this.failures, destination: this.store.description }, 'uploads succeed again');
    this.failures = 0;
    this.suppressed = 0;
  }
}

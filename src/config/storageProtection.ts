/**
 * Server-side encryption and Object Lock retention, from the option table to the S3 store's
 * options. The options are checked together here (each one alone is checked by its schema):
 *
 * - `--kms-key-id` only with `--sse aws:kms` (with AES256 S3 would ignore or refuse it);
 * - `--object-lock-mode` and `--object-lock-days` together (a mode without a date, or a date
 *   without a mode, is refused by S3 only at the first upload).
 */
import type { ObjectLockOption, ServerSideEncryptionOption } from '../adapters/s3Store';
import { ConfigError } from '../domain/errors';
import type { RecorderOptions } from './options';

export type SseType = 'AES256' | 'aws:kms';
export type ObjectLockModeName = 'GOVERNANCE' | 'COMPLIANCE';

export type ProtectionOptions = Pick<RecorderOptions, 'sse' | 'kmsKeyId' | 'objectLockMode' | 'objectLockDays'>;

export interface StorageProtection {
  readonly serverSideEncryption?: ServerSideEncryptionOption;
  readonly objectLock?: ObjectLockOption;
}

/** Throws a one-line ConfigError when the options do not go together. */
export function checkProtectionOptions(options: Partial<ProtectionOptions>): void {
  if (options.kmsKeyId !== undefined && options.sse !== 'aws:kms') {
    throw new ConfigError(
      `--kms-key-id: only applies with --sse aws:kms, got ${options.sse === undefined ? 'no --sse' : `--sse ${options.sse}`}; add --sse aws:kms or drop --kms-key-id`,
    );
  }
  if ((options.objectLockMode === undefined) !== (options.objectLockDays === undefined)) {
    const given = options.objectLockMode !== undefined ? `--object-lock-mode ${options.objectLockMode}` : `--object-lock-days ${String(options.objectLockDays)}`;
    throw new ConfigError(
      `--object-lock-mode and --object-lock-days go together, got only ${given}; give both (e.g. --object-lock-mode COMPLIANCE --object-lock-days 365) or neither`,
    );
  }
}

/** The S3 store's encryption and retention options (checked first). */
export function storageProtection(options: Partial<ProtectionOptions>): StorageProtection {
  checkProtectionOptions(options);
  const sse: ServerSideEncryptionOption | undefined =
    options.sse === undefined
      ? undefined
      : options.sse === 'AES256'
        ? { type: 'AES256' }
        : { type: 'aws:kms', ...(options.kmsKeyId === undefined ? {} : { kmsKeyId: options.kmsKeyId }) };
  return {
    ...(sse === undefined ? {} : { serverSideEncryption: sse }),
    ...(options.objectLockMode === undefined || options.objectLockDays === undefined
      ? {}
      : { objectLock: { mode: options.objectLockMode, retainDays: options.objectLockDays } }),
  };
}

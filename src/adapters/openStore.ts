import type { ObjectStore } from '../domain/objectStore';
import type { Destination } from './destination';
import { createLocalStore } from './localStore';
import type { S3ClientOptions } from './s3Client';
import type { S3WriteOptions } from './s3Writes';

/**
 * The S3 side is loaded only when a destination is s3://: loading the AWS SDK costs ~0.07 CPU-s
 * (BENCHMARKS.md, issue 16) that a file:// destination never needs.
 */
function loadS3(): { createS3Client: typeof import('./s3Client').createS3Client; createS3Store: typeof import('./s3Store').createS3Store } {
  /* eslint-disable @typescript-eslint/no-require-imports */
  const { createS3Client } = require('./s3Client') as typeof import('./s3Client');
  const { createS3Store } = require('./s3Store') as typeof import('./s3Store');
  /* eslint-enable @typescript-eslint/no-require-imports */
  return { createS3Client, createS3Store };
}

export interface StoreOptions extends Pick<S3ClientOptions, 'endpoint' | 'region' | 'checksumMode'>, Pick<S3WriteOptions, 'serverSideEncryption' | 'objectLock'> {
  /** 'record' (also recover): every request bounded (5 min), so a dead store cannot hang a drain. 'audit': downloads take what they take. */
  readonly use: 'record' | 'audit';
}

/**
 * The destination's store, for every command: S3 (one client from s3Client.ts; encryption and
 * Object Lock as config/storageProtection.ts made them) or a local directory. The caller hands the recorder's side on
 * as a WriteOnlyStore and the auditor's as a ReadOnlyStore; `close()` releases the client.
 */
export function openStore(destination: Destination, options: StoreOptions): ObjectStore {
  switch (destination.kind) {
    case 'file':
      return createLocalStore(destination.dir);
    case 's3': {
      const { createS3Client, createS3Store } = loadS3();
      const client = createS3Client({
        ...(options.region !== undefined ? { region: options.region } : {}),
        ...(options.endpoint !== undefined ? { endpoint: options.endpoint } : {}),
        ...(options.checksumMode !== undefined ? { checksumMode: options.checksumMode } : {}),
        ...(options.use === 'record' ? { requestTimeoutMs: 300_000 } : {}),
      });
      return createS3Store({
        client,
        bucket: destination.bucket,
        prefix: destination.prefix,
        ...(options.endpoint !== undefined ? { endpoint: options.endpoint } : {}),
        ...(options.serverSideEncryption !== undefined ? { serverSideEncryption: options.serverSideEncryption } : {}),
        ...(options.objectLock !== undefined ? { objectLock: options.objectLock } : {}),
      });
    }
    default:
      return destination satisfies never;
  }
}

/**
 * The ObjectStore on S3 or any S3-compatible store, over a client it is given (s3Client.ts makes
 * them). Writes in s3Writes.ts, reads in s3Reads.ts; `close()` destroys the client.
 */
import type { S3Client } from '@aws-sdk/client-s3';
import { ConfigError } from '../domain/errors';
import type { ObjectStore } from '../domain/objectStore';
import { describeS3 } from './s3Client';
import { s3Reads } from './s3Reads';
import { s3Put, type S3WriteOptions } from './s3Writes';

export type { ObjectLockOption, ServerSideEncryptionOption } from './s3Writes';

export interface S3StoreOptions extends S3WriteOptions {
  readonly client: S3Client;
  readonly bucket: string;
  /** Destination prefix: '' or ending in '/'. Keys are relative to it. */
  readonly prefix: string;
  /** The client's endpoint, for the description only. */
  readonly endpoint?: string;
}

export interface S3Store extends ObjectStore {
  readonly bucket: string;
  readonly prefix: string;
}

export function createS3Store(options: S3StoreOptions): S3Store {
  if (options.prefix !== '' && !options.prefix.endsWith('/')) {
    throw new ConfigError(`Expected the S3 prefix to be empty or end with "/", got ${JSON.stringify(options.prefix)}`);
  }
  const { client, bucket, prefix } = options;
  const at = { bucket, prefix, description: describeS3(options) };
  return {
    description: at.description,
    bucket,
    prefix,
    put: s3Put(client, at, options),
    ...s3Reads(client, at),
    close: () => client.destroy(),
  };
}

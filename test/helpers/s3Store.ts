import { createS3Client, type S3ClientOptions } from '../../src/adapters/s3Client';
import { createS3Store, type S3Store, type S3StoreOptions } from '../../src/adapters/s3Store';

export type S3TestStoreOptions = Omit<S3StoreOptions, 'client'> & S3ClientOptions;

/** An S3 store on its own client, both from one set of options (as tests want to vary either). */
export function s3StoreWith(options: S3TestStoreOptions): S3Store {
  const { region, checksumMode, maxAttempts, connectionTimeoutMs, idleTimeoutMs, requestTimeoutMs, ...store } = options;
  const clientOptions = { region, endpoint: store.endpoint, checksumMode, maxAttempts, connectionTimeoutMs, idleTimeoutMs, requestTimeoutMs };
  const defined = Object.fromEntries(Object.entries(clientOptions).filter(([, v]) => v !== undefined)) as S3ClientOptions;
  return createS3Store({ ...store, client: createS3Client(defined) });
}

import type { RecorderConfig } from '../config/loadConfig';
import { createLocalStore } from './localStore';
import { createS3Store } from './s3Store';
import type { SegmentStore } from '../domain/segmentStore';
import { storageProtection, type ProtectionOptions } from '../config/storageProtection';

export interface OpenStore {
  readonly store: SegmentStore;
  close(): void;
}

/**
 * The destination's store: S3 (credentials from the SDK's default chain only, encryption and
 * Object Lock from the options) or a local directory.
 */
export function storeFor(config: Pick<RecorderConfig, 'destination' | 'endpoint' | 'region' | 'checksumMode'> & Partial<ProtectionOptions>): OpenStore {
  const destination = config.destination;
  if (destination.kind === 'file') return { store: createLocalStore(destination.dir), close: () => undefined };
  const store = createS3Store({
    bucket: destination.bucket,
    prefix: destination.prefix,
    // An S3-compatible endpoint rarely has regions, but the SDK insists on one for signing.
    ...(config.region !== undefined ? { region: config.region } : config.endpoint !== undefined ? { region: 'us-east-1' } : {}),
    ...(config.endpoint === undefined ? {} : { endpoint: config.endpoint }),
    checksumMode: config.checksumMode,
    ...storageProtection({ sse: config.sse, kmsKeyId: config.kmsKeyId, objectLockMode: config.objectLockMode, objectLockDays: config.objectLockDays }),
  });
  return { store, close: () => store.destroy() };
}

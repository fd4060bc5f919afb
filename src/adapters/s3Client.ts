/**
 * The one place an S3 client is made, for the recorder and for the auditor's commands alike.
 * Credentials come only from the SDK's default provider chain and are never logged.
 */
import { S3Client } from '@aws-sdk/client-s3';
import { ConfigError } from '../domain/errors';
import type { ChecksumMode } from '../domain/objectStore';

export interface S3ClientOptions {
  /** Default: the SDK's own resolution (AWS_REGION, profile); us-east-1 with an endpoint (S3-compatible stores rarely have regions, but the signer needs one). */
  readonly region?: string;
  /** An S3-compatible endpoint such as http://127.0.0.1:9000. Forces path-style addressing. */
  readonly endpoint?: string;
  /**
   * The SDK's requestChecksumCalculation and responseChecksumValidation. Default 'WHEN_REQUIRED'
   * with an endpoint (many S3-compatible stores mishandle the SDK's default aws-chunked
   * trailers), 'WHEN_SUPPORTED' against AWS. Our own SHA-256 and MD5 are sent either way.
   */
  readonly checksumMode?: ChecksumMode;
  /** SDK attempts per request (the uploader retries on top). Default 3. */
  readonly maxAttempts?: number;
  /** TCP connect timeout. Default 5 s. */
  readonly connectionTimeoutMs?: number;
  /** A socket idle this long is dropped, so a dead endpoint cannot hang a request. Default 30 s. */
  readonly idleTimeoutMs?: number;
  /** Whole-request limit (the recorder: 5 min, one 64 MiB PUT at ~220 KB/s). Default none: an auditor's download takes what it takes. */
  readonly requestTimeoutMs?: number;
}

export function createS3Client(options: S3ClientOptions): S3Client {
  if (options.endpoint !== undefined) checkEndpoint(options.endpoint);
  const checksumMode = options.checksumMode ?? (options.endpoint !== undefined ? 'WHEN_REQUIRED' : 'WHEN_SUPPORTED');
  const region = options.region ?? (options.endpoint !== undefined ? 'us-east-1' : undefined);
  return new S3Client({
    ...(region !== undefined ? { region } : {}),
    ...(options.endpoint !== undefined ? { endpoint: options.endpoint, forcePathStyle: true } : {}),
    requestChecksumCalculation: checksumMode,
    responseChecksumValidation: checksumMode,
    maxAttempts: options.maxAttempts ?? 3,
    requestHandler: {
      connectionTimeout: options.connectionTimeoutMs ?? 5_000,
      socketTimeout: options.idleTimeoutMs ?? 30_000,
      ...(options.requestTimeoutMs !== undefined ? { requestTimeout: options.requestTimeoutMs, throwOnRequestTimeout: true } : {}),
    },
  });
}

function checkEndpoint(endpoint: string): void {
  let url: URL | undefined;
  try {
    url = new URL(endpoint);
  } catch {
    url = undefined;
  }
  if (url === undefined || (url.protocol !== 'http:' && url.protocol !== 'https:')) {
    throw new ConfigError(`Expected the endpoint to be an http:// or https:// URL, got ${JSON.stringify(endpoint)}`);
  }
}

/** `s3://bucket/prefix/`, plus the endpoint without any user:password part. */
export function describeS3(options: { readonly bucket: string; readonly prefix: string; readonly endpoint?: string }): string {
  const base = `s3://${options.bucket}/${options.prefix}`;
  if (options.endpoint === undefined) return base;
  const url = new URL(options.endpoint);
  url.username = '';
  url.password = '';
  return `${base} (endpoint ${url.origin})`;
}

/**
 * The one place that turns an S3 SDK failure into an UploadError whose message says what to do.
 * Messages never include credentials (the SDK's errors do not carry them either).
 */
import { UploadError } from '../domain/errors';

interface SdkLikeError {
  readonly name?: string;
  readonly code?: string;
  readonly message?: string;
  readonly $metadata?: { readonly httpStatusCode?: number };
}

const NETWORK_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ENOTFOUND',
  'EAI_AGAIN',
  'ETIMEDOUT',
  'EPIPE',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'TimeoutError',
  'RequestTimeout',
]);

const CHECKSUM_CODES = new Set(['BadDigest', 'InvalidDigest', 'XAmzContentChecksumMismatch', 'XAmzContentSHA256Mismatch']);

/** The SDK wraps errors it does not recognise (from another realm, e.g. under Jest) into text. */
function networkCodeIn(message: string | undefined): boolean {
  const m = /\b(E[A-Z_]{3,})\b/.exec(message ?? '');
  return m?.[1] !== undefined && NETWORK_CODES.has(m[1]);
}

function fields(e: unknown): SdkLikeError {
  return typeof e === 'object' && e !== null ? (e as SdkLikeError) : { message: String(e) };
}

/**
 * @param operation what we were doing, e.g. `PutObject "a/b.mp4"`
 * @param destination the store's description (no credentials)
 */
export function describeS3Error(e: unknown, operation: string, destination: string, aborted = false): UploadError {
  const err = fields(e);
  const name = err.name ?? '';
  const code = err.code ?? '';
  const status = err.$metadata?.httpStatusCode;
  const detail = `${name || code || 'Error'}${status ? ` (HTTP ${status})` : ''}: ${err.message ?? ''}`.trim();
  const at = `${operation} at ${destination}`;
  let advice: string;
  if (aborted || name === 'AbortError') {
    advice = 'was aborted';
  } else if (name === 'CredentialsProviderError' || /Could not load credentials/i.test(err.message ?? '')) {
    advice =
      'found no AWS credentials: set AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY (and AWS_SESSION_TOKEN), AWS_PROFILE, or give the machine an instance role';
  } else if (/Region is missing/i.test(err.message ?? '')) {
    advice = 'has no region: set --region or AWS_REGION';
  } else if (name === 'InvalidAccessKeyId' || name === 'SignatureDoesNotMatch' || name === 'ExpiredToken' || name === 'InvalidToken') {
    advice = 'was refused: the credentials are wrong or expired; check AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY, AWS_PROFILE or the instance role';
  } else if (name === 'AccessDenied' || status === 403) {
    advice =
      'was denied: the role needs s3:PutObject (and s3:AbortMultipartUpload) on the destination prefix; with SSE-KMS also kms:GenerateDataKey on the key';
  } else if (name === 'NoSuchBucket') {
    advice = 'failed: the bucket does not exist; create it or fix the destination (and --endpoint/--region)';
  } else if (name === 'PermanentRedirect' || name === 'AuthorizationHeaderMalformed' || status === 301) {
    advice = 'failed: the bucket is in another region; set --region to the bucket\'s region';
  } else if (CHECKSUM_CODES.has(name) || CHECKSUM_CODES.has(code)) {
    advice = 'was rejected because the checksum did not match (bytes changed on the way); the local file is kept and sent again';
  } else if (NETWORK_CODES.has(code) || NETWORK_CODES.has(name) || networkCodeIn(err.message)) {
    advice = 'could not reach the store: check --endpoint, the network, DNS or a proxy; it will be retried';
  } else if (name === 'MissingContentLength' || status === 411) {
    advice = 'was refused for a missing Content-Length: set the checksum mode to WHEN_REQUIRED for this S3-compatible store';
  } else if (status !== undefined && status >= 500) {
    advice = 'failed on the server side; it will be retried';
  } else {
    advice = 'failed';
  }
  return new UploadError(`${at} ${advice} (${detail})`, { cause: e });
}

/** An S3 read failure for an auditor: reads need other permissions than the recorder's writes. */
export function describeS3ReadError(e: unknown, operation: string, destination: string): UploadError {
  const err = fields(e);
  if (err.name === 'AccessDenied' || err.$metadata?.httpStatusCode === 403) {
    return new UploadError(
      `${operation} at ${destination} was denied: the auditor's credentials need s3:ListBucket and s3:GetObject on the prefix ` +
        `(and kms:Decrypt with SSE-KMS) (${err.name ?? 'Error'}: ${err.message ?? ''})`,
      { cause: e },
    );
  }
  return describeS3Error(e, operation, destination);
}

/** The object (or the bucket's key) does not exist. */
export function isS3NotFound(e: unknown): boolean {
  const err = fields(e);
  return err.name === 'NoSuchKey' || err.name === 'NotFound' || err.$metadata?.httpStatusCode === 404;
}

/**
 * Is a failed write to the destination worth retrying? Pure: looks at the error and its causes
 * (the stores wrap SDK and file-system errors in an UploadError with `{ cause }`).
 *
 * Permanent: the store answered and refused us for a reason time does not fix (credentials,
 * permissions, a missing bucket, the wrong region, a malformed request), or a local destination
 * that cannot be written at all. Everything else (refused or reset connections, timeouts, 5xx,
 * throttling, a full disk) is transient: the recorder keeps the data and retries.
 */
const PERMANENT_NAMES = new Set([
  'CredentialsProviderError',
  'InvalidAccessKeyId',
  'SignatureDoesNotMatch',
  'ExpiredToken',
  'InvalidToken',
  'TokenRefreshRequired',
  'AccessDenied',
  'AllAccessDisabled',
  'AccountProblem',
  'NoSuchBucket',
  'InvalidBucketName',
  'PermanentRedirect',
  'AuthorizationHeaderMalformed',
  'InvalidRequest',
  'InvalidArgument',
]);

const PERMANENT_FS_CODES = new Set(['EACCES', 'EPERM', 'EROFS', 'ENOTDIR', 'EISDIR']);

interface ErrorFields {
  readonly name?: unknown;
  readonly code?: unknown;
  readonly message?: unknown;
  readonly cause?: unknown;
  readonly $metadata?: { readonly httpStatusCode?: unknown };
}

function causes(error: unknown): ErrorFields[] {
  const chain: ErrorFields[] = [];
  let current: unknown = error;
  while (typeof current === 'object' && current !== null && chain.length < 8) {
    chain.push(current as ErrorFields);
    current = (current as ErrorFields).cause;
  }
  return chain;
}

export function isPermanentStoreFailure(error: unknown): boolean {
  for (const e of causes(error)) {
    const name = typeof e.name === 'string' ? e.name : '';
    const code = typeof e.code === 'string' ? e.code : '';
    const status = typeof e.$metadata?.httpStatusCode === 'number' ? e.$metadata.httpStatusCode : undefined;
    if (PERMANENT_NAMES.has(name) || PERMANENT_NAMES.has(code)) return true;
    if (PERMANENT_FS_CODES.has(code)) return true;
    if (typeof e.message === 'string' && /Could not load credentials|Region is missing/i.test(e.message)) return true;
    if (status === 301 || status === 401 || status === 403 || status === 404) return true;
  }
  return false;
}

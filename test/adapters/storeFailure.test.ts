import { UploadError } from '../../src/domain/errors';
import { isPermanentStoreFailure } from '../../src/adapters/storeFailure';

/** Shapes of what the AWS SDK and the file system throw, wrapped like the stores wrap them. */
const sdk = (name: string, status?: number) => Object.assign(new Error(`${name} message`), { name, ...(status ? { $metadata: { httpStatusCode: status } } : {}) });
const fs = (code: string) => Object.assign(new Error(`${code}: failed`), { code });
const wrapped = (cause: unknown) => new UploadError('Upload of "k" failed', { cause });

test.each([
  ['InvalidAccessKeyId', sdk('InvalidAccessKeyId', 403)],
  ['SignatureDoesNotMatch', sdk('SignatureDoesNotMatch', 403)],
  ['AccessDenied', sdk('AccessDenied', 403)],
  ['NoSuchBucket', sdk('NoSuchBucket', 404)],
  ['PermanentRedirect', sdk('PermanentRedirect', 301)],
  ['no credentials', sdk('CredentialsProviderError')],
  ['a local destination that is read-only', fs('EROFS')],
  ['a local destination without permission', fs('EACCES')],
])('permanent: %s', (_name, error) => {
  expect(isPermanentStoreFailure(wrapped(error))).toBe(true);
});

test.each([
  ['connection refused', fs('ECONNREFUSED')],
  ['connection reset', fs('ECONNRESET')],
  ['SlowDown', sdk('SlowDown', 503)],
  ['InternalError', sdk('InternalError', 500)],
  ['a timeout', sdk('TimeoutError')],
  ['an abort', sdk('AbortError')],
  ['a full local disk', fs('ENOSPC')],
  ['a bad digest (bytes changed on the way)', sdk('BadDigest', 400)],
])('transient: %s', (_name, error) => {
  expect(isPermanentStoreFailure(wrapped(error))).toBe(false);
});

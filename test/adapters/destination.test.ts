import { ConfigError } from '../../src/domain/errors';
import { bucketNameProblem, parseDestination } from '../../src/adapters/destination';

test('s3 destinations: the prefix ends with "/" or is empty', () => {
  expect(parseDestination('s3://my-bucket/recordings')).toEqual({ kind: 's3', bucket: 'my-bucket', prefix: 'recordings/', url: 's3://my-bucket/recordings/' });
  expect(parseDestination('s3://my-bucket/a/b/')).toMatchObject({ prefix: 'a/b/' });
  expect(parseDestination('s3://my-bucket/')).toMatchObject({ prefix: '', url: 's3://my-bucket/' });
  expect(parseDestination('s3://my.bucket.1')).toMatchObject({ bucket: 'my.bucket.1', prefix: '' });
});

test.each([
  ['s3://a', /must be 3 to 63 characters long \(it has 1\)/],
  ['s3://My_Bucket/x', /only lowercase letters, digits, dots and hyphens/],
  ['s3://-bucket/x', /start and end with a letter or digit/],
  ['s3://my..bucket', /two dots in a row/],
  ['s3://192.168.1.1', /IP address/],
  ['s3://xn--bucket', /must not start with "xn--"/],
  ['s3://bucket-s3alias', /must not end with "-s3alias"/],
  [`s3://${'a'.repeat(64)}`, /3 to 63/],
  ['s3://bucket//x', /empty path components/],
  ['s3://bucket/a/../b', /"\." or "\.\." components/],
  ['s3://bucket/a\nb', /control characters/],
  ['s3://bucket/x?y=1', /query or fragment/],
  ['/var/recordings', /unknown scheme/],
  ['S3://bucket/x', /unknown scheme/],
  ['file://host/dir', /names a host or a bare relative path/],
  ['file://recordings', /names a host or a bare relative path/],
])('%j is refused with one clear line', (value, message) => {
  let error: unknown;
  try {
    parseDestination(value, '/work');
  } catch (e) {
    error = e;
  }
  expect(error).toBeInstanceOf(ConfigError);
  expect((error as Error).message).toMatch(message);
  expect((error as Error).message).toContain(JSON.stringify(value));
  expect((error as Error).message).not.toContain('\n');
});

test('file destinations resolve to absolute directories', () => {
  expect(parseDestination('file:///var/recordings', '/work')).toEqual({ kind: 'file', dir: '/var/recordings', url: 'file:///var/recordings' });
  expect(parseDestination('file:///var/my%20recordings/', '/work')).toMatchObject({ dir: '/var/my recordings', url: 'file:///var/my recordings' });
  expect(parseDestination('file://./recordings', '/work/app')).toMatchObject({ dir: '/work/app/recordings' });
  expect(parseDestination('file://../rec', '/work/app')).toMatchObject({ dir: '/work/rec' });
  expect(parseDestination('file://.', '/work/app')).toMatchObject({ dir: '/work/app' });
});

test('bucket rules on their own', () => {
  expect(bucketNameProblem('recordings')).toBeUndefined();
  expect(bucketNameProblem('abc')).toBeUndefined();
  expect(bucketNameProblem('ab')).toMatch(/3 to 63/);
});

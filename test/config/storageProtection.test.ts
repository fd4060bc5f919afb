// --sse, --kms-key-id, --object-lock-mode, --object-lock-days: flags, env and config file, checked together.
import { loadConfig, type LoadConfigInput } from '../../src/config/loadConfig';
import { storageProtection } from '../../src/config/storageProtection';
import { configFilesEach, errorOf } from './configKit';

const base: LoadConfigInput = { flags: {}, env: {}, platform: 'linux', cwd: '/work/here', command: 'record' };
const load = (over: Partial<LoadConfigInput> = {}) => loadConfig({ ...base, ...over });

const configFile = configFilesEach('sr-protection-').write;

test('off by default: the bucket decides', () => {
  const c = load();
  expect([c.sse, c.kmsKeyId, c.objectLockMode, c.objectLockDays]).toEqual([undefined, undefined, undefined, undefined]);
  expect(storageProtection(c)).toEqual({});
});

test('from flags, environment variables and the config file, into the S3 store options', () => {
  const fromFlags = load({ flags: { sse: 'aws:kms', kmsKeyId: 'alias/recordings', objectLockMode: 'COMPLIANCE', objectLockDays: '365' } });
  expect(storageProtection(fromFlags)).toEqual({
    serverSideEncryption: { type: 'aws:kms', kmsKeyId: 'alias/recordings' },
    objectLock: { mode: 'COMPLIANCE', retainDays: 365 },
  });
  const fromEnv = load({ env: { SESSION_RECORDER_SSE: 'AES256', SESSION_RECORDER_OBJECT_LOCK_MODE: 'GOVERNANCE', SESSION_RECORDER_OBJECT_LOCK_DAYS: '7' } });
  expect(storageProtection(fromEnv)).toEqual({ serverSideEncryption: { type: 'AES256' }, objectLock: { mode: 'GOVERNANCE', retainDays: 7 } });
  const file = configFile({ sse: 'aws:kms', objectLockMode: 'COMPLIANCE', objectLockDays: 30 });
  const fromFile = load({ flags: { config: file } });
  expect(storageProtection(fromFile)).toEqual({ serverSideEncryption: { type: 'aws:kms' }, objectLock: { mode: 'COMPLIANCE', retainDays: 30 } });
  expect(fromFile.origins.sse).toBe('file');
});

test('each value is checked alone', () => {
  expect(errorOf(() => load({ flags: { sse: 'aws:kms:dsse' } }))).toBe('--sse: expected AES256 or aws:kms, got "aws:kms:dsse"');
  expect(errorOf(() => load({ flags: { objectLockMode: 'governance', objectLockDays: '1' } }))).toBe('--object-lock-mode: expected GOVERNANCE or COMPLIANCE, got "governance"');
  expect(errorOf(() => load({ env: { SESSION_RECORDER_OBJECT_LOCK_DAYS: '0', SESSION_RECORDER_OBJECT_LOCK_MODE: 'COMPLIANCE' } }))).toBe(
    '--object-lock-days: expected a whole number of days from 1 to 36500, got "0" from SESSION_RECORDER_OBJECT_LOCK_DAYS',
  );
});

test('a KMS key only with aws:kms; the two Object Lock options only together', () => {
  expect(errorOf(() => load({ flags: { kmsKeyId: 'alias/x' } }))).toMatch(/^--kms-key-id: only applies with --sse aws:kms, got no --sse;/);
  expect(errorOf(() => load({ flags: { sse: 'AES256', kmsKeyId: 'alias/x' } }))).toMatch(/got --sse AES256;/);
  expect(errorOf(() => load({ flags: { objectLockMode: 'COMPLIANCE' } }))).toMatch(
    /^--object-lock-mode and --object-lock-days go together, got only --object-lock-mode COMPLIANCE;/,
  );
  expect(errorOf(() => load({ env: { SESSION_RECORDER_OBJECT_LOCK_DAYS: '30' } }))).toMatch(/got only --object-lock-days 30;/);
});

test('verify reads the store options but not the write-only ones', () => {
  const c = load({ command: 'verify', flags: { endpoint: 'http://127.0.0.1:9000', region: 'eu-west-1', json: true, gapTolerance: '0.5' } });
  expect(c).toMatchObject({ endpoint: 'http://127.0.0.1:9000', region: 'eu-west-1', checksumMode: 'WHEN_REQUIRED', json: true, gapTolerance: 0.5, maxRestartGap: 10 });
  expect(load({ command: 'verify', flags: { sse: 'AES256' } }).sse).toBeUndefined();
});

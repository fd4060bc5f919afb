/**
 * Integration (a real Node process on the built code): the AWS SDK is loaded only when a store is
 * opened for an s3:// destination (issue 16: ~0.09 CPU-s and ~8 MiB per start that a file://
 * destination never needs). A fresh process is the only place where "was it loaded" is honest:
 * Jest has its own module registry.
 */
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);
const dist = join(__dirname, '..', '..', 'dist');

const probe = `
const sdkLoaded = () => Object.keys(require.cache).some((m) => m.includes('@aws-sdk'));
const { openStore } = require(${JSON.stringify(join(dist, 'adapters', 'openStore.js'))});
const { parseDestination } = require(${JSON.stringify(join(dist, 'adapters', 'destination.js'))});
require(${JSON.stringify(join(dist, 'cli.js'))});
const steps = { afterCliLoaded: sdkLoaded() };
openStore(parseDestination('file:///tmp/lazy-sdk-probe'), { use: 'audit' }).close?.();
steps.afterFileStore = sdkLoaded();
const s3 = openStore(parseDestination('s3://lazy-sdk-probe/p/'), { use: 'audit', region: 'us-east-1' });
steps.afterS3Store = sdkLoaded();
s3.close?.();
process.stdout.write(JSON.stringify(steps));
`;

test('the SDK is not loaded by the CLI nor by a file:// store, and is by an s3:// store', async () => {
  const { stdout } = await run(process.execPath, ['-e', probe], { env: { ...process.env, AWS_EC2_METADATA_DISABLED: 'true' } });
  expect(JSON.parse(stdout)).toEqual({ afterCliLoaded: false, afterFileStore: false, afterS3Store: true });
});

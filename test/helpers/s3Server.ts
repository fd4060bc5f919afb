/**
 * A real S3-compatible HTTP server for tests: s3rver 3.7.1 on 127.0.0.1, a free port, a fresh
 * temp directory and one empty bucket.
 *
 *   const s3 = await startS3Server();          // in beforeAll
 *   createS3Store({ bucket: s3.bucket, prefix: '', endpoint: s3.endpoint, region: s3.region });
 *   await s3.listKeys('stack/');               // keys, sorted
 *   await s3.getObject(key);                   // Buffer
 *   await s3.stop();                           // in afterAll: closes and deletes the temp dir
 *
 * Credentials: s3rver accepts access key `S3RVER` / secret `S3RVER` (it rejects an unknown access
 * key id with InvalidAccessKeyId, but does not verify V4 signatures).
 * startS3Server() puts them in `process.env` (AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY, plus
 * AWS_REGION and AWS_EC2_METADATA_DISABLED) so code under test finds them through the SDK's
 * default chain, as production does. Jest gives each test file its own copy of process.env, so
 * this does not leak into other files. For child processes (the CLI, `/usr/bin/aws`) pass
 * `{ env: { ...process.env, ...s3.env } }`.
 *
 * `down()` closes the listener but keeps the data; `up()` listens again on the same port: a
 * store outage in the middle of a test.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { GetObjectCommand, S3Client, paginateListObjectsV2 } from '@aws-sdk/client-s3';

interface S3rverInstance {
  run(): Promise<{ port: number }>;
  close(): Promise<void>;
}
type S3rverConstructor = new (options: Record<string, unknown>) => S3rverInstance;
// s3rver ships no types; this is the part of its API used here.
const S3rver = require('s3rver') as S3rverConstructor;

export const S3RVER_CREDENTIALS = { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' } as const;

export interface TestS3Server {
  /** http://127.0.0.1:PORT */
  readonly endpoint: string;
  readonly port: number;
  readonly bucket: string;
  readonly region: string;
  /** Environment for child processes: credentials, region, no instance-metadata lookups. */
  readonly env: Readonly<Record<string, string>>;
  /** Every key under `prefix` (default: all), sorted. */
  listKeys(prefix?: string): Promise<string[]>;
  getObject(key: string): Promise<Buffer>;
  /** Stops listening, keeps the data. */
  down(): Promise<void>;
  /** Listens again on the same port. */
  up(): Promise<void>;
  /** Stops and deletes the data. */
  stop(): Promise<void>;
}

export async function startS3Server(options: { bucket?: string } = {}): Promise<TestS3Server> {
  const bucket = options.bucket ?? 'recordings';
  const region = 'us-east-1';
  const directory = await mkdtemp(join(tmpdir(), 's3rver-'));
  const env = {
    AWS_ACCESS_KEY_ID: S3RVER_CREDENTIALS.accessKeyId,
    AWS_SECRET_ACCESS_KEY: S3RVER_CREDENTIALS.secretAccessKey,
    AWS_REGION: region,
    AWS_EC2_METADATA_DISABLED: 'true',
  };
  Object.assign(process.env, env);

  const listen = async (port: number): Promise<{ server: S3rverInstance; port: number }> => {
    const server = new S3rver({
      address: '127.0.0.1',
      port,
      silent: true,
      directory,
      configureBuckets: [{ name: bucket }],
    });
    const address = await server.run();
    return { server, port: address.port };
  };

  let { server, port } = await listen(0);
  let running: S3rverInstance | undefined = server;
  const endpoint = `http://127.0.0.1:${port}`;
  const client = new S3Client({
    endpoint,
    region,
    forcePathStyle: true,
    credentials: S3RVER_CREDENTIALS,
    requestChecksumCalculation: 'WHEN_REQUIRED',
    responseChecksumValidation: 'WHEN_REQUIRED',
  });

  const down = async (): Promise<void> => {
    const current = running;
    running = undefined;
    await current?.close();
  };

  return {
    endpoint,
    port,
    bucket,
    region,
    env,
    async listKeys(prefix = '') {
      const keys: string[] = [];
      for await (const page of paginateListObjectsV2({ client }, { Bucket: bucket, Prefix: prefix })) {
        for (const item of page.Contents ?? []) if (item.Key !== undefined) keys.push(item.Key);
      }
      return keys.sort();
    },
    async getObject(key) {
      const result = await client.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
      if (result.Body === undefined) throw new Error(`s3rver returned no body for ${key}`);
      return Buffer.from(await result.Body.transformToByteArray());
    },
    down,
    async up() {
      if (running !== undefined) return;
      ({ server } = await listen(port));
      running = server;
    },
    async stop() {
      await down();
      client.destroy();
      await rm(directory, { recursive: true, force: true });
    },
  };
}

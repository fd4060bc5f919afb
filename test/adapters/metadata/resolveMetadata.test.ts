import { readFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { createAppStreamLinuxFilesSource } from '../../../src/adapters/metadata/appstreamLinuxFiles';
import { createEnvSource } from '../../../src/adapters/metadata/appstreamEnv';
import type { MetadataSource } from '../../../src/adapters/metadata/metadataSource';
import { metadataFromConfig, platformMetadataSources, resolveMetadata } from '../../../src/adapters/metadata/resolveMetadata';
import { loadConfig } from '../../../src/config/loadConfig';
import { sessionPrefix } from '../../../src/domain/sanitize';

const fixture = (...parts: string[]) => path.join(__dirname, '../../fixtures', ...parts);
const now = new Date('2024-03-14T09:27:00.000Z');
const common = { platform: 'linux', hostname: 'ip-10-0-0-12', now, recorderVersion: '0.1.0' };
const linuxFiles = (user = 'appstream_user_vars.sh') =>
  createAppStreamLinuxFilesSource({ readFile: (p) => readFile(p, 'utf8'), paths: [fixture('appstream', 'appstream_system_vars.sh'), fixture('appstream', user)] });

describe('resolveMetadata', () => {
  test('AppStream Linux: files, then the environment, every field with its source', async () => {
    const env = createEnvSource({ AppStream_Instance_Type: 'from-env', AppStream_User_Access_Mode: 'from-env' }, 'linux');
    const { metadata, warnings } = await resolveMetadata({ ...common, flags: {}, sources: [linuxFiles(), env] });
    expect(warnings).toEqual([]);
    expect(metadata).toEqual({
      sessionId: '8f2b3c4d-1a2b-4c5d-9e8f-0a1b2c3d4e5f',
      stack: 'recorded-stack',
      fleet: 'linux-recorded-fleet',
      user: 'alice@example.com',
      authType: 'saml',
      imageArn: 'arn:aws:appstream:us-east-1:123456789012:image/AmazonLinux2-recorder-2024-03-01',
      instanceType: 'stream.standard.medium',
      hostname: 'ip-10-0-0-12',
      platform: 'linux',
      startedAt: '2024-03-14T09:27:00.000Z',
      recorderVersion: '0.1.0',
      sources: {
        sessionId: `appstream-file:${fixture('appstream', 'appstream_user_vars.sh')}:AppStream_Session_ID`,
        stack: `appstream-file:${fixture('appstream', 'appstream_user_vars.sh')}:AppStream_Stack_Name`,
        fleet: `appstream-file:${fixture('appstream', 'appstream_system_vars.sh')}:AppStream_Resource_Name`,
        user: `appstream-file:${fixture('appstream', 'appstream_user_vars.sh')}:AppStream_UserName`,
        authType: `appstream-file:${fixture('appstream', 'appstream_user_vars.sh')}:AppStream_User_Access_Mode`,
        imageArn: `appstream-file:${fixture('appstream', 'appstream_system_vars.sh')}:AppStream_Image_Arn`,
        instanceType: `appstream-file:${fixture('appstream', 'appstream_system_vars.sh')}:AppStream_Instance_Type`,
        hostname: 'os',
      },
    });
  });

  test("the admin's settings win, labelled by origin", async () => {
    const config = loadConfig({ flags: { user: 'flag-user' }, env: { SESSION_RECORDER_STACK: 'env-stack' }, platform: 'linux', cwd: '/' });
    const { metadata } = await resolveMetadata({ ...common, flags: metadataFromConfig(config), sources: [linuxFiles()] });
    expect(metadata).toMatchObject({ user: 'flag-user', stack: 'env-stack', fleet: 'linux-recorded-fleet' });
    expect(metadata.sources).toMatchObject({ user: 'flag', stack: 'env:SESSION_RECORDER_STACK' });
  });

  test('nothing known: a generated session id, empty fields marked missing, keys still valid', async () => {
    const { metadata } = await resolveMetadata({ ...common, flags: {}, sources: [createEnvSource({}, 'linux')] });
    expect(metadata).toMatchObject({ sessionId: 'local-ip-10-0-0-12-20240314T092700000Z', stack: '', fleet: '', user: '' });
    expect(metadata.sources).toMatchObject({ sessionId: 'generated', stack: 'missing', fleet: 'missing', user: 'missing' });
    expect(metadata.authType).toBeUndefined();
    expect(sessionPrefix(metadata)).toBe('unknown/unknown/local-ip-10-0-0-12-20240314T092700000Z/');
  });

  test('hostile values are kept raw (JSON-escaped when written) and the key stays inside the session prefix', async () => {
    const { metadata } = await resolveMetadata({ ...common, flags: {}, sources: [linuxFiles('appstream_user_vars_hostile.sh')] });
    expect(metadata.stack).toBe('../../other-stack');
    expect(JSON.parse(JSON.stringify(metadata))).toEqual(metadata);
    const prefix = sessionPrefix(metadata);
    expect(prefix.split('/')).toHaveLength(4);
    expect(prefix).not.toContain('..');
  });

  test('a failing source is skipped with a warning', async () => {
    const broken: MetadataSource = { name: 'registry', read: () => Promise.reject(new Error('reg.exe not found')) };
    const { metadata, warnings } = await resolveMetadata({ ...common, flags: {}, sources: [broken, createEnvSource({ AppStream_UserName: 'u' }, 'linux')] });
    expect(metadata.user).toBe('u');
    expect(warnings).toEqual(['metadata source registry failed and was skipped: reg.exe not found']);
  });
});

describe('platformMetadataSources', () => {
  const files: Record<string, string> = {
    '/etc/profile.d/appstream_system_vars.sh': readFileSync(fixture('appstream', 'appstream_system_vars.sh'), 'utf8'),
    '/etc/profile.d/appstream_user_vars.sh': readFileSync(fixture('appstream', 'appstream_user_vars.sh'), 'utf8'),
  };
  const readFixture = async (p: string) => {
    const body = files[p];
    if (body === undefined) throw Object.assign(new Error(`ENOENT: ${p}`), { code: 'ENOENT' });
    return body;
  };
  const env = { AppStream_Session_ID: 'env-session', AppStream_Resource_Name: 'env-fleet', AppStream_Instance_Type: 'env-type' };

  test('Linux: the /etc/profile.d files win over the environment', async () => {
    const sources = platformMetadataSources({ platform: 'linux', env, readFile: readFixture, runReg: () => Promise.reject(new Error('no reg')) });
    expect(sources.map((s) => s.name)).toEqual(['appstream-files', 'env']);
    const { metadata } = await resolveMetadata({ ...common, flags: {}, sources });
    expect(metadata.sessionId).toBe('8f2b3c4d-1a2b-4c5d-9e8f-0a1b2c3d4e5f');
    expect(metadata.fleet).toBe('linux-recorded-fleet');
  });

  test('Windows: the user hive for user context, the machine environment for the fleet', async () => {
    const hku = readFileSync(fixture('windows', 'reg-query-hku.txt'), 'utf8');
    const environment = readFileSync(fixture('windows', 'reg-query-environment.txt'), 'utf8');
    const runReg = async (args: readonly string[]) => (args[1] === 'HKU' ? hku : environment);
    const sources = platformMetadataSources({ platform: 'win32', env, readFile: readFixture, runReg });
    expect(sources.map((s) => s.name)).toEqual(['registry', 'env']);
    const { metadata } = await resolveMetadata({ ...common, platform: 'win32', flags: {}, sources });
    expect(metadata).toMatchObject({ sessionId: '0c6a1f7e-5b2d-4e8a-9c3f-7d1e2b4a6c8e', user: 'alice@example.com', fleet: 'env-fleet', instanceType: 'env-type' });
    expect(metadata.sources['fleet']).toBe('env:AppStream_Resource_Name');
  });

  test('elsewhere: the environment only', () => {
    expect(platformMetadataSources({ platform: 'darwin', env, readFile: readFixture, runReg: async () => '' }).map((s) => s.name)).toEqual(['env']);
  });
});

/**
 * Windows: the session id, user and stack come from the user-writable HKU\<SID>\Environment.
 * The recorder reads them itself (`--user-sid`, what the Windows hook now passes instead of
 * copying them into flags), labels them as coming from the user's environment, and an odd value
 * (control characters, absurd length) never stops the recording: it is kept raw, recorded under
 * a sanitized key component, and flagged in the metadata. Pure parts: the parser, the labelling,
 * the resolution (`reg` is a function passed in, fed captured output), the option.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { platformMetadataSources, resolveMetadata } from '../../../src/adapters/metadata/resolveMetadata';
import { parseRegistryEnvironment } from '../../../src/adapters/metadata/windowsRegistry';
import { loadConfig } from '../../../src/config/loadConfig';
import { sanitizeComponent, sessionPrefix } from '../../../src/domain/sanitize';

const SID = 'S-1-5-21-3623811015-3361044348-30300820-1013';
const captured = readFileSync(join(__dirname, '..', '..', 'fixtures', 'windows', 'reg-query-environment.txt'), 'utf8');
const ENV = `user-environment:HKU\\${SID}\\Environment`;

async function resolveFromHive(output: string) {
  const calls: string[][] = [];
  const sources = platformMetadataSources({
    platform: 'win32', env: { AppStream_Resource_Name: 'fleet-1' }, readFile: () => Promise.reject(new Error('no files on Windows')),
    runReg: async (args) => { calls.push([...args]); return output; }, userSid: SID,
  });
  const resolved = await resolveMetadata({ flags: {}, sources, platform: 'win32', hostname: 'host', now: new Date('2026-11-24T09:00:00Z'), recorderVersion: 't' });
  return { ...resolved, calls };
}

test('values from the user environment say so', () => {
  const found = parseRegistryEnvironment(captured, SID);
  expect([found.sessionId?.source, found.user?.source, found.stack?.source]).toEqual([
    `${ENV}:AppStream_Session_ID`, `${ENV}:AppStream_UserName`, `${ENV}:AppStream_Stack_Name`,
  ]);
});

test('--user-sid: the recorder reads that hive itself, and the metadata names the user environment, not a flag', async () => {
  const { metadata, calls } = await resolveFromHive(captured);
  expect(calls).toEqual([['query', `HKU\\${SID}\\Environment`]]);
  expect(metadata.sessionId).toBe('0c6a1f7e-5b2d-4e8a-9c3f-7d1e2b4a6c8e');
  expect(metadata.sources).toMatchObject({ sessionId: `${ENV}:AppStream_Session_ID`, user: `${ENV}:AppStream_UserName`, stack: `${ENV}:AppStream_Stack_Name`, fleet: 'env:AppStream_Resource_Name' });
  expect(metadata.anomalies).toBeUndefined();
});

test('an odd session id is recorded under a sanitized id and flagged, never refused', async () => {
  const odd = `evil\u001b[2J${'x'.repeat(300)}`;
  const hostile = captured.replace('0c6a1f7e-5b2d-4e8a-9c3f-7d1e2b4a6c8e', odd).replace('alice@example.com', 'al\u0007ice');
  const { metadata } = await resolveFromHive(hostile);
  expect(metadata.sessionId).toBe(odd); // the raw value, for the auditor
  const component = sanitizeComponent(odd);
  expect(sessionPrefix(metadata)).toBe(`windows-stack/fleet-1/${component}/`);
  expect(component).toMatch(/^[A-Za-z0-9_.-]+$/);
  expect(metadata.anomalies).toEqual([
    `sessionId from ${ENV}:AppStream_Session_ID has control characters and is longer than 256 characters: recorded under the key component ${JSON.stringify(component)}`,
    `user from ${ENV}:AppStream_UserName has control characters: recorded under the key component ${JSON.stringify(sanitizeComponent('al\u0007ice'))}`,
  ]);
});

test('--user-sid takes a user SID and nothing else', () => {
  const load = (userSid: string) => loadConfig({ flags: { userSid }, env: {}, platform: 'win32', cwd: 'C:\\work' });
  expect(load(SID).userSid).toBe(SID);
  expect(() => load('S-1-5-18')).toThrow(/--user-sid: expected a user SID like S-1-5-21-/);
  expect(() => load(`${SID} --insecure`)).toThrow(/--user-sid/);
});

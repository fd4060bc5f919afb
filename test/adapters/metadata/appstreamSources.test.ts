import { existsSync, readFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { createEnvSource, fromAppStreamVariables } from '../../../src/adapters/metadata/appstreamEnv';
import { createAppStreamLinuxFilesSource, parseAppStreamVarsFile } from '../../../src/adapters/metadata/appstreamLinuxFiles';
import { createWindowsRegistrySource, parseRegistryEnvironment, parseRegQuery, parseUserSids } from '../../../src/adapters/metadata/windowsRegistry';

const fixture = (...parts: string[]) => path.join(__dirname, '../../fixtures', ...parts);
const text = (...parts: string[]) => readFileSync(fixture(...parts), 'utf8');
const SID = 'S-1-5-21-3623811015-3361044348-30300820-1013';
const SID2 = 'S-1-5-21-3623811015-3361044348-30300820-1014';

describe('AppStream variables in an environment', () => {
  const env = {
    AppStream_Session_ID: 'sess-1',
    AppStream_Stack_Name: 'stack-1',
    AppStream_Resource_Name: 'fleet-1',
    AppStream_UserName: 'alice',
    AppStream_User_Access_Mode: 'saml',
    AppStream_Image_Arn: 'arn:aws:appstream:us-east-1::image/x',
    AppStream_Instance_Type: 'stream.standard.small',
    AppStream_Resource_Type: 'fleet',
    PATH: '/usr/bin',
  };

  test('maps every variable to its field and names the variable in the source', async () => {
    expect(await createEnvSource(env, 'linux').read()).toEqual({
      sessionId: { value: 'sess-1', source: 'env:AppStream_Session_ID' },
      stack: { value: 'stack-1', source: 'env:AppStream_Stack_Name' },
      fleet: { value: 'fleet-1', source: 'env:AppStream_Resource_Name' },
      user: { value: 'alice', source: 'env:AppStream_UserName' },
      authType: { value: 'saml', source: 'env:AppStream_User_Access_Mode' },
      imageArn: { value: 'arn:aws:appstream:us-east-1::image/x', source: 'env:AppStream_Image_Arn' },
      instanceType: { value: 'stream.standard.small', source: 'env:AppStream_Instance_Type' },
    });
  });

  test('names are case-sensitive except on Windows; empty values are missing', async () => {
    const odd = { APPSTREAM_SESSION_ID: 'upper', AppStream_UserName: '' };
    expect(await createEnvSource(odd, 'linux').read()).toEqual({});
    expect(await createEnvSource(odd, 'win32').read()).toEqual({ sessionId: { value: 'upper', source: 'env:APPSTREAM_SESSION_ID' } });
    const both = new Map([['APPSTREAM_SESSION_ID', 'upper'], ['AppStream_Session_ID', 'exact']]);
    expect(fromAppStreamVariables(both, { source: 's', caseInsensitive: true }).sessionId?.value).toBe('exact');
  });

  test('contexts restrict what a source may set', () => {
    expect(Object.keys(fromAppStreamVariables(env, { source: 's', contexts: ['user'] })).sort()).toEqual(['authType', 'sessionId', 'stack', 'user']);
  });
});

describe('AppStream Linux files', () => {
  test('the system and user files', () => {
    const system = parseAppStreamVarsFile(text('appstream', 'appstream_system_vars.sh'), '/etc/profile.d/appstream_system_vars.sh');
    expect(system.problems).toEqual([]);
    expect(system.found).toEqual({
      fleet: { value: 'linux-recorded-fleet', source: 'appstream-file:/etc/profile.d/appstream_system_vars.sh:AppStream_Resource_Name' },
      imageArn: { value: 'arn:aws:appstream:us-east-1:123456789012:image/AmazonLinux2-recorder-2024-03-01', source: 'appstream-file:/etc/profile.d/appstream_system_vars.sh:AppStream_Image_Arn' },
      instanceType: { value: 'stream.standard.medium', source: 'appstream-file:/etc/profile.d/appstream_system_vars.sh:AppStream_Instance_Type' },
    });
    const user = parseAppStreamVarsFile(text('appstream', 'appstream_user_vars.sh'), 'u.sh').found;
    expect(Object.fromEntries(Object.entries(user).map(([k, v]) => [k, v.value]))).toEqual({
      sessionId: '8f2b3c4d-1a2b-4c5d-9e8f-0a1b2c3d4e5f',
      stack: 'recorded-stack',
      user: 'alice@example.com',
      authType: 'saml',
    });
  });

  test('hostile values come out as text and nothing runs', () => {
    const { found, problems } = parseAppStreamVarsFile(text('appstream', 'appstream_user_vars_hostile.sh'), 'h.sh');
    expect(Object.fromEntries(Object.entries(found).map(([k, v]) => [k, v.value]))).toEqual({
      stack: '../../other-stack',
      user: 'bob"; touch /tmp/session-recorder-pwned #',
      sessionId: '$(touch /tmp/session-recorder-pwned)',
      authType: '`id`',
      fleet: 'fleet\nsecond-line',
      imageArn: "it's  quoted and escaped",
    });
    expect(problems).toEqual(['line 10: not a plain assignment, skipped', 'line 11: not a plain assignment, skipped']);
    expect(existsSync('/tmp/session-recorder-pwned')).toBe(false);
  });

  test('the source reads both files from disk; a missing file is not an error; a broken one is reported', async () => {
    const warnings: string[] = [];
    const source = createAppStreamLinuxFilesSource({
      readFile: (p) => readFile(p, 'utf8'),
      paths: [fixture('appstream', 'appstream_system_vars.sh'), fixture('appstream', 'nope.sh'), fixture('appstream', 'appstream_user_vars_unterminated.sh')],
      warn: (m) => warnings.push(m),
    });
    const found = await source.read();
    expect(found.fleet?.value).toBe('linux-recorded-fleet');
    expect(found.stack?.value).toBe('ok-stack');
    expect(found.user).toBeUndefined();
    expect(warnings).toEqual([`${fixture('appstream', 'appstream_user_vars_unterminated.sh')} line 2: unterminated quote; the rest of the file is ignored`]);
  });

  test('other read errors are not hidden', async () => {
    const source = createAppStreamLinuxFilesSource({ readFile: (p) => readFile(p, 'utf8'), paths: [fixture('appstream')] });
    await expect(source.read()).rejects.toThrow(/EISDIR/);
  });
});

describe('Windows registry', () => {
  test('parseRegQuery reads the four-space columns, names with spaces and empty data', () => {
    const values = parseRegQuery(text('windows', 'reg-query-environment.txt'));
    expect(values).toContainEqual({ name: 'OneDrive Consumer', type: 'REG_EXPAND_SZ', value: 'C:\\Users\\PhotonUser\\OneDrive' });
    expect(values).toContainEqual({ name: 'EmptyValue', type: 'REG_SZ', value: '' });
    expect(values).toHaveLength(10);
  });

  test('the user environment gives the user-context fields', () => {
    const found = parseRegistryEnvironment(text('windows', 'reg-query-environment.txt'), SID);
    expect(found).toEqual({
      sessionId: { value: '0c6a1f7e-5b2d-4e8a-9c3f-7d1e2b4a6c8e', source: `user-environment:HKU\\${SID}\\Environment:AppStream_Session_ID` },
      stack: { value: 'windows-stack', source: `user-environment:HKU\\${SID}\\Environment:AppStream_Stack_Name` },
      user: { value: 'alice@example.com', source: `user-environment:HKU\\${SID}\\Environment:AppStream_UserName` },
      authType: { value: 'userpool', source: `user-environment:HKU\\${SID}\\Environment:AppStream_User_Access_Mode` },
    });
  });

  test('hostile user values stay raw; machine fields a user planted are ignored; non-strings are ignored', () => {
    const found = parseRegistryEnvironment(text('windows', 'reg-query-environment-hostile.txt'), SID2);
    expect(found.user?.value).toBe('..\\..\\admin    with    gaps');
    expect(found.sessionId?.value).toBe('a/b\\c');
    expect(found.stack?.value).toBe('%COMPUTERNAME%');
    expect(found.fleet).toBeUndefined();
    expect(found.imageArn).toBeUndefined();
    expect(found.authType).toBeUndefined();
  });

  test('user SIDs of the loaded hives', () => {
    expect(parseUserSids(text('windows', 'reg-query-hku.txt'))).toEqual([SID]);
  });

  describe('the source', () => {
    const hives: Record<string, string> = { [SID]: text('windows', 'reg-query-environment.txt'), [SID2]: text('windows', 'reg-query-environment-hostile.txt') };
    const calls: string[][] = [];
    const runReg = (loaded: string[]) => async (args: readonly string[]) => {
      calls.push([...args]);
      if (args[1] === 'HKU') return `\r\n${loaded.map((s) => `HKEY_USERS\\${s}\r\nHKEY_USERS\\${s}_Classes`).join('\r\n')}\r\n`;
      const sid = /^HKU\\(.+)\\Environment$/.exec(args[1] ?? '')?.[1] ?? '';
      const out = hives[sid];
      if (out === undefined) throw new Error('ERROR: The system was unable to find the specified registry key or value.');
      return out;
    };

    test('a given SID is read directly', async () => {
      calls.length = 0;
      const found = await createWindowsRegistrySource({ runReg: runReg([]), sid: SID }).read();
      expect(found.user?.value).toBe('alice@example.com');
      expect(calls).toEqual([['query', `HKU\\${SID}\\Environment`]]);
      await expect(createWindowsRegistrySource({ runReg: runReg([]), sid: 'S-1-5; del' }).read()).rejects.toThrow(/not a SID/);
    });

    test('the only user hive with AppStream variables is used', async () => {
      expect((await createWindowsRegistrySource({ runReg: runReg([SID]) }).read()).sessionId?.value).toBe('0c6a1f7e-5b2d-4e8a-9c3f-7d1e2b4a6c8e');
    });

    test('on a multi-session host the hint picks the hive; without one nothing is guessed', async () => {
      const warnings: string[] = [];
      expect(await createWindowsRegistrySource({ runReg: runReg([SID, SID2]), warn: (m) => warnings.push(m) }).read()).toEqual({});
      expect(warnings[0]).toMatch(/^2 user hives .* hold AppStream variables/);
      const picked = await createWindowsRegistrySource({ runReg: runReg([SID, SID2]), sessionIdHint: 'a/b\\c' }).read();
      expect(picked.user?.value).toBe('..\\..\\admin    with    gaps');
    });
  });
});

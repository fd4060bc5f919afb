import path from 'node:path';
import { loadConfig, type LoadConfigInput } from '../../src/config/loadConfig';
import { configFilesEach, errorOf } from './configKit';

const base: LoadConfigInput = { flags: {}, env: {}, platform: 'linux', cwd: '/work/here' };
const load = (over: Partial<LoadConfigInput> = {}) => loadConfig({ ...base, ...over });

const files = configFilesEach('sr-config-');
const configFile = files.write;

describe('defaults', () => {
  test('Linux', () => {
    const c = load({ env: { DISPLAY: ':7' } });
    expect(c).toMatchObject({
      destination: { kind: 'file', url: 'file:///work/here/recordings', dir: '/work/here/recordings' },
      endpoint: undefined,
      checksumMode: 'WHEN_SUPPORTED',
      spoolDir: '/var/spool/session-recorder',
      runDir: '/run/session-recorder',
      sentinel: undefined,
      display: ':7',
      captureSource: 'x11grab',
      segmentSeconds: 60,
      frameRate: 5,
      drainTimeout: 50,
      stopTimeout: 5,
      killTimeout: 3,
      endTimeout: 55,
      ffmpegPath: 'ffmpeg',
      minFreeSpaceMb: 500,
      logLevel: 'info',
      insecure: false,
      inspectPort: undefined,
    });
    expect(load().display).toBe(':0');
    expect(c.origins.segmentSeconds).toBe('default');
  });

  test('Windows and macOS', () => {
    const win = load({ platform: 'win32', cwd: 'C:\\work', env: { PROGRAMDATA: 'D:\\PD' } });
    expect(win).toMatchObject({
      captureSource: 'gdigrab',
      display: 'desktop',
      spoolDir: 'D:\\PD\\session-recorder\\spool',
      runDir: 'D:\\PD\\session-recorder\\run',
    });
    expect(load({ platform: 'win32', cwd: 'C:\\work' }).spoolDir).toBe('C:\\ProgramData\\session-recorder\\spool');
    expect(load({ platform: 'darwin' }).captureSource).toBe('avfoundation');
  });

  test('an endpoint switches on WHEN_REQUIRED checksums, unless told otherwise (path style is implied by the endpoint)', () => {
    const c = load({ flags: { endpoint: 'http://127.0.0.1:4568' } });
    expect(c).toMatchObject({ checksumMode: 'WHEN_REQUIRED' });
    const told = load({ flags: { endpoint: 'https://s3.example.net' }, env: { SESSION_RECORDER_CHECKSUM_MODE: 'WHEN_SUPPORTED' } });
    expect(told).toMatchObject({ checksumMode: 'WHEN_SUPPORTED' });
    expect(() => load({ env: { SESSION_RECORDER_FORCE_PATH_STYLE: 'false' } })).toThrow(/SESSION_RECORDER_FORCE_PATH_STYLE/);
  });

  test('the sentinel defaults to <run-dir>/<sanitized session>/end once the session id is known', () => {
    expect(load({ flags: { sessionId: 'a/../b', runDir: '/r' } }).sentinel).toMatch(/^\/r\/a_\._b-[0-9a-f]{16}\/end$/);
    expect(load({ flags: { sessionId: 'S1' }, command: 'end' }).sentinel).toBe('/run/session-recorder/S1/end');
  });
});

describe('precedence: flags > env > file > defaults', () => {
  test('each layer overrides the next', () => {
    const file = configFile({ segmentSeconds: 10, frameRate: 2, drainTimeout: 30, user: 'from-file' });
    const c = load({
      flags: { config: file, segmentSeconds: '5' },
      env: { SESSION_RECORDER_SEGMENT_SECONDS: '7', SESSION_RECORDER_FRAME_RATE: '3' },
    });
    expect(c).toMatchObject({ segmentSeconds: 5, frameRate: 3, drainTimeout: 30, user: 'from-file', killTimeout: 3 });
    expect(c.origins).toMatchObject({ segmentSeconds: 'flag', frameRate: 'env', drainTimeout: 'file', killTimeout: 'default' });
    expect(c.configFile).toBe(file);
  });

  test('the config file can be named in the environment; empty variables are unset', () => {
    const file = configFile({ stack: 'S' });
    expect(load({ env: { SESSION_RECORDER_CONFIG_FILE: file, SESSION_RECORDER_STACK: '' } }).stack).toBe('S');
  });

  test('the full issue-2 command line', () => {
    const c = load({
      flags: {
        destination: 's3://my-bucket/recordings', endpoint: 'http://127.0.0.1:4568', region: 'us-east-1', display: ':9',
        spoolDir: 'spool', sentinel: '/tmp/s/end', segmentSeconds: '5', frameRate: '5', sessionId: 'ID', stack: 'S', fleet: 'F',
        user: 'U', drainTimeout: '50', insecure: true, inspect: '0',
      },
    });
    expect(c).toMatchObject({
      destination: { kind: 's3', bucket: 'my-bucket', prefix: 'recordings/' },
      spoolDir: '/work/here/spool', sentinel: '/tmp/s/end', sessionId: 'ID', insecure: true, inspectPort: 0,
    });
  });

  test('a bare --inspect uses the default port; options of other commands are not read', () => {
    expect(load({ flags: { inspect: true } }).inspectPort).toBe(7770);
    const end = load({ command: 'end', env: { SESSION_RECORDER_SEGMENT_SECONDS: 'abc' }, flags: { timeout: '10' } });
    expect(end.endTimeout).toBe(10);
    expect(end.segmentSeconds).toBe(60);
  });

  test('the result is deeply frozen', () => {
    const c = load({ flags: { destination: 's3://bucket-x/p/' } });
    expect(Object.isFrozen(c)).toBe(true);
    expect(Object.isFrozen(c.destination)).toBe(true);
    expect(Object.isFrozen(c.origins)).toBe(true);
  });
});

describe('strict numbers', () => {
  test.each([
    ['segmentSeconds', 'abc', '--segment-seconds: expected a whole number of seconds from 1 to 3600, got "abc"'],
    ['segmentSeconds', '-1', '--segment-seconds: expected a whole number of seconds from 1 to 3600, got "-1"'],
    ['segmentSeconds', '1.5', '--segment-seconds: expected a whole number of seconds from 1 to 3600, got "1.5"'],
    ['segmentSeconds', '0', '--segment-seconds: expected a whole number of seconds from 1 to 3600, got "0"'],
    ['segmentSeconds', ' 5', '--segment-seconds: expected a whole number of seconds from 1 to 3600, got " 5"'],
    ['segmentSeconds', '1e3', '--segment-seconds: expected a whole number of seconds from 1 to 3600, got "1e3"'],
    ['frameRate', '0', '--frame-rate: expected frames per second, more than 0 and at most 60, got "0"'],
    ['drainTimeout', '', '--drain-timeout: expected seconds, more than 0, got ""'],
    ['minFreeSpaceMb', '1.5', '--min-free-space-mb: expected a whole number of megabytes (0 or more), got "1.5"'],
    ['inspect', '70000', '--inspect: expected a TCP port from 0 to 65535 (bare --inspect: 7770), got "70000"'],
  ])('--%s %j', (flag, value, message) => {
    expect(errorOf(() => load({ flags: { [flag]: value } }))).toBe(message);
  });

  test('decimals are fine where an integer is not needed', () => {
    expect(load({ flags: { frameRate: '2.5', stopTimeout: '0.5' } })).toMatchObject({ frameRate: 2.5, stopTimeout: 0.5 });
  });

  test('JSON numbers go through the same checks', () => {
    expect(load({ flags: { config: configFile({ segmentSeconds: 30 }) } }).segmentSeconds).toBe(30);
    expect(errorOf(() => load({ flags: { config: configFile({ segmentSeconds: 1.5 }) } }))).toMatch(/^--segment-seconds: expected .*, got 1\.5 from "segmentSeconds" in .*config\.json$/);
    expect(errorOf(() => load({ flags: { config: configFile({ insecure: 'maybe' }) } }))).toMatch(/^--insecure: expected true or false, got "maybe" from "insecure" in /);
  });
});

describe('one-line errors for every source', () => {
  test('an environment variable is named', () => {
    expect(errorOf(() => load({ env: { SESSION_RECORDER_SEGMENT_SECONDS: 'abc' } }))).toBe(
      '--segment-seconds: expected a whole number of seconds from 1 to 3600, got "abc" from SESSION_RECORDER_SEGMENT_SECONDS',
    );
  });

  test('enums list what is accepted', () => {
    expect(errorOf(() => load({ flags: { checksumMode: 'when_required' } }))).toBe('--checksum-mode: expected WHEN_SUPPORTED or WHEN_REQUIRED, got "when_required"');
    expect(errorOf(() => load({ flags: { captureSource: 'v4l2' } }))).toBe('--capture-source: expected x11grab, gdigrab, avfoundation or lavfi, got "v4l2"');
  });

  test('destinations and endpoints', () => {
    expect(errorOf(() => load({ flags: { destination: 's3://A' } }))).toMatch(/^--destination: Bucket name "A" in destination "s3:\/\/A" is invalid: /);
    expect(errorOf(() => load({ env: { SESSION_RECORDER_DESTINATION: '/var/rec' } }))).toMatch(
      /^--destination: Destination "\/var\/rec" has an unknown scheme; expected s3:.* from SESSION_RECORDER_DESTINATION$/,
    );
    expect(errorOf(() => load({ flags: { destination: 's3://bucket/a/../b' } }))).toMatch(/^--destination: Prefix "a\/..\/b\/" .* is invalid/);
    expect(errorOf(() => load({ flags: { endpoint: 'http://key:secret@host' } }))).toMatch(/^--endpoint: expected an http:\/\/ or https:\/\/ URL without credentials/);
    expect(errorOf(() => load({ flags: { endpoint: 'ftp://host' } }))).toMatch(/^--endpoint: /);
  });

  test('control characters are shown escaped, on one line', () => {
    expect(errorOf(() => load({ flags: { user: 'a\nb' } }))).toBe('--user: expected non-empty text, got "a\\nb"');
  });

  test('config file problems', () => {
    expect(errorOf(() => load({ flags: { config: path.join(files.dir(), 'missing.json') } }))).toMatch(/^--config: cannot read .*missing\.json \(ENOENT\): give an existing JSON file$/);
    expect(errorOf(() => load({ flags: { config: configFile('{ nope') } }))).toMatch(/^--config: .*config\.json is not valid JSON \(.*\): fix the file$/);
    expect(errorOf(() => load({ flags: { config: configFile('[1]') } }))).toMatch(/must hold a JSON object/);
    expect(errorOf(() => load({ flags: { config: configFile({ segmentSecond: 5 }) } }))).toMatch(
      /^--config: unknown key "segmentSecond" in .*config\.json \(did you mean segmentSeconds\?\);/,
    );
    expect(errorOf(() => load({ flags: { config: configFile({ configFile: 'x' }) } }))).toMatch(/unknown key "configFile"/);
  });

  test('unknown SESSION_RECORDER_* variables are errors', () => {
    expect(errorOf(() => load({ env: { SESSION_RECORDER_SEGMENT_SECOND: '5' } }))).toBe(
      "SESSION_RECORDER_SEGMENT_SECOND: unknown setting (did you mean SESSION_RECORDER_SEGMENT_SECONDS?); unset it or use a variable from the README's configuration table",
    );
  });
});

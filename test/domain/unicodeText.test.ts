/**
 * Unicode: the same name in NFC and NFD gives the same key and matches the same `list` filter;
 * bidi controls in a logged value are escaped in the log text (the JSON still means the same).
 */
import { PassThrough } from 'node:stream';
import { matchesUser } from '../../src/auditor/sessionSummary';
import { exitCodeFor } from '../../src/cli';
import { ConfigError } from '../../src/domain/errors';
import { sanitizeComponent, sessionPrefix } from '../../src/domain/sanitize';
import { createLogger } from '../../src/logger';

const NFC = 'Jos\u00e9 Mu\u00f1oz';
const NFD = 'Jose\u0301 Mun\u0303oz';

test('NFC and NFD spellings of a name make one key', () => {
  expect(NFC).not.toBe(NFD);
  expect(sanitizeComponent(NFD)).toBe(sanitizeComponent(NFC));
  expect(sessionPrefix({ stack: 'Ventas Espa\u0301n\u0303a', fleet: 'f', sessionId: 's' })).toBe(sessionPrefix({ stack: 'Ventas Espán\u0303a'.normalize('NFC'), fleet: 'f', sessionId: 's' }));
  // An NFC name that needed no change still needs none (no hash suffix): keys of existing sessions stay.
  expect(sanitizeComponent('Jos\u00e9')).toBe('Jos\u00e9');
});

test('list --user matches the other normalization form, ignoring case', () => {
  expect(matchesUser(NFC, NFD.toUpperCase())).toBe(true);
  expect(matchesUser(NFD, NFC)).toBe(true);
  expect(matchesUser(NFC, 'Jose Munoz')).toBe(false);
});

test('bidi controls in logged values are escaped in the line, and parse back to the same value', async () => {
  const out = new PassThrough();
  let text = '';
  out.on('data', (c: Buffer) => (text += c.toString('utf8')));
  const hostile = 'alice\u202egpj.exe\u2066x\u2069\u200f\u061c';
  createLogger('info', out).info({ user: hostile }, `session of ${hostile}`);
  await new Promise((r) => setImmediate(r));
  expect(text).not.toMatch(/[\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/);
  expect(text).toContain('alice\\u202egpj.exe\\u2066x\\u2069\\u200f\\u061c');
  const line = JSON.parse(text) as { user: string; msg: string };
  expect([line.user, line.msg]).toEqual([hostile, `session of ${hostile}`]);
});

test("the one-line error on stderr escapes them too", () => {
  expect(exitCodeFor(new ConfigError('--session-id: got "a\u202eb"')).message).toBe('session-recorder: --session-id: got "a\\u202eb"');
});

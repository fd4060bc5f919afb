import { parseSessionFile, serializeSessionFile } from '../../src/domain/sessionFile';
import { serializeMetadata, type SessionMetadata } from '../../src/domain/sessionMetadata';

const metadata: SessionMetadata = {
  sessionId: 's-1', stack: 'stack', fleet: 'fleet', user: 'alice', platform: 'linux', sources: {}, startedAt: '2026-11-27T06:00:00.000Z', recorderVersion: '0.1.0',
};

test('what the recorder writes, recover reads back as it was', () => {
  const text = serializeSessionFile({ metadata, sessionPrefix: 'stack/fleet/s-1/', destination: 's3://b/p/', endpoint: 'http://127.0.0.1:9000', checksumMode: 'WHEN_REQUIRED' });
  expect(parseSessionFile(text)).toEqual({
    format: 'session-recorder.session/1', metadata, sessionPrefix: 'stack/fleet/s-1/', destination: 's3://b/p/', endpoint: 'http://127.0.0.1:9000', checksumMode: 'WHEN_REQUIRED',
  });
});

test.each([
  ['another format', { format: 'x/1' }, /"format" is invalid/],
  ['metadata without a session id', { metadata: { startedAt: 'now' } }, /"metadata.sessionId" is invalid/],
  ['an empty key prefix', { sessionPrefix: '' }, /"sessionPrefix" is invalid/],
  ['an unknown checksum mode', { checksumMode: 'ALWAYS' }, /"checksumMode" is invalid/],
])('refuses %s, naming the field', (_name, change, says) => {
  const good = JSON.parse(serializeSessionFile({ metadata, sessionPrefix: 'stack/fleet/s-1/', destination: 'file:///r' })) as object;
  expect(() => parseSessionFile(JSON.stringify({ ...good, ...change }))).toThrow(says);
});

test('refuses text that is not JSON', () => {
  expect(() => parseSessionFile('{')).toThrow(/Expected session.json to be JSON/);
});

test('the metadata read back serializes to the same bytes (recover re-uploads the same object)', () => {
  const text = serializeSessionFile({ metadata, sessionPrefix: 'stack/fleet/s-1/', destination: 'file:///r' });
  expect(serializeMetadata(parseSessionFile(text).metadata).equals(serializeMetadata(metadata))).toBe(true);
});

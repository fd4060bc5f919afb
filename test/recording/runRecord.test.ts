/**
 * `record` is done when its work is: once everything is durable and runRecord resolved, no timer
 * it started is still pending (one was: the process then lingered about a second before exiting).
 * Asked of the event loop, not measured on the clock.
 */
import { EventEmitter } from 'node:events';
import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import pino from 'pino';
import { loadConfig } from '../../src/config/loadConfig';
import { ExitCode } from '../../src/domain/errors';
import { runRecord } from '../../src/recording/runRecord';
import { trackTimers } from '../helpers/pendingTimers';
import { tempDirEach } from '../helpers/tempDir';

const tempDir = tempDirEach('run-record-');

test('when record resolves, everything is durable and no timer of it is left pending', async () => {
  const root = tempDir();
  const config = loadConfig({
    flags: {
      captureSource: 'lavfi', maxDuration: '3', destination: `file://${join(root, 'dest')}`, spoolDir: join(root, 'spool'),
      sentinel: join(root, 'run', 'end'), sessionId: 's-1', stack: 'st', fleet: 'fl', user: 'u', drainTimeout: '20',
    },
    env: {}, platform: 'linux', cwd: root, command: 'record',
  });
  const printed: string[] = [];
  const timers = trackTimers();
  const code = await runRecord(config, {
    env: {}, platform: 'linux', logger: pino({ level: 'silent' }), version: 'test', print: (line) => printed.push(line),
    stdout: new PassThrough(), cwd: root, signals: new EventEmitter() as unknown as Pick<NodeJS.Process, 'on' | 'off'>,
  });
  const pending = timers.stillPending();

  expect({ code, printed }).toEqual({ code: ExitCode.ok, printed: [expect.stringMatching(/^Recorded [1-9]\d* segment\(s\)/)] });
  expect((await readdir(join(root, 'dest', 'st', 'fl', 's-1'))).sort()).toEqual(expect.arrayContaining(['end.json', 'manifest.json']));
  expect(pending.map((t) => (t as unknown as { _onTimeout: { name?: string } })._onTimeout.toString().slice(0, 200))).toEqual([]);
});

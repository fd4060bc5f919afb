import { connect } from 'node:net';
import { PassThrough } from 'node:stream';
import { createActor, fromCallback, type InspectionEvent } from 'xstate';
import { attachInspector, attachJsonLines, combineInspect } from '../../src/inspector/attach';
import { recorderMachine } from '../../src/machines/recorderMachine';
import { layout, testConfig } from '../machines/fakeActors';
import { fetchText } from './httpClient';

const quiet = () => undefined;
const machine = recorderMachine.provide({
  actors: { ffmpeg: fromCallback(quiet), displayPoller: fromCallback(quiet), segmentWatcher: fromCallback(quiet), sentinelWatcher: fromCallback(quiet), uploader: fromCallback(quiet) },
});

function refused(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host: '127.0.0.1', port });
    socket.once('connect', () => {
      socket.destroy();
      resolve(false);
    });
    socket.once('error', () => resolve(true));
  });
}

describe('attachInspector', () => {
  test('serves the machine given to createActor, logs its URL, mirrors the records as JSON lines, and closes', async () => {
    const logged: { obj: object; msg?: string }[] = [];
    const logger = { info: (obj: object, msg?: string) => logged.push({ obj, msg }), warn: (obj: object, msg?: string) => logged.push({ obj, msg }) };
    const jsonLines = new PassThrough();
    let lines = '';
    jsonLines.on('data', (d: Buffer) => (lines += d.toString()));

    const inspector = await attachInspector({ port: 0, machine: recorderMachine, logger, jsonLines });
    expect(inspector.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/$/);
    expect(logged).toContainEqual({ obj: { url: inspector.url }, msg: `inspector: open ${inspector.url}` });

    const actor = createActor(machine, { input: { config: testConfig }, inspect: inspector.inspect });
    actor.start();
    actor.send({ type: 'display.detected', layout: layout(1280, 720) });
    const status = JSON.parse((await fetchText(`${inspector.url}status.json`)).body) as { state: string };
    expect(status.state).toBe('recording');
    expect(lines.trim().split('\n').map((l) => JSON.parse(l) as { event: string; to: string })).toEqual([
      expect.objectContaining({ event: 'xstate.init', to: 'idle' }),
      expect.objectContaining({ event: 'display.detected', from: 'idle', to: 'recording' }),
    ]);

    actor.stop();
    const port = Number(new URL(inspector.url).port);
    await inspector.close();
    expect(await refused(port)).toBe(true);
  });

  test('attachJsonLines alone, and combineInspect feeding two inspectors', () => {
    const output = new PassThrough();
    let text = '';
    output.on('data', (d: Buffer) => (text += d.toString()));
    const lines = attachJsonLines({ machine: recorderMachine, output });
    const seen: string[] = [];
    const inspect = combineInspect(lines.inspect, undefined, (e: InspectionEvent) => seen.push(e.type));
    const actor = createActor(machine, { input: { config: testConfig }, inspect });
    actor.start();
    actor.send({ type: 'recorder.stop', reason: 'SIGTERM' });
    actor.stop();
    lines.close();
    expect(text.trim().split('\n').map((l) => JSON.parse(l) as { event: string; to: string })).toEqual([
      expect.objectContaining({ event: 'xstate.init', to: 'idle' }),
      expect.objectContaining({ event: 'recorder.stop', to: 'draining.finalizing', detail: { reason: 'SIGTERM' } }),
      expect.objectContaining({ event: 'xstate.stop', to: 'draining.finalizing', changed: false }),
    ]);
    expect(lines.stream.status().status).toBe('stopped');
    expect(seen).toContain('@xstate.snapshot');
  });
});

import { connect } from 'node:net';
import { networkInterfaces } from 'node:os';
import { layoutGraph, type GraphLayout } from '../../src/inspector/graphLayout';
import { createInspectionStream, type InspectionStream } from '../../src/inspector/inspectionStream';
import { startInspector, type InspectorServer } from '../../src/inspector/inspectorServer';
import { buildMachineGraph } from '../../src/inspector/machineGraph';
import { recorderMachine } from '../../src/machines/recorderMachine';
import { durable, layout, segment, startRecorder } from '../machines/fakeActors';
import { fetchText, readJsonLines, readSse, type SseEvent } from './httpClient';

const graph = buildMachineGraph(recorderMachine);
let laidOut: GraphLayout;
beforeAll(async () => {
  laidOut = await layoutGraph(graph);
}, 60_000);

let server: InspectorServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

async function serve(): Promise<{ server: InspectorServer; stream: InspectionStream; r: ReturnType<typeof startRecorder> }> {
  const stream = createInspectionStream({ graph });
  const r = startRecorder();
  r.clock.set(Date.now());
  stream.observe(r.actor);
  server = await startInspector({ port: 0, host: '127.0.0.1', graph, stream, layout: laidOut });
  return { server, stream, r };
}

/** Resolves with the connection error code, or "connected". */
function tryConnect(host: string, port: number): Promise<string> {
  return new Promise((resolve) => {
    const socket = connect({ host, port });
    socket.setTimeout(3_000, () => {
      socket.destroy();
      resolve('timeout');
    });
    socket.once('connect', () => {
      socket.destroy();
      resolve('connected');
    });
    socket.once('error', (err: NodeJS.ErrnoException) => resolve(err.code ?? err.message));
  });
}

describe('startInspector', () => {
  test('listens on 127.0.0.1 only', async () => {
    const { server: s } = await serve();
    expect(s.url).toBe(`http://127.0.0.1:${s.port}/`);
    expect(await tryConnect('127.0.0.1', s.port)).toBe('connected');
    expect(await tryConnect('::1', s.port)).not.toBe('connected');
    const external = Object.values(networkInterfaces()).flat().filter((i) => i && !i.internal && i.family === 'IPv4');
    for (const address of external) expect(await tryConnect(address!.address, s.port)).toBe('ECONNREFUSED');
    await expect(startInspector({ port: 0, host: '0.0.0.0' as '127.0.0.1', graph, stream: createInspectionStream({ graph }) })).rejects.toThrow(
      'Expected the inspector host to be 127.0.0.1 (it serves on loopback only), got "0.0.0.0"',
    );
  });

  test('is read-only and answers only to loopback host names', async () => {
    const { server: s } = await serve();
    expect((await fetchText(s.url, { method: 'POST' })).status).toBe(405);
    expect((await fetchText(`${s.url}status.json`, { method: 'DELETE' })).status).toBe(405);
    expect((await fetchText(s.url, { headers: { Host: 'attacker.example:80' } })).status).toBe(403);
    expect((await fetchText(`http://localhost:${s.port}/status.json`)).status).toBe(200);
    expect((await fetchText(`${s.url}nope`)).status).toBe(404);
  });

  test('serves the page (no external resources), the graph with its layout, and the status', async () => {
    const { server: s, r } = await serve();
    r.say('displayPoller', { type: 'display.detected', layout: layout(1280, 720) });
    const page = await fetchText(s.url);
    expect(page.status).toBe(200);
    expect(page.headers['content-type']).toBe('text/html; charset=utf-8');
    expect(page.headers['content-security-policy']).toContain("default-src 'none'");
    expect(page.body).not.toMatch(/https?:\/\//);
    for (const asset of ['app.js', 'app.css']) {
      const reply = await fetchText(`${s.url}${asset}`);
      expect(reply.status).toBe(200);
      expect(reply.body).not.toMatch(/https?:\/\/(?!www\.w3\.org\/2000\/svg)/);
      if (asset === 'app.js') expect(() => new Function(reply.body)).not.toThrow(); // the script parses
    }
    const body = JSON.parse((await fetchText(`${s.url}graph.json`)).body) as { graph: typeof graph; layout: GraphLayout };
    expect(body.graph).toEqual(JSON.parse(JSON.stringify(graph)));
    expect(body.layout.nodes).toHaveLength(graph.nodes.length);
    const status = JSON.parse((await fetchText(`${s.url}status.json`)).body) as { state: string };
    expect(status.state).toBe('recording');
  });

  test('server-sent events: the history first, then each transition pushed as it happens', async () => {
    const { server: s, r } = await serve();
    r.say('displayPoller', { type: 'display.detected', layout: layout(1280, 720) });
    r.ffmpeg.start();
    const events = await readSse(`${s.url}events`);
    try {
      const init = (await events.waitFor((e) => e.event === 'init', 15_000, 'init')).data as { status: { state: string }; history: { event: string }[] };
      expect(init.status.state).toBe('recording');
      expect(init.history.map((h) => h.event)).toEqual(['inspector.attached', 'display.detected', 'ffmpeg.started']);

      r.say('sentinelWatcher', { type: 'sentinel.appeared', path: '/run/rec/end' });
      const isDrain = (e: SseEvent): boolean => e.event === 'transition' && (e.data as { record: { event: string } }).record.event === 'sentinel.appeared';
      const pushed = (await events.waitFor(isDrain, 15_000, 'the sentinel transition')).data as {
        record: { from: string; to: string; seq: number };
        status: { state: string };
      };
      expect(pushed.record).toMatchObject({ from: 'recording', to: 'draining.flushing.stopping' });
      expect(events.items.find(isDrain)?.id).toBe(String(pushed.record.seq));

      r.say('segmentWatcher', { type: 'segments.runSettled', runId: 'run-1' });
      r.say('uploader', { type: 'upload.finalized', leftInSpool: 0 });
      await events.waitFor((e) => e.event === 'transition' && (e.data as { status: { state: string } }).status.state === 'finished', 15_000, 'finished');

      // closing the server ends the stream with a last "end" event carrying the final status
      await s.close();
      server = undefined;
      await events.waitForEnd(15_000);
      expect(events.items.at(-1)).toMatchObject({ event: 'end', data: { status: { state: 'finished', status: 'done' } } });
    } finally {
      events.close();
    }
  });

  test('events.jsonl: history then live lines; ?follow=0 gives the history and ends', async () => {
    const { server: s, r } = await serve();
    r.say('displayPoller', { type: 'display.detected', layout: layout(1280, 720) });
    r.ffmpeg.start();
    const lines = await readJsonLines(`${s.url}events.jsonl`);
    try {
      await lines.waitFor((l) => l.event === 'ffmpeg.started', 15_000, 'the history');
      r.say('segmentWatcher', { type: 'segment.closed', segment: segment('run-1', 0) });
      r.say('uploader', { type: 'upload.done', segment: durable(segment('run-1', 0)), pending: 0 });
      const done = await lines.waitFor((l) => l.event === 'upload.done', 15_000, 'the upload.done line');
      expect(done).toMatchObject({ from: 'recording', to: 'recording', changed: false, detail: { key: 's/f/x/0-video.mp4', bytes: 1000, pending: 0 } });
      expect(lines.items.map((l) => l.seq)).toEqual([1, 2, 3, 4, 5]);
    } finally {
      lines.close();
    }
    const once = await fetchText(`${s.url}events.jsonl?follow=0`);
    expect(once.headers['content-type']).toBe('application/jsonl; charset=utf-8');
    expect(once.body.trim().split('\n').map((l) => (JSON.parse(l) as { event: string }).event)).toEqual([
      'inspector.attached', 'display.detected', 'ffmpeg.started', 'segment.closed', 'upload.done',
    ]);
  });
});

/**
 * `record --inspect PORT` with PORT already taken records anyway, without the inspector, saying
 * so in one warning (before: exit 1 with a stack trace, after the metadata was uploaded). And the
 * live page's streams are capped: one client too many gets 503, not another open connection.
 * The built CLI (lavfi source, file:// destination) and a real inspector server over HTTP.
 */
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { request } from 'node:http';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { layoutGraph } from '../../src/inspector/graphLayout';
import { createInspectionStream } from '../../src/inspector/inspectionStream';
import { MAX_LIVE_CLIENTS, startInspector } from '../../src/inspector/inspectorServer';
import { buildMachineGraph } from '../../src/inspector/machineGraph';
import { recorderMachine } from '../../src/machines/recorderMachine';
import { runCli } from '../helpers/cli';

jest.setTimeout(120_000);

let work: string;
let blocker: Server;
let port: number;
beforeAll(async () => {
  work = await mkdtemp(join(tmpdir(), 'inspect-port-'));
  blocker = createServer();
  await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve));
  port = (blocker.address() as { port: number }).port;
});
afterAll(async () => {
  await new Promise((resolve) => blocker?.close(resolve));
  if (work) await rm(work, { recursive: true, force: true });
});

test('a taken --inspect port: one warning, the session is recorded anyway (exit 0)', async () => {
  const result = await runCli([
    'record', '--capture-source', 'lavfi', '--destination', `file://${join(work, 'dest')}`, '--spool-dir', join(work, 'spool'),
    '--run-dir', join(work, 'run'), '--insecure', '--session-id', 'sess-inspect', '--stack', 's', '--fleet', 'f', '--user', 'u',
    '--segment-seconds', '1', '--frame-rate', '5', '--max-duration', '3', '--inspect', String(port),
  ], { cwd: work }).done;
  const warnings = result.stderr.split('\n').filter((l) => l.includes('"level":40') && l.includes('inspect'));
  expect(warnings).toEqual([expect.stringContaining(`127.0.0.1:${port} is in use: recording without the inspector`)]);
  expect(result.stderr).not.toMatch(/unexpected failure|EADDRINUSE.*\n\s+at /);
  expect(result.code).toBe(0);
  expect(existsSync(join(work, 'dest', 's', 'f', 'sess-inspect', 'end.json'))).toBe(true);
});

test(`at most ${MAX_LIVE_CLIENTS} live streams at once; a closed one frees its place`, async () => {
  const graph = buildMachineGraph(recorderMachine);
  const server = await startInspector({ port: 0, host: '127.0.0.1', graph, stream: createInspectionStream({ graph }), layout: await layoutGraph(graph) });
  const open = (path: string) =>
    new Promise<{ status: number; close(): void }>((resolve, reject) => {
      const req = request(`${server.url}${path.slice(1)}`, (res) => resolve({ status: res.statusCode ?? 0, close: () => req.destroy() }));
      req.on('error', reject);
      req.end();
    });
  try {
    const streams = [];
    for (let i = 0; i < MAX_LIVE_CLIENTS; i++) streams.push(await open(i % 2 ? '/events' : '/events.jsonl'));
    expect(streams.map((s) => s.status)).toEqual(Array(MAX_LIVE_CLIENTS).fill(200));
    const extra = await open('/events');
    expect(extra.status).toBe(503);
    extra.close();
    streams[0]?.close();
    // The server sees the close a moment later: wait for the place to be free (generous deadline).
    const deadline = Date.now() + 15_000;
    let again = await open('/events');
    while (again.status !== 200 && Date.now() < deadline) {
      again.close();
      await new Promise((r) => setTimeout(r, 100));
      again = await open('/events');
    }
    expect(again.status).toBe(200);
    again.close();
    for (const s of streams) s.close();
  } finally {
    await server.close();
  }
});

/**
 * The inspector in one call, for `record --inspect [port]` and `--inspect-json`.
 *
 *   const inspector = await attachInspector({ port, machine: recorderMachine, logger });
 *   const actor = createActor(recorderMachine.provide({ actors }), { input, inspect: inspector.inspect });
 *   actor.start();
 *   ...                                      // when the actor is done (or on the way out):
 *   await inspector.close();                 // pages see the end; the port is released
 *
 * - `port`: TCP port on 127.0.0.1 (never any other address); 0 picks a free one. The URL is
 *   logged at info level as `{ url }` with the message "inspector: open <url>" and returned.
 * - `machine`: the machine definition; only its structure is read (provided or not).
 * - `jsonLines`: optional stream that also gets every record as one JSON line
 *   ({ seq, time, event, detail, from, to, changed, edges }): process.stdout for `--inspect-json`.
 * - The page: statechart with the live state, event log, FFmpeg, upload queue and totals.
 *   The same records: GET /events.jsonl (live) or /events.jsonl?follow=0 (history only).
 *
 * Without a server (`--inspect-json` alone), use `attachJsonLines`. To give createActor one
 * `inspect` that also logs transitions, use `combineInspect(a, b)`. `saveStandalonePage(file,
 * machine)` writes one self-contained HTML file that works from file:// (no server) and replays
 * an events.jsonl opened in it: put it next to the JSON lines in the spool.
 */
import { writeFile } from 'node:fs/promises';
import type { AnyStateMachine, InspectionEvent } from 'xstate';
import { layoutGraph } from './graphLayout';
import { createInspectionStream, type InspectionStream } from './inspectionStream';
import { startInspector, type InspectorLogger } from './inspectorServer';
import { buildMachineGraph } from './machineGraph';
import { readPageScript } from '../pageScripts';
import { standalonePageHtml } from './page';

export interface AttachInspectorOptions {
  readonly port: number;
  readonly machine: AnyStateMachine;
  readonly logger?: InspectorLogger;
  readonly jsonLines?: NodeJS.WritableStream;
  /** Records kept for pages that connect late; default 500. */
  readonly historyLimit?: number;
}

export interface AttachedInspector {
  /** Give to `createActor(machine, { inspect })`. */
  readonly inspect: (event: InspectionEvent) => void;
  /** "http://127.0.0.1:<port>/". */
  readonly url: string;
  readonly stream: InspectionStream;
  close(): Promise<void>;
}

export async function attachInspector(options: AttachInspectorOptions): Promise<AttachedInspector> {
  const graph = buildMachineGraph(options.machine);
  const stream = createInspectionStream({ graph, historyLimit: options.historyLimit });
  const stopLines = options.jsonLines ? pipeJsonLines(stream, options.jsonLines) : () => undefined;
  const server = await startInspector({ port: options.port, host: '127.0.0.1', graph, stream, logger: options.logger });
  options.logger?.info({ url: server.url }, `inspector: open ${server.url}`);
  return {
    inspect: stream.inspect,
    url: server.url,
    stream,
    close: async () => {
      stopLines();
      await server.close();
    },
  };
}

export interface JsonLinesInspector {
  readonly inspect: (event: InspectionEvent) => void;
  readonly stream: InspectionStream;
  close(): void;
}

/** Only the JSON lines, no server: one line per event the machine processed. */
export function attachJsonLines(options: { readonly machine: AnyStateMachine; readonly output: NodeJS.WritableStream }): JsonLinesInspector {
  const stream = createInspectionStream({ graph: buildMachineGraph(options.machine), historyLimit: 50 });
  const stop = pipeJsonLines(stream, options.output);
  return { inspect: stream.inspect, stream, close: stop };
}

/** One `inspect` callback that calls each given one; undefined entries are skipped. */
export function combineInspect(...inspects: (((event: InspectionEvent) => void) | undefined)[]): (event: InspectionEvent) => void {
  const list = inspects.filter((f): f is (event: InspectionEvent) => void => f !== undefined);
  return (event) => {
    for (const f of list) f(event);
  };
}

function pipeJsonLines(stream: InspectionStream, output: NodeJS.WritableStream): () => void {
  return stream.subscribe(({ record }) => {
    output.write(`${JSON.stringify(record)}\n`);
  });
}

/** Writes the standalone page (statechart laid out, style and script inlined) to `file`. */
export async function saveStandalonePage(file: string, machine: AnyStateMachine, stream?: InspectionStream): Promise<void> {
  const graph = buildMachineGraph(machine);
  const html = standalonePageHtml(
    { title: `${graph.machineId} inspector` },
    { graph, layout: await layoutGraph(graph), history: stream?.history(), status: stream?.status() },
    await readPageScript('inspector'),
  );
  await writeFile(file, html, { mode: 0o644 });
}

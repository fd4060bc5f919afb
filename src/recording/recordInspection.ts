import { createWriteStream, type WriteStream } from 'node:fs';
import { createServer } from 'node:net';
import { resolve } from 'node:path';
import type { AnyStateMachine, InspectionEvent } from 'xstate';
import type { Logger } from 'pino';
import { attachInspector, attachJsonLines, combineInspect, saveStandalonePage, type AttachedInspector, type JsonLinesInspector } from '../inspector/attach';
import type { InspectionStream } from '../inspector/inspectionStream';
import { describeTransition } from '../transitionLog';

export interface RecordInspection {
  /** For `createActor(machine, { inspect })`. */
  readonly inspect: (event: InspectionEvent) => void;
  /** Call once the actor exists: only its own transitions are logged. */
  setRoot(root: unknown): void;
  /** After the machine finished: pushes the final state to open pages, closes files and the server. */
  close(): Promise<void>;
}

export interface RecordInspectionOptions {
  readonly machine: AnyStateMachine;
  readonly logger: Logger;
  /** `--inspect [port]`: serve the live page on 127.0.0.1. */
  readonly port: number | undefined;
  /** `--inspect-json <file>`: JSON lines of every transition ('-' for stdout) plus FILE.html that replays them offline. */
  readonly jsonFile: string | undefined;
  readonly cwd: string;
  readonly stdout: NodeJS.WritableStream;
}

/**
 * Everything that watches the statechart while `record` runs: the transition log (always), the
 * live inspector page and the JSON-lines stream (development aids, off by default).
 */
export async function startRecordInspection(options: RecordInspectionOptions): Promise<RecordInspection> {
  let root: unknown;
  const logTransition = (event: InspectionEvent) => {
    const line = describeTransition(event, root);
    if (line) options.logger.info(line.fields, line.message);
  };
  let file: WriteStream | undefined;
  const jsonPath = options.jsonFile === undefined || options.jsonFile === '-' ? undefined : resolve(options.cwd, options.jsonFile);
  const jsonOutput = options.jsonFile === undefined ? undefined : jsonPath === undefined ? options.stdout : (file = createWriteStream(jsonPath, { flags: 'a' }));

  let server: AttachedInspector | undefined;
  let lines: JsonLinesInspector | undefined;
  let stream: InspectionStream | undefined;
  if (options.port !== undefined) {
    // A development aid never stops a recording: the port was checked before anything was
    // written (inspectPortProblem), but another process can take it in between.
    server = await attachInspector({ port: options.port, machine: options.machine, logger: options.logger, ...(jsonOutput ? { jsonLines: jsonOutput } : {}) }).catch(
      (error: Error) => {
        options.logger.warn({ port: options.port, err: error.message }, `inspector: 127.0.0.1:${options.port} is in use: recording without the inspector`);
        return undefined;
      },
    );
  }
  if (server !== undefined) {
    stream = server.stream;
  } else if (jsonOutput) {
    lines = attachJsonLines({ machine: options.machine, output: jsonOutput });
    stream = lines.stream;
  }
  return {
    inspect: combineInspect(logTransition, server?.inspect, lines?.inspect),
    setRoot: (value) => {
      root = value;
    },
    close: async () => {
      await server?.close();
      lines?.close();
      if (jsonPath !== undefined) {
        await saveStandalonePage(`${jsonPath}.html`, options.machine, stream).catch((error: Error) =>
          options.logger.warn({ err: error.message }, 'could not write the offline inspector page'),
        );
      }
      await new Promise<void>((done) => (file ? file.end(done) : done()));
    },
  };
}

/**
 * Why `--inspect PORT` cannot be served (the port is taken or not ours to bind), or undefined.
 * Checked before anything is written, so the warning comes first and the recording goes on.
 */
export async function inspectPortProblem(port: number): Promise<string | undefined> {
  if (port === 0) return undefined;
  const probe = createServer();
  return new Promise((resolve) => {
    probe.once('error', (error: NodeJS.ErrnoException) => resolve(error.code ?? error.message));
    probe.listen(port, '127.0.0.1', () => probe.close(() => resolve(undefined)));
  });
}

/**
 * Records a real short session with the built CLI (`record --max-duration`), for the auditor's
 * tests: the lavfi test pattern (no screen needed: testsrc2 draws a moving picture and its own
 * timestamp) or an X display.
 */
import { join } from 'node:path';
import { runCli } from './cli';

export interface RecordOptions {
  readonly destination: string;
  /** Working directory for the spool and run dirs (unique per session). */
  readonly work: string;
  readonly env: NodeJS.ProcessEnv;
  readonly sessionId: string;
  readonly stack: string;
  readonly fleet: string;
  readonly user: string;
  readonly seconds: number;
  readonly segmentSeconds?: number;
  /** An X display to capture with x11grab; lavfi when absent. */
  readonly display?: string;
  /** --endpoint and the like. */
  readonly extra?: readonly string[];
}

export async function recordSession(options: RecordOptions): Promise<void> {
  const dir = join(options.work, options.sessionId);
  const source = options.display === undefined ? ['--capture-source', 'lavfi'] : ['--capture-source', 'x11grab', '--display', options.display];
  const result = await runCli(
    [
      'record', '--destination', options.destination, ...(options.extra ?? []), ...source,
      '--spool-dir', join(dir, 'spool'), '--run-dir', join(dir, 'run'), '--insecure',
      '--segment-seconds', String(options.segmentSeconds ?? 2), '--frame-rate', '5', '--max-duration', String(options.seconds),
      '--session-id', options.sessionId, '--stack', options.stack, '--fleet', options.fleet, '--user', options.user,
    ],
    { env: options.env, cwd: options.work },
  ).done;
  if (result.code !== 0) throw new Error(`record ${options.sessionId} exited ${result.code}: ${result.stderr.slice(-2000)}`);
}

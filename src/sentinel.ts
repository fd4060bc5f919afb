import { watch } from 'node:fs';
import { mkdir, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';

/**
 * What `session-recorder end --sentinel FILE --timeout 55` does: create the sentinel (and its
 * directory, mode 0700, if needed), then wait until the recorder has drained and deleted it.
 * The CLI maps the result to an exit code: vanished → 0, timed out → 4.
 *
 * The directory is watched (fs.watch) before the file is written, so a deletion that follows at
 * once is not missed; every event in the directory re-checks the file, so no event coalescing can
 * hide the deletion. A sentinel that was already there (written by the hook itself, or an earlier
 * `end`) is fine. On a time-out the sentinel is left in place: a recorder still draining deletes
 * it when done, and one started later for the same session ends at once.
 */
export interface RequestEndInput {
  readonly sentinelPath: string;
  readonly timeoutMs: number;
  /** Written into the sentinel, for whoever looks at it. */
  readonly pid: number;
  readonly now: Date;
}

export interface RequestEndResult {
  readonly vanished: boolean;
  readonly waitedMs: number;
}

export async function requestEnd(input: RequestEndInput): Promise<RequestEndResult> {
  const target = path.resolve(input.sentinelPath);
  const dir = path.dirname(target);
  const base = path.basename(target);
  await mkdir(dir, { recursive: true, mode: 0o700 });
  const started = performance.now();
  return new Promise<RequestEndResult>((resolve, reject) => {
    let done = false;
    const watcher = watch(dir, { persistent: true });
    const finish = (vanished: boolean, error?: unknown): void => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      watcher.close();
      if (error === undefined) resolve({ vanished, waitedMs: Math.round(performance.now() - started) });
      else reject(error);
    };
    const check = (): void => {
      stat(target).then(
        () => undefined,
        (err: NodeJS.ErrnoException) => (err.code === 'ENOENT' ? finish(true) : finish(false, err)),
      );
    };
    const timer = setTimeout(() => finish(false), input.timeoutMs);
    watcher.on('change', (_event, filename) => {
      if (filename === null || filename.toString() === base) check();
    });
    watcher.on('error', (err) => finish(false, err));
    const body = `${JSON.stringify({ requestedBy: 'session-recorder end', pid: input.pid, at: input.now.toISOString() })}\n`;
    writeFile(target, body, { mode: 0o600 }).then(check, (err: unknown) => finish(false, err));
  });
}

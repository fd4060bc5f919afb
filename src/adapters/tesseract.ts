/**
 * Debian's tesseract (`tesseract-ocr`, `tesseract-ocr-eng` 5.3) as a child process: one run per
 * segment in batch mode (`tesseract list.txt stdout tsv`: one page per image; measured ~25 % less
 * CPU than a process per frame, which reloads the model each time). OpenMP is held to one thread
 * (OMP_THREAD_LIMIT=1): `search` runs one tesseract per core instead, and OpenMP's spinning
 * threads cost more system time than they save on 2 cores. Own process group; killed as a tree
 * at the deadline.
 */
import { spawnDetached, killTree } from './processTree';

export class ToolMissingError extends Error {
  override readonly name = 'ToolMissingError';
}

/** One line: what is missing and how to install it. */
export function tesseractMissingMessage(path: string, cause: string): string {
  return (
    `tesseract cannot be run at "${path}" (${cause}): install it (Debian/Ubuntu: apt-get install tesseract-ocr tesseract-ocr-eng) ` +
    'or pass --tesseract-path; --no-ocr searches window titles only'
  );
}

export interface ToolRun {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
  readonly stdout: string;
  readonly stderr: string;
  readonly timedOut: boolean;
}

/** Runs tesseract to its end; rejects with ToolMissingError when it cannot be started. */
export function runTesseract(path: string, args: readonly string[], options: { timeoutMs: number; env: NodeJS.ProcessEnv; maxOutputChars?: number }): Promise<ToolRun> {
  const max = options.maxOutputChars ?? 64 * 1024 * 1024;
  return new Promise((resolve, reject) => {
    const child = spawnDetached(path, args, { stdio: ['ignore', 'pipe', 'pipe'], env: { ...options.env, OMP_THREAD_LIMIT: '1' } });
    let stdout = '';
    let stderr = '';
    let timedOut = false;
    child.stdout?.setEncoding('utf8');
    child.stderr?.setEncoding('utf8');
    const stop = (): void => {
      if (child.pid !== undefined) void killTree(child.pid, 'SIGKILL');
    };
    child.stdout?.on('data', (d: string) => {
      stdout += d;
      if (stdout.length > max) stop();
    });
    child.stderr?.on('data', (d: string) => (stderr = (stderr + d).slice(-4000)));
    const timer = setTimeout(() => {
      timedOut = true;
      stop();
    }, options.timeoutMs);
    child.once('error', (e: NodeJS.ErrnoException) => {
      clearTimeout(timer);
      reject(new ToolMissingError(tesseractMissingMessage(path, e.code ?? e.message), { cause: e }));
    });
    child.once('close', (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal, stdout, stderr, timedOut });
    });
  });
}

/** Checks that tesseract runs and has English; throws ToolMissingError saying how to fix it. */
export async function checkTesseract(path: string, env: NodeJS.ProcessEnv): Promise<void> {
  const run = await runTesseract(path, ['--list-langs'], { timeoutMs: 30_000, env });
  if (run.code !== 0) throw new ToolMissingError(tesseractMissingMessage(path, `--list-langs exited ${run.signal ?? run.code}: ${run.stderr.trim().split('\n').pop() ?? ''}`));
  const langs = `${run.stdout}\n${run.stderr}`.split('\n').map((l) => l.trim());
  if (!langs.includes('eng')) throw new ToolMissingError(tesseractMissingMessage(path, 'its English model is missing (tesseract-ocr-eng)'));
}

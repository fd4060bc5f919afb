import { EnvironmentError } from '../domain/errors';

/**
 * Start-up checks touch local file systems that can hang for good (a dead NFS mount, a kernel
 * file system): each is bounded, and one that does not finish is bad environment (exit 2), said
 * in one line. The work itself cannot be cancelled; the CLI exits anyway.
 */
export async function withTimeout<T>(work: Promise<T>, ms: number, what: string, fix: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_resolve, reject) => {
    timer = setTimeout(() => reject(new EnvironmentError(`${what} did not finish within ${ms / 1000} s: ${fix}`)), ms);
  });
  try {
    return await Promise.race([work, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

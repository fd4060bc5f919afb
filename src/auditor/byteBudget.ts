/**
 * Bounds the bytes of small objects (manifests, end markers, metadata) held at once while many
 * sessions are read in parallel: a reader takes an object's size from the budget before reading
 * and gives it back when it has parsed it. Parsing JSON costs several times its size in memory
 * (a 56 MB manifest took 320 MB of RSS), so `list` over thousands of sessions holds at most
 * `limit` bytes of them, whatever the concurrency. Waiters are served in order.
 */
export interface ByteBudget {
  /** The most one object may take (and the total). */
  readonly limit: number;
  /** Waits until `bytes` (at most `limit`) are free; the returned function gives them back. */
  take(bytes: number): Promise<() => void>;
}

export function createByteBudget(limit: number): ByteBudget {
  let free = limit;
  const waiting: { bytes: number; resume: () => void }[] = [];

  function wake(): void {
    while (waiting.length > 0 && (waiting[0] as { bytes: number }).bytes <= free) {
      const next = waiting.shift() as { bytes: number; resume: () => void };
      free -= next.bytes;
      next.resume();
    }
  }

  return {
    limit,
    take(bytes) {
      if (!(bytes >= 0 && bytes <= limit)) return Promise.reject(new RangeError(`Expected 0 to ${limit} bytes, got ${bytes}`));
      let given = false;
      const release = (): void => {
        if (given) return;
        given = true;
        free += bytes;
        wake();
      };
      return new Promise((resolve) => {
        waiting.push({ bytes, resume: () => resolve(release) });
        wake();
      });
    },
  };
}

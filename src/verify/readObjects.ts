/** Reading a session's objects for `verify`: whole small objects, and SHA-256 of large ones, streamed. */
import { createHash } from 'node:crypto';
import type { ReadOnlyStore } from '../domain/objectStore';
import { UploadError } from '../domain/errors';

/** manifest.json, end.json and metadata are small; a larger one is not ours. */
export const MAX_TEXT_BYTES = 64 * 1024 * 1024;

/** The whole object; rejects when it is missing (verify reports that) or larger than `maxBytes`. */
export async function readSmall(store: ReadOnlyStore, name: string, maxBytes = MAX_TEXT_BYTES): Promise<Buffer> {
  const data = await store.readSmall(name, maxBytes);
  if (data === undefined) throw new UploadError(`Cannot read ${JSON.stringify(name)} from ${store.description}: no such object`);
  return data;
}

export interface StreamedHash {
  readonly sha256: string;
  readonly bytes: number;
}

/** SHA-256 (hex) and size of one object, read as a stream; `onBytes` hears every chunk's size. */
export async function hashObject(store: ReadOnlyStore, name: string, onBytes?: (bytes: number) => void): Promise<StreamedHash> {
  const stream = (await store.open(name)).body;
  const sha = createHash('sha256');
  let bytes = 0;
  try {
    for await (const chunk of stream as AsyncIterable<Buffer>) {
      sha.update(chunk);
      bytes += chunk.length;
      onBytes?.(chunk.length);
    }
  } finally {
    stream.destroy();
  }
  return { sha256: sha.digest('hex'), bytes };
}

/** Runs `work` over `items` with at most `limit` in flight; resolves when all settled. */
export async function forEachLimited<T>(items: readonly T[], limit: number, work: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  const lanes = Array.from({ length: Math.max(1, Math.min(limit, items.length)) }, async () => {
    while (next < items.length) {
      const item = items[next++] as T;
      await work(item);
    }
  });
  await Promise.all(lanes);
}

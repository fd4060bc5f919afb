/**
 * A ReadOnlyStore that keeps the objects a recorder writes once and never again (sealed manifest
 * chunks `manifest-NNNNNN.json`, `*-metadata.json`), so reading a live session again after each
 * new segment costs manifest.json and end.json, not every chunk of a long session. The checks
 * still run on what is kept (the chunk chain, the metadata's hash); an object rewritten in the
 * store after it was kept is seen by a new `view` run, or by `verify`. Bounded by `maxBytes`
 * (oldest dropped first).
 */
import { manifestChunkIndex } from '../domain/objectNames';
import type { ReadOnlyStore } from '../domain/objectStore';

/** Kept objects' bytes at most (normal chunks are ~16 KB: this holds thousands). */
export const IMMUTABLE_CACHE_BYTES = 32 * 1024 * 1024;

function writtenOnce(key: string): boolean {
  const name = key.slice(key.lastIndexOf('/') + 1);
  return manifestChunkIndex(name) !== undefined || name.endsWith('-metadata.json');
}

export function keepImmutableReads(store: ReadOnlyStore, maxBytes: number = IMMUTABLE_CACHE_BYTES): ReadOnlyStore {
  const kept = new Map<string, Buffer>();
  let bytes = 0;
  return {
    description: store.description,
    list: (prefix) => store.list(prefix),
    listLevel: (prefix) => store.listLevel(prefix),
    open: (key, range) => store.open(key, range),
    close: () => store.close(),
    async readSmall(key, max) {
      const hit = kept.get(key);
      if (hit !== undefined && hit.length <= max) return hit;
      const read = await store.readSmall(key, max);
      if (read !== undefined && writtenOnce(key) && read.length <= maxBytes) {
        const previous = kept.get(key);
        if (previous !== undefined) bytes -= previous.length;
        kept.delete(key);
        kept.set(key, read);
        bytes += read.length;
        for (const [oldest, value] of kept) {
          if (bytes <= maxBytes) break;
          kept.delete(oldest);
          bytes -= value.length;
        }
      }
      return read;
    },
  };
}

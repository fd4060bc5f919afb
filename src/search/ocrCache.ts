/**
 * The OCR cache on disk (`--cache-dir`): one JSON file per segment SHA-256, written atomically
 * (a reader sees a whole entry or none); an unreadable or foreign entry is a miss.
 */
import { mkdir, readFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { writeFileAtomic } from '../adapters/atomicWrite';
import { cacheEntry, cachePath, parseCacheEntry, type OcrCacheEntry } from './ocrCacheEntry';

/** Entries larger than this are not ours (a 1-hour segment's text is far smaller). */
const MAX_ENTRY_BYTES = 64 * 1024 * 1024;

export interface OcrCache {
  readonly dir: string;
  get(sha256: string): Promise<OcrCacheEntry | undefined>;
  put(sha256: string, frames: OcrCacheEntry['frames']): Promise<void>;
}

export function openOcrCache(dir: string): OcrCache {
  return {
    dir,
    async get(sha256) {
      const path = cachePath(dir, sha256);
      let text: string;
      try {
        const bytes = await readFile(path);
        if (bytes.length > MAX_ENTRY_BYTES) return undefined;
        text = bytes.toString('utf8');
      } catch {
        return undefined;
      }
      return parseCacheEntry(text, sha256);
    },
    async put(sha256, frames) {
      const path = cachePath(dir, sha256);
      await mkdir(dirname(path), { recursive: true, mode: 0o700 });
      await writeFileAtomic(path, `${JSON.stringify(cacheEntry(sha256, frames))}\n`);
    },
  };
}

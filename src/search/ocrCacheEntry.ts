/**
 * The OCR cache's entries: what was read from one segment, keyed by the segment's SHA-256 (a
 * verified segment's text never changes) and stamped with the sampler that read it, so a cache
 * written by another sampler or format is ignored, never trusted. Pure.
 */
import { join } from 'node:path';
import { z } from 'zod';
import { SAMPLER } from './frameSampler';

export const OCR_CACHE_FORMAT = 'session-recorder.ocr/2';

export interface OcrCacheEntry {
  readonly format: typeof OCR_CACHE_FORMAT;
  readonly sampler: string;
  /** Hex SHA-256 of the segment that was read. */
  readonly sha256: string;
  /** Each sampled frame: seconds from the segment's first frame, and its text lines. */
  readonly frames: readonly { readonly t: number; readonly lines: readonly string[] }[];
}

const SHA256 = /^[0-9a-f]{64}$/;

/** `<dir>/ab/ab12…ef.json`: 256 subdirectories keep each directory small. */
export function cachePath(dir: string, sha256: string): string {
  if (!SHA256.test(sha256)) throw new RangeError(`Expected a 64-character lowercase hex SHA-256, got ${JSON.stringify(sha256)}`);
  return join(dir, sha256.slice(0, 2), `${sha256}.json`);
}

const entrySchema = z.object({
  format: z.literal(OCR_CACHE_FORMAT),
  sampler: z.literal(SAMPLER.id),
  sha256: z.string().regex(SHA256),
  frames: z.array(z.object({ t: z.number().finite(), lines: z.array(z.string()) })),
});

export function cacheEntry(sha256: string, frames: OcrCacheEntry['frames']): OcrCacheEntry {
  return { format: OCR_CACHE_FORMAT, sampler: SAMPLER.id, sha256, frames };
}

/** The entry in `text`, or undefined when it is not one this version wrote for `sha256`. */
export function parseCacheEntry(text: string, sha256: string): OcrCacheEntry | undefined {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    return undefined;
  }
  const parsed = entrySchema.safeParse(json);
  if (!parsed.success || parsed.data.sha256 !== sha256) return undefined;
  return parsed.data as OcrCacheEntry;
}

/**
 * The auditor's read side of a destination: what `list`, `export` and `view` need and the
 * recorder's write-only SegmentStore does not offer. One level of the key layout at a time
 * (a delimiter listing: stacks, then fleets, then sessions), small JSON objects read whole, and
 * byte ranges of segments streamed (the viewer's proxy). Keys are relative to the destination's
 * prefix, like SegmentStore keys.
 */
import type { Readable } from 'node:stream';
import type { Destination } from '../adapters/destination';
import type { StoredObject } from '../domain/segmentStore';
import { createLocalReadStore } from './localReadStore';
import { createS3ReadStore } from './s3ReadStore';

export interface ListLevel {
  /** Child "directories", each ending in '/', relative to the destination (`stack/`, `stack/fleet/`). */
  readonly prefixes: readonly string[];
  /** Objects directly at this level. */
  readonly objects: readonly StoredObject[];
}

/** Inclusive byte range, as in HTTP `Range: bytes=start-end`; `end` undefined: to the end. */
export interface ByteRange {
  readonly start: number;
  readonly end?: number;
}

export interface OpenedObject {
  readonly body: Readable;
  /** Bytes in `body`. */
  readonly length: number;
  /** The whole object's size. */
  readonly totalBytes: number;
  /** The range actually returned (inclusive). */
  readonly start: number;
  readonly end: number;
}

export interface ReadStore {
  /** For messages: the destination without credentials. */
  readonly description: string;
  /** One level under `prefix` ('' or ending in '/'), every page. */
  listLevel(prefix: string): Promise<ListLevel>;
  /** The whole object, or undefined when it does not exist. Refuses objects above `maxBytes`. */
  readSmall(key: string, maxBytes: number): Promise<Buffer | undefined>;
  /** Streams an object or a byte range of it. Rejects when it does not exist. */
  open(key: string, range?: ByteRange): Promise<OpenedObject>;
  /** Releases sockets. */
  close(): void;
}

export interface ReadStoreOptions {
  readonly endpoint?: string;
  readonly region?: string;
  readonly checksumMode?: 'WHEN_SUPPORTED' | 'WHEN_REQUIRED';
}

export function openReadStore(destination: Destination, options: ReadStoreOptions = {}): ReadStore {
  switch (destination.kind) {
    case 'file':
      return createLocalReadStore(destination.dir);
    case 's3':
      return createS3ReadStore({ bucket: destination.bucket, prefix: destination.prefix, ...options });
    default:
      return destination satisfies never;
  }
}

/** Why `prefix` is not a listable level, or undefined. */
export function levelProblem(prefix: string): string | undefined {
  if (prefix === '') return undefined;
  if (!prefix.endsWith('/')) return 'does not end with "/"';
  if (prefix.startsWith('/')) return 'starts with "/"';
  if (prefix.slice(0, -1).split('/').some((p) => p === '' || p === '.' || p === '..')) return 'has an empty, "." or ".." component';
  return undefined;
}

/** Parses an HTTP `Range` header for one range (the only form players send); undefined: serve it all. */
export function parseRangeHeader(header: string | undefined, totalBytes: number): ByteRange | 'unsatisfiable' | undefined {
  if (header === undefined) return undefined;
  const m = /^bytes=(\d*)-(\d*)$/.exec(header.trim());
  if (!m) return undefined;
  const [, from = '', to = ''] = m;
  if (from === '' && to === '') return undefined;
  if (from === '') {
    const suffix = Number(to);
    if (suffix === 0) return 'unsatisfiable';
    return { start: Math.max(0, totalBytes - suffix), end: totalBytes - 1 };
  }
  const start = Number(from);
  if (start >= totalBytes) return 'unsatisfiable';
  const end = to === '' ? totalBytes - 1 : Math.min(Number(to), totalBytes - 1);
  if (end < start) return 'unsatisfiable';
  return { start, end };
}

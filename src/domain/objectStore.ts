/**
 * The one object-store interface: a destination laid out like the bucket
 * (`<prefix><stack>/<fleet>/<session>/<name>`), on S3 or on a local directory. Keys are relative
 * to the destination's prefix.
 *
 * The recorder holds a WriteOnlyStore: its IAM policy (s3:PutObject, and s3:AbortMultipartUpload
 * when a put's signal aborts a large upload) as a type, so no recorder code can list or read.
 * The auditor's commands (verify, list, export, view) hold a ReadOnlyStore (s3:ListBucket,
 * s3:GetObject). Both are views of one ObjectStore, opened by adapters/openStore.ts.
 */
import type { Readable } from 'node:stream';

/** How an S3 client computes and checks the SDK's own checksums (a setting; see adapters/s3Client.ts). */
export type ChecksumMode = 'WHEN_SUPPORTED' | 'WHEN_REQUIRED';

export interface PutOptions {
  /** SHA-256 of the body, base64: the store must verify it (S3 ChecksumSHA256). */
  readonly sha256Base64: string;
  /** MD5 of the body, base64: sent as Content-MD5 too, because some S3-compatible stores ignore x-amz-checksum-*. */
  readonly md5Base64: string;
  readonly contentType: string;
  /** Aborts the put (a multipart upload is aborted on the store). */
  readonly signal?: AbortSignal;
}

export type PutBody = { readonly path: string } | { readonly data: Buffer };

export interface StoredObject {
  readonly key: string;
  readonly bytes: number;
}

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

/** What the recorder may do. `put` resolves only once the object is durable and its checksum confirmed; it never half-succeeds. */
export interface WriteOnlyStore {
  /** For logs: the destination without credentials. */
  readonly description: string;
  put(key: string, body: PutBody, options: PutOptions): Promise<void>;
}

/** What the auditor's commands read. */
export interface ReadOnlyStore {
  /** For messages: the destination without credentials. */
  readonly description: string;
  /** Every object under `prefix`, in UTF-8 byte order of keys (as S3 lists). */
  list(prefix: string): AsyncIterable<StoredObject>;
  /** One level under `prefix` ('' or ending in '/'): stacks, then fleets, then sessions. */
  listLevel(prefix: string): Promise<ListLevel>;
  /** The whole object, or undefined when it does not exist. Refuses objects above `maxBytes`. */
  readSmall(key: string, maxBytes: number): Promise<Buffer | undefined>;
  /** Streams an object or a byte range of it. Rejects when it does not exist. */
  open(key: string, range?: ByteRange): Promise<OpenedObject>;
  /** Releases the client's sockets. */
  close(): void;
}

/** Both sides: what adapters/openStore.ts opens. The recorder's code is handed only its WriteOnlyStore view. */
export type ObjectStore = WriteOnlyStore & ReadOnlyStore;

/** Why `key` is not a relative object key, or undefined. */
export function keyProblem(key: string): string | undefined {
  if (key === '') return 'is empty';
  if (key.startsWith('/')) return 'starts with "/"';
  if (key.includes('\\') || key.includes('\0')) return 'contains "\\" or NUL';
  if (key.split('/').some((p) => p === '' || p === '.' || p === '..')) return 'has an empty, "." or ".." component';
  return undefined;
}

/** Why `prefix` is not a listable level ('' or ending in '/'), or undefined. */
export function levelProblem(prefix: string): string | undefined {
  if (prefix === '') return undefined;
  if (!prefix.endsWith('/')) return 'does not end with "/"';
  return keyProblem(prefix.slice(0, -1));
}

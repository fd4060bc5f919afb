import type { Readable } from 'node:stream';

export interface PutOptions {
  /** SHA-256 of the body, base64: the store must verify it (S3 ChecksumSHA256). */
  readonly sha256Base64: string;
  /** MD5 of the body, base64: sent as Content-MD5 too, because some S3-compatible stores ignore x-amz-checksum-*. */
  readonly md5Base64: string;
  readonly contentType: string;
  readonly signal?: AbortSignal;
}

export type PutBody = { readonly path: string } | { readonly data: Buffer };

export interface StoredObject {
  readonly key: string;
  readonly bytes: number;
}

/**
 * A destination laid out like the bucket: `<prefix><stack>/<fleet>/<session>/<name>`.
 * Keys passed in are relative to the destination's prefix. `put` resolves only once the object
 * is durable and its checksum was confirmed; it rejects otherwise (never half-succeeds).
 */
export interface SegmentStore {
  /** For logs: the destination without credentials. */
  readonly description: string;
  put(key: string, body: PutBody, options: PutOptions): Promise<void>;
  /** Read side, for auditors' commands (verify, list, export, view); not used while recording. */
  list(prefix: string): AsyncIterable<StoredObject>;
  get(key: string): Promise<Readable>;
}

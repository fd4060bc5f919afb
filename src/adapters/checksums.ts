/** Checksums of a file in one streaming pass: SHA-256 for S3 and the manifest, MD5 for Content-MD5. */
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';

export interface FileChecksums {
  readonly bytes: number;
  readonly sha256Hex: string;
  readonly sha256Base64: string;
  readonly md5Base64: string;
}

export function checksumsOf(data: Buffer): FileChecksums {
  const sha = createHash('sha256').update(data).digest();
  return {
    bytes: data.length,
    sha256Hex: sha.toString('hex'),
    sha256Base64: sha.toString('base64'),
    md5Base64: createHash('md5').update(data).digest('base64'),
  };
}

/** Reads `path` once, feeding both hashes. Rejects with the fs error (ENOENT ...) or an AbortError. */
export async function hashFile(path: string, signal?: AbortSignal): Promise<FileChecksums> {
  const sha = createHash('sha256');
  const md5 = createHash('md5');
  let bytes = 0;
  const stream = createReadStream(path, signal ? { signal } : {});
  for await (const chunk of stream as AsyncIterable<Buffer>) {
    sha.update(chunk);
    md5.update(chunk);
    bytes += chunk.length;
  }
  const digest = sha.digest();
  return {
    bytes,
    sha256Hex: digest.toString('hex'),
    sha256Base64: digest.toString('base64'),
    md5Base64: md5.digest('base64'),
  };
}

export function hexToBase64(hex: string): string {
  return Buffer.from(hex, 'hex').toString('base64');
}

export function base64ToHex(b64: string): string {
  return Buffer.from(b64, 'base64').toString('hex');
}

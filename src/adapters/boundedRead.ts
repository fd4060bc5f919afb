import type { Readable } from 'node:stream';
import { UploadError } from '../domain/errors';

/** Reads a whole stream into memory, refusing (and closing) one longer than `maxBytes`. `what` names it in the error. */
export async function readAtMost(body: Readable, maxBytes: number, what: string): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let total = 0;
  try {
    for await (const chunk of body as AsyncIterable<Buffer>) {
      total += chunk.length;
      if (total > maxBytes) throw new UploadError(`${what} is larger than ${maxBytes} bytes; expected a small JSON file`);
      chunks.push(chunk);
    }
  } finally {
    body.destroy();
  }
  return Buffer.concat(chunks);
}

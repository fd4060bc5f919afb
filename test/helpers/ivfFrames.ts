/**
 * Reads the damage grabber's IVF output as it comes (test helper): each frame's pts (epoch ms),
 * the wall clock it arrived at, and its I420 bytes; and a pixel of a frame as Y, U, V.
 */
import type { Readable } from 'node:stream';

export interface IvfFrame {
  readonly pts: number;
  readonly receivedAtMs: number;
  readonly data: Buffer;
}

export interface IvfReader {
  readonly frames: IvfFrame[];
  width: number;
  height: number;
}

export function readIvf(stream: Readable, keepData = true): IvfReader {
  const reader: IvfReader = { frames: [], width: 0, height: 0 };
  let buffer = Buffer.alloc(0);
  let headerRead = false;
  stream.on('data', (chunk: Buffer) => {
    buffer = Buffer.concat([buffer, chunk]);
    if (!headerRead && buffer.length >= 32) {
      if (buffer.toString('latin1', 0, 4) !== 'DKIF' || buffer.toString('latin1', 8, 12) !== 'I420') throw new Error('not an I420 IVF stream');
      reader.width = buffer.readUInt16LE(12);
      reader.height = buffer.readUInt16LE(14);
      buffer = buffer.subarray(32);
      headerRead = true;
    }
    while (headerRead && buffer.length >= 12) {
      const size = buffer.readUInt32LE(0);
      if (buffer.length < 12 + size) break;
      const pts = Number(buffer.readBigUInt64LE(4));
      reader.frames.push({ pts, receivedAtMs: Date.now(), data: keepData ? Buffer.from(buffer.subarray(12, 12 + size)) : Buffer.alloc(0) });
      buffer = buffer.subarray(12 + size);
    }
  });
  return reader;
}

/** Y, U, V of pixel (x, y) of an I420 frame. */
export function pixelYuv(frame: IvfFrame, width: number, height: number, x: number, y: number): [number, number, number] {
  const cw = width / 2;
  const u = width * height + Math.floor(y / 2) * cw + Math.floor(x / 2);
  return [frame.data[y * width + x]!, frame.data[u]!, frame.data[u + cw * (height / 2)]!];
}

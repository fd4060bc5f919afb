/**
 * Reads a stream of binary PGM images (FFmpeg's `-f image2pipe -c:v pgm`: each frame a `P5` header
 * and width*height bytes of 8-bit gray) into whole frames, whatever the chunking; and writes one.
 * Raw gray frames let `search` compare consecutive frames and crop rows without a PNG decoder; crops
 * are written back as PNG for tesseract. Pure.
 */
import { crc32, deflateSync } from 'node:zlib';

const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

export interface GrayFrame {
  readonly width: number;
  readonly height: number;
  /** Row-major, one byte per pixel, `width * height` bytes. */
  readonly pixels: Uint8Array;
}

const HEADER = /^P5\s+(\d+)\s+(\d+)\s+(\d+)\s/;
/** Long enough for any `P5 <w> <h> <max>` header. */
const MAX_HEADER = 64;

export class PgmStreamReader {
  /** Chunks received and not yet taken as frames: joined only once a whole frame is in (joining at every 64 KiB chunk copies a 19 MB frame hundreds of times). */
  private chunks: Buffer[] = [];
  private bytes = 0;
  /** Size of the frame being received, once its header was read. */
  private needed = 0;

  /** Feeds bytes; returns the frames now complete, in order. Throws on a stream that is not 8-bit PGM. */
  push(chunk: Buffer): GrayFrame[] {
    this.chunks.push(chunk);
    this.bytes += chunk.length;
    const frames: GrayFrame[] = [];
    for (;;) {
      if (this.bytes < Math.max(2, this.needed)) break;
      const pending = this.chunks.length === 1 ? (this.chunks[0] as Buffer) : Buffer.concat(this.chunks, this.bytes);
      this.chunks = [pending];
      const head = HEADER.exec(pending.subarray(0, MAX_HEADER).toString('latin1'));
      if (head === null) {
        if (pending.length >= MAX_HEADER || pending.subarray(0, 2).toString('latin1') !== 'P5') throw new Error('not a stream of binary PGM (P5) images');
        this.needed = pending.length + 1;
        break;
      }
      const [all, w, h, max] = head as unknown as [string, string, string, string];
      if (Number(max) !== 255) throw new Error(`PGM with maximum value ${max}: expected 8-bit gray (255)`);
      const width = Number(w);
      const height = Number(h);
      const size = all.length + width * height;
      if (pending.length < size) {
        this.needed = size;
        break;
      }
      frames.push({ width, height, pixels: new Uint8Array(pending.subarray(all.length, size)) });
      const rest = pending.subarray(size);
      this.chunks = rest.length === 0 ? [] : [rest];
      this.bytes = rest.length;
      this.needed = 0;
    }
    return frames;
  }

  /** Bytes left over that are not a whole frame (0 at the end of a well-formed stream). */
  get leftover(): number {
    return this.bytes;
  }
}

/** Rows `[top, bottom)` of `frame`, whole width, as one binary PGM file. */
export function pgmRows(frame: GrayFrame, top: number, bottom: number): Buffer {
  const header = Buffer.from(`P5\n${frame.width} ${bottom - top}\n255\n`, 'latin1');
  return Buffer.concat([header, frame.pixels.subarray(top * frame.width, bottom * frame.width)]);
}

/** PNG chunk: length, type, data, CRC-32 of type and data. */
function pngChunk(type: string, data: Buffer): Buffer {
  const head = Buffer.alloc(8);
  head.writeUInt32BE(data.length, 0);
  head.write(type, 4, 'latin1');
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(Buffer.concat([head.subarray(4), data])), 0);
  return Buffer.concat([head, data, crc]);
}

/**
 * Rows `[top, bottom)` of `frame`, whole width, as an 8-bit gray PNG (no filter, fastest deflate).
 * Measured: tesseract 5.3 reads the same 5760x3240 frame ~15 % faster from PNG than from PGM
 * (2.0 against 2.3 CPU-s, `--psm 6`), far more than the deflate costs.
 */
export function pngRows(frame: GrayFrame, top: number, bottom: number): Buffer {
  const { width } = frame;
  const height = bottom - top;
  const raw = Buffer.alloc((width + 1) * height);
  for (let y = 0; y < height; y++) {
    raw[y * (width + 1)] = 0; // filter: none
    raw.set(frame.pixels.subarray((top + y) * width, (top + y + 1) * width), y * (width + 1) + 1);
  }
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(width, 0);
  ihdr.writeUInt32BE(height, 4);
  ihdr.set([8, 0, 0, 0, 0], 8); // 8-bit, grayscale, deflate, adaptive filtering, no interlace
  return Buffer.concat([PNG_SIGNATURE, pngChunk('IHDR', ihdr), pngChunk('IDAT', deflateSync(raw, { level: 1 })), pngChunk('IEND', Buffer.alloc(0))]);
}

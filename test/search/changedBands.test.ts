/** What `search` reads again by OCR in a frame: the changed bands, the crops, the screen's lines as frames go by. */
import { changedRows, cropsFor, mergeBands, NOISE_LEVEL, padBands, PAD_SOURCE_ROWS } from '../../src/search/changedBands';
import { PgmStreamReader, pgmRows, pngRows, type GrayFrame } from '../../src/search/pgmStream';
import { edgePixels, needsBlockPass, readShare } from '../../src/search/inkCoverage';
import { linesOfCrop, nextScreen, screenText } from '../../src/search/screenLines';

const line = (text: string, top: number, bottom: number, left = 0, right = 100) => ({ text, top, bottom, left, right });

function frame(width: number, height: number, fill = 200): GrayFrame {
  return { width, height, pixels: new Uint8Array(width * height).fill(fill) };
}
function withInk(f: GrayFrame, top: number, bottom: number, left: number, right: number, level = 0): GrayFrame {
  const pixels = new Uint8Array(f.pixels);
  for (let y = top; y < bottom; y++) for (let x = left; x < right; x++) pixels[y * f.width + x] = level;
  return { ...f, pixels };
}

describe('changedRows', () => {
  const base = frame(300, 300);
  it('finds the rows of a small change, whole width, sampled every `stride` pixels', () => {
    expect(changedRows(base, withInk(base, 120, 150, 240, 270), 3)).toEqual([{ top: 120, bottom: 150 }]);
    expect(changedRows(base, base, 3)).toEqual([]);
  });
  it('ignores encoder noise and a single stray pixel', () => {
    expect(changedRows(base, withInk(base, 0, 300, 0, 300, 200 - NOISE_LEVEL), 3)).toEqual([]);
    expect(changedRows(base, withInk(base, 30, 31, 30, 31), 1)).toEqual([]);
  });
  it('reads a frame of another size as changed everywhere', () => {
    expect(changedRows(base, frame(300, 150), 3)).toEqual([{ top: 0, bottom: 150 }]);
  });
  it('gives separate bands for separate changes', () => {
    expect(changedRows(base, withInk(withInk(base, 0, 9, 0, 30), 291, 300, 0, 30), 3)).toEqual([{ top: 0, bottom: 9 }, { top: 291, bottom: 300 }]);
  });
});

describe('padBands and mergeBands', () => {
  it('pads within the frame and joins bands that meet', () => {
    expect(padBands([{ top: 5, bottom: 10 }, { top: 30, bottom: 40 }, { top: 90, bottom: 95 }], 10, 100)).toEqual([{ top: 0, bottom: 50 }, { top: 80, bottom: 100 }]);
    expect(mergeBands([{ top: 10, bottom: 20 }, { top: 0, bottom: 10 }, { top: 5, bottom: 5 }])).toEqual([{ top: 0, bottom: 20 }]);
  });
});

describe('cropsFor', () => {
  const stride = 3;
  const big = frame(600, 3000);
  it('reads the first frame whole', () => {
    expect(cropsFor(undefined, big, stride)).toEqual({ changed: [{ top: 0, bottom: 3000 }], crops: [{ top: 0, bottom: 3000 }] });
  });
  it('reads a small change as a band padded by a line height', () => {
    const pad = PAD_SOURCE_ROWS * stride;
    expect(cropsFor(big, withInk(big, 1500, 1539, 0, 60), stride)).toEqual({ changed: [{ top: 1500, bottom: 1539 }], crops: [{ top: 1500 - pad, bottom: 1539 + pad }] });
  });
  it('reads the whole frame when most of it changed', () => {
    expect(cropsFor(big, withInk(big, 0, 2000, 0, 600), stride)).toEqual({ changed: [{ top: 0, bottom: 3000 }], crops: [{ top: 0, bottom: 3000 }] });
  });
});

describe('screenLines', () => {
  it('keeps lines a crop read whole, drops those its edges cut, in frame rows', () => {
    const crop = { top: 100, bottom: 200 };
    const read = [
      line('cut at the top', 0, 20),
      line('whole', 40, 60),
      line('cut at the bottom', 85, 100),
    ];
    expect(linesOfCrop(read, crop, 1000)).toEqual([line('whole', 140, 160)]);
    // At the frame's own edges nothing was cut.
    expect(linesOfCrop(read, { top: 0, bottom: 100 }, 100).map((l) => l.text)).toEqual(['cut at the top', 'whole', 'cut at the bottom']);
  });
  it('a line stays on screen until a change touches its rows', () => {
    const first = [line('top line', 0, 20), line('quarterly review', 40, 60)];
    const second = nextScreen(first, [{ top: 100, bottom: 120 }], [line('$ typed', 100, 120)]);
    expect(screenText(second)).toEqual(['top line', 'quarterly review', '$ typed']);
    const third = nextScreen(second, [{ top: 45, bottom: 50 }], [line('quarterly review!', 40, 60), line('top line', 0, 20)]);
    expect(screenText(third)).toEqual(['top line', '$ typed', 'quarterly review!']);
  });
});

describe('inkCoverage', () => {
  // Two "columns" of strokes on one text row, as a terminal of aligned columns gives.
  const f = withInk(withInk(frame(300, 30), 9, 21, 30, 90), 9, 21, 180, 240);
  const stripes: GrayFrame = { ...f, pixels: f.pixels.map((p, i) => (p === 0 && i % 6 < 3 ? 200 : p)) };
  const edges = edgePixels(stripes, { top: 0, bottom: 30 }, 3);
  it('asks for the block pass where the layout pass read one column of two', () => {
    expect(readShare(edges, [line('finished status', 6, 24, 170, 250)])).toBeCloseTo(0.5, 1);
    expect(needsBlockPass(edges, [line('finished status', 6, 24, 170, 250)])).toBe(true);
  });
  it('not where it read the whole row, nor where there is nothing to read', () => {
    expect(needsBlockPass(edges, [line('job 1370 backup finished status', 6, 24, 20, 250)])).toBe(false);
    expect(needsBlockPass(edgePixels(frame(300, 30), { top: 0, bottom: 30 }, 3), [])).toBe(false);
  });
});

describe('PgmStreamReader', () => {
  it('reads frames whatever the chunking, and writes rows back as PGM', () => {
    const f = withInk(frame(4, 3, 9), 1, 2, 0, 4, 7);
    const one = pgmRows(f, 0, 3);
    const stream = Buffer.concat([one, one]);
    const reader = new PgmStreamReader();
    const got: GrayFrame[] = [];
    for (let i = 0; i < stream.length; i += 5) got.push(...reader.push(stream.subarray(i, i + 5)));
    expect(got).toHaveLength(2);
    expect(got[1]).toEqual({ width: 4, height: 3, pixels: f.pixels });
    expect(reader.leftover).toBe(0);
    expect(pgmRows(f, 1, 2).toString('latin1')).toBe('P5\n4 1\n255\n\x07\x07\x07\x07');
  });
  it('refuses a stream that is not 8-bit PGM', () => {
    expect(() => new PgmStreamReader().push(Buffer.from('\x89PNG\r\n\x1a\n'.repeat(10), 'latin1'))).toThrow(/not a stream of binary PGM/);
    expect(() => new PgmStreamReader().push(Buffer.from('P5\n2 2\n65535\n', 'latin1'))).toThrow(/maximum value 65535/);
  });
});

describe('pngRows', () => {
  it('writes rows as an 8-bit gray PNG that decodes to the same pixels', () => {
    const { inflateSync } = require('node:zlib') as typeof import('node:zlib');
    const f = withInk(frame(5, 4, 9), 1, 3, 1, 4, 7);
    const png = pngRows(f, 1, 3);
    expect(png.subarray(0, 8)).toEqual(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]));
    expect(png.toString('latin1', 12, 16)).toBe('IHDR');
    expect([png.readUInt32BE(16), png.readUInt32BE(20), png[24], png[25]]).toEqual([5, 2, 8, 0]);
    const idatLength = png.readUInt32BE(33);
    expect(png.toString('latin1', 37, 41)).toBe('IDAT');
    const raw = inflateSync(png.subarray(41, 41 + idatLength));
    expect([...raw]).toEqual([0, 9, 7, 7, 7, 9, 0, 9, 7, 7, 7, 9]);
  });
});

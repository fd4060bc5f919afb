import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { errorSummary, firstFrameAtMs, parseStartSeconds, parseVideoSize, StderrScanner } from '../../src/adapters/ffmpegStderr';

const fixture = (name: string): string => readFileSync(join(__dirname, '../fixtures/ffmpeg', name), 'utf8');

describe('real x11grab stderr (ffmpeg 5.1.9, -loglevel info -nostats)', () => {
  const text = fixture('x11grab-q.stderr.txt');

  test('the input start is the first frame, in epoch seconds', () => {
    const facts = new StderrScanner().push(text);
    const start = facts.find((f) => f.kind === 'inputStart');
    expect(start).toEqual({ kind: 'inputStart', seconds: 1795761598.96618 });
    expect(facts.find((f) => f.kind === 'outputSize')).toEqual({ kind: 'outputSize', width: 1280, height: 720 });
  });

  test('fed in small chunks, the same facts come out once', () => {
    const scanner = new StderrScanner();
    const facts = [];
    for (let i = 0; i < text.length; i += 7) facts.push(...scanner.push(text.slice(i, i + 7)));
    facts.push(...scanner.end());
    expect(facts.map((f) => f.kind)).toEqual(['inputStart', 'outputSize']);
  });
});

test('lines of other sources', () => {
  expect(parseStartSeconds('  Duration: N/A, start: 1795761598.96618, bitrate: 147456 kb/s')).toBe(1795761598.96618);
  // lavfi starts at 0: not a wall clock.
  expect(parseStartSeconds(fixture('lavfi.stderr.txt').split('\n').find((l) => l.includes('Duration:')) ?? '')).toBe(0);
  expect(parseStartSeconds('frame=   40 fps=5.3 q=14.0 Lsize=N/A time=00:00:07.80')).toBeNull();
  expect(parseVideoSize('  Stream #0:0: Video: rawvideo (BGR[0] / 0x524742), bgr0, 1280x720, 147456 kb/s, 5 fps')).toEqual({ width: 1280, height: 720 });
  expect(parseVideoSize('  Stream #0:0: Video: h264, yuv420p(tv, progressive), 1364x766, q=2-31, 5 fps, 10240 tbn')).toEqual({ width: 1364, height: 766 });
});

test('a start value is a wall clock only near the spawn time', () => {
  expect(firstFrameAtMs(1795761598.96618, 1795761598_708)).toBe(1795761598966);
  expect(firstFrameAtMs(0, 1795761598_708)).toBeNull();
  expect(firstFrameAtMs(123456.5, 1795761598_708)).toBeNull();
});

test('the tail is bounded, keeps whole newest lines, and splits progress lines on \\r', () => {
  const scanner = new StderrScanner(100);
  for (let i = 0; i < 50; i += 1) scanner.push(`frame=${i} fps=5.0\r`);
  scanner.push('last line without newline');
  const tail = scanner.tail();
  expect(tail.length).toBeLessThanOrEqual(100);
  expect(tail.endsWith('frame=49 fps=5.0\nlast line without newline')).toBe(true);
});

test('errorSummary picks the lines that explain a failure (real: display that does not exist)', () => {
  const summary = errorSummary(fixture('x11grab-no-display.stderr.txt'));
  expect(summary).toMatch(/Cannot open display|Input\/output error/);
  expect(errorSummary('a\nb\nc', 2)).toBe('b\nc');
});

import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseSegmentList } from '../../src/adapters/segmentList';

const fixture = (name: string): string => readFileSync(join(__dirname, '../fixtures/ffmpeg', name), 'utf8');

test('a real list written by FFmpeg 5.1 (3 s segments, stopped with "q")', () => {
  const { entries, badLines } = parseSegmentList(fixture('segments-q.csv'));
  expect(badLines).toEqual([]);
  expect(entries.map((e) => e.name)).toEqual(['seg-00000.mp4', 'seg-00001.mp4', 'seg-00002.mp4', 'seg-00003.mp4']);
  // Contiguous: each segment starts where the previous ended.
  entries.slice(1).forEach((e, i) => expect(e.startSeconds).toBe(entries[i]?.endSeconds));
  expect(entries[0]).toEqual({ name: 'seg-00000.mp4', startSeconds: 0, endSeconds: 3 });
});

test('only whole lines count: a half-written last line is ignored', () => {
  const text = fixture('segments-q.csv');
  const cut = text.slice(0, text.indexOf('seg-00002') + 12);
  expect(parseSegmentList(cut).entries.map((e) => e.name)).toEqual(['seg-00000.mp4', 'seg-00001.mp4']);
  expect(parseSegmentList('').entries).toEqual([]);
  expect(parseSegmentList('seg-00000.mp4,0.000000,3.0').entries).toEqual([]);
});

test('quoted names (FFmpeg quotes names with commas or quotes) and bad lines', () => {
  const { entries, badLines } = parseSegmentList('"a,""b"".mp4",0.000000,3.000000\r\nnonsense\nseg-1.mp4,5,4\n');
  expect(entries).toEqual([{ name: 'a,"b".mp4', startSeconds: 0, endSeconds: 3 }]);
  expect(badLines).toEqual(['nonsense', 'seg-1.mp4,5,4']);
});

import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { lastFrameDuration } from '../../src/adapters/segmentJournal';
import { marksInSegment, parseStillMarks, readStillMarks, stillMarksFile } from '../../src/adapters/stillMarks';

test('the marks line as the grabber writes it (native/damage-grab/marks.c): 13 digits, a space, 13 digits, a newline', () => {
  expect(parseStillMarks('0000000064800 0000000071200\n')).toEqual({ frameMs: 64_800, stillThroughMs: 71_200 });
  expect(parseStillMarks('0000000000000 0000000000000\n')).toEqual({ frameMs: 0, stillThroughMs: 0 });
});

test('anything else is no marks: torn, missing newline, out of order, empty', () => {
  for (const text of ['', '0000000064800 00000000712', '0000000064800 0000000071200', '0000000071200 0000000064800\n', '64800 71200\n', 'x000000064800 0000000071200\n']) {
    expect({ text, marks: parseStillMarks(text) }).toEqual({ text, marks: null });
  }
});

test('marks in a segment\'s own times; marks that end before the segment began are not its', () => {
  expect(marksInSegment({ frameMs: 64_800, stillThroughMs: 71_200 }, 60)).toEqual({ frameSeconds: 4.8, stillThroughSeconds: 11.2 });
  // Still since before the boundary (no boundary frame reached FFmpeg): still the open segment's.
  expect(marksInSegment({ frameMs: 59_800, stillThroughMs: 61_000 }, 60)).toEqual({ frameSeconds: -0.2, stillThroughSeconds: 1 });
  expect(marksInSegment({ frameMs: 50_000, stillThroughMs: 59_800 }, 60)).toBeNull();
});

test('a run dir\'s marks file is read; none, or a bad one, is null', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'marks-'));
  try {
    expect(await readStillMarks(dir)).toBeNull();
    writeFileSync(join(dir, stillMarksFile), '0000000001000 0000000003000\n');
    expect(await readStillMarks(dir)).toEqual({ frameMs: 1_000, stillThroughMs: 3_000 });
    writeFileSync(join(dir, stillMarksFile), 'garbage\n');
    expect(await readStillMarks(dir)).toBeNull();
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('the rebuild\'s last-frame duration: one tick without marks; with them, to the marked tick or the marked frame\'s start, never under a tick', () => {
  expect(lastFrameDuration(5)).toBe('if(eq(NEXT_PTS\\,NOPTS)\\,1/(5*TB)\\,NEXT_PTS-PTS)');
  expect(lastFrameDuration(5, { frameSeconds: 4.8, stillThroughSeconds: 11.2 })).toBe(
    'if(eq(NEXT_PTS\\,NOPTS)\\,max(1/(5*TB)\\,if(gte((PTS-STARTPTS)\\,4.700000/TB)\\,11.200000/TB\\,4.800000/TB)-(PTS-STARTPTS))\\,NEXT_PTS-PTS)');
});

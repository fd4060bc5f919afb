import { progressLine } from '../../src/export/progressLine';

function sink(tty: boolean, columns?: number) {
  let text = '';
  const stream = { isTTY: tty, columns, write: (s: string) => ((text += s), true) } as unknown as NodeJS.WritableStream;
  return { stream, text: () => text };
}

test('not a terminal: phase lines only, so logs are not flooded', () => {
  const out = sink(false);
  const p = progressLine(out.stream, () => 0);
  p.phase('Downloading 3 segment(s)');
  p.update('  1/3 segments');
  p.done();
  expect(out.text()).toBe('Downloading 3 segment(s)\n');
});

test('a terminal: one status line rewritten in place at most every 100 ms, cleared before a phase line', () => {
  const out = sink(true, 0); // a pseudo-terminal without a size reports 0 columns
  let now = 0;
  const p = progressLine(out.stream, () => now);
  now = 1000;
  p.update('  1/3 segments  33%');
  now = 1050;
  p.update('  2/3 segments  66%'); // too soon: skipped
  now = 1200;
  p.update('  3/3 segments  100%');
  p.phase('Joining');
  p.done();
  expect(out.text()).toBe('\r\x1b[2K  1/3 segments  33%\r\x1b[2K  3/3 segments  100%\r\x1b[2KJoining\n');
});

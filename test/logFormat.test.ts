import { Writable } from 'node:stream';
import { chooseLogFormat, formatLogLine } from '../src/logFormat';
import { createLogger } from '../src/logger';

/** A stand-in for stderr that keeps what was written; `isTTY` as a terminal or a pipe would say. */
function capture(isTTY: boolean): Writable & { isTTY: boolean; text(): string } {
  const chunks: string[] = [];
  const stream = new Writable({
    write(chunk, _encoding, done) {
      chunks.push(String(chunk));
      done();
    },
  });
  return Object.assign(stream, { isTTY, text: () => chunks.join('') });
}

describe('which format', () => {
  test('pretty on a terminal, JSON lines otherwise, and whatever --log-format says', () => {
    expect(chooseLogFormat(undefined, true)).toBe('pretty');
    expect(chooseLogFormat(undefined, false)).toBe('json');
    expect(chooseLogFormat('json', true)).toBe('json');
    expect(chooseLogFormat('pretty', false)).toBe('pretty');
  });

  test('the logger writes JSON lines to a pipe, readable lines to a terminal, JSON to a terminal when asked', () => {
    const pipe = capture(false);
    createLogger('info', pipe).info({ session: 's-1' }, 'recording started');
    expect(JSON.parse(pipe.text())).toMatchObject({ level: 30, msg: 'recording started', session: 's-1' });

    const terminal = capture(true);
    createLogger('info', terminal).info({ session: 's-1' }, 'recording started');
    // eslint-disable-next-line no-control-regex
    expect(terminal.text().replace(/\u001b\[[\d;]*m/g, '')).toMatch(/^\d\d:\d\d:\d\d\.\d{3} INFO  recording started  session=s-1\n$/);

    const asked = capture(true);
    createLogger('info', asked, { format: 'json' }).info('x');
    expect(JSON.parse(asked.text())).toMatchObject({ msg: 'x' });
  });
});

describe('a readable line', () => {
  // Real lines as pino writes them (createLogger on a pipe), so the formatter sees what it will see.
  function jsonLines(log: (logger: ReturnType<typeof createLogger>) => void): string[] {
    const pipe = capture(false);
    log(createLogger('debug', pipe, { format: 'json' }));
    return pipe.text().trimEnd().split('\n');
  }

  test('time, level, message, then the fields; strings quoted only when they need it; no pid', () => {
    const [line = ''] = jsonLines((l) => l.warn({ key: 's/f/x/1-video.mp4', attempt: 2, note: 'socket hang up', layout: { width: 1280 } }, 'upload failed'));
    expect(formatLogLine(line, { colour: false })).toMatch(
      /^\d\d:\d\d:\d\d\.\d{3} WARN  upload failed  key=s\/f\/x\/1-video\.mp4 attempt=2 note="socket hang up" layout=\{"width":1280\}$/,
    );
  });

  test('an error shows its message, and at error level its stack on indented lines', () => {
    const err = new Error('bucket refused');
    const [warned = '', failed = ''] = jsonLines((l) => {
      l.warn({ err }, 'retrying');
      l.error({ err }, 'upload gave up');
    });
    expect(formatLogLine(warned, { colour: false })).toMatch(/WARN  retrying  err="bucket refused"$/);
    const lines = formatLogLine(failed, { colour: false }).split('\n');
    expect(lines[0]).toMatch(/ERROR upload gave up  err="bucket refused"$/);
    expect(lines[1]).toMatch(/^ {4}at /);
  });

  test('colour only where asked: the level and the keys', () => {
    const [line = ''] = jsonLines((l) => l.info({ n: 1 }, 'hello'));
    expect(formatLogLine(line, { colour: true })).toContain('\u001b[32mINFO \u001b[0m hello');
    expect(formatLogLine(line, { colour: false })).not.toContain('\u001b');
  });

  test('a field that repeats the message (a transition\'s event) is not said twice', () => {
    const [line = ''] = jsonLines((l) => l.info({ event: 'upload.done', state: 'recording' }, 'upload.done'));
    expect(formatLogLine(line, { colour: false })).toMatch(/INFO  upload\.done  state=recording$/);
  });

  test('untrusted text cannot drive the terminal: control, format and bidi characters are escaped', () => {
    const hostile = 'alice\u202Egpj.exe \u001b]0;pwned\u0007\u009b2J';
    const [line = ''] = jsonLines((l) => l.warn({ title: hostile }, `window ${hostile}`));
    const shown = formatLogLine(line, { colour: false });
    expect(shown).not.toMatch(/[\p{Cc}\p{Cf}]/u);
    expect(shown).toContain('window alice\\u202egpj.exe \\u001b]0;pwned\\u0007\\u009b2J');
    expect(shown).toContain('title="alice\\u202egpj.exe \\u001b]0;pwned\\u0007\\u009b2J"');
  });

  test('a line that is not a JSON record is shown as it came', () => {
    expect(formatLogLine('not json at all', { colour: false })).toBe('not json at all');
  });
});

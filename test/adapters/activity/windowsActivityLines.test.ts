// Lines shaped like what the helper's ConvertTo-Json -Compress prints on Windows PowerShell 5.1
// (reconstructed from its documented output: no Windows machine here).
import { parseWindowsActivityLine } from '../../../src/adapters/activity/windowsActivityLines';
import { forLog } from '../../../src/adapters/activity/activitySource';

describe('parseWindowsActivityLine', () => {
  it('reads a view line: the foreground window and the visible windows, top last', () => {
    const line =
      '{"t":"view","at":"2026-12-02T10:15:03.1234567Z","fg":{"hwnd":"0x2051A","title":"Invoice 4417 - Notepad","pid":5120,"app":"notepad"},' +
      '"windows":[{"hwnd":"0x10010","title":"Program Manager","pid":4412,"app":"explorer"},{"hwnd":"0x2051A","title":"Invoice 4417 - Notepad","pid":5120,"app":"notepad"}]}';
    const parsed = parseWindowsActivityLine(line);
    expect(parsed).toEqual({
      kind: 'view',
      atMs: Date.parse('2026-12-02T10:15:03.123Z'),
      view: {
        focus: { id: '0x2051a', title: 'Invoice 4417 - Notepad', app: 'notepad', pid: 5120 },
        windows: [
          { id: '0x10010', title: 'Program Manager', app: 'explorer', pid: 4412 },
          { id: '0x2051a', title: 'Invoice 4417 - Notepad', app: 'notepad', pid: 5120 },
        ],
      },
    });
  });

  it('reads the desktop (no foreground window), a process gone (null app), a BOM', () => {
    const parsed = parseWindowsActivityLine('\uFEFF{"t":"view","at":"2026-12-02T10:15:04.0000000Z","fg":null,"windows":[{"hwnd":"0x30a2","title":"","pid":0,"app":null}]}');
    expect(parsed).toEqual({ kind: 'view', atMs: Date.parse('2026-12-02T10:15:04Z'), view: { focus: null, windows: [{ id: '0x30a2', title: '', app: null, pid: null }] } });
  });

  it('reads an idle line', () => {
    expect(parseWindowsActivityLine('{"t":"idle","at":"2026-12-02T10:15:05.0000000Z","idleMs":61250}')).toEqual({ kind: 'idle', atMs: Date.parse('2026-12-02T10:15:05Z'), idleMs: 61250 });
  });

  it('says what is wrong with anything else', () => {
    expect(() => parseWindowsActivityLine('Add-Type : Cannot add type.')).toThrow(/not a JSON line from the Windows activity helper/);
    expect(() => parseWindowsActivityLine('{"t":"view","at":"x","fg":null,"windows":[]}')).toThrow(/unexpected line .*ISO 8601/);
  });
});

describe('forLog', () => {
  it('shows control, format and bidi characters as escapes', () => {
    expect(forLog('a\u001b[2Jb\u202Ec\n')).toBe('a\\u001b[2Jb\\u202ec\\u000a');
  });
});

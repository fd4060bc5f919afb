import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseWindowsScreens } from '../../../src/adapters/display/parseWindowsScreens';
import { encodePowerShell, powerShellArgs, WINDOWS_LAYOUT_SCRIPT, windowsWatchScript } from '../../../src/adapters/display/windowsProbe';
import { buildCaptureArgs } from '../../../src/adapters/ffmpegArgs';

// Reconstructed, not captured: there is no Windows machine here (see test/fixtures/displays/README.md).
const fixture = (name: string) => readFileSync(join(__dirname, '../../fixtures/displays', name), 'utf8');

test('one screen: the virtual screen is that screen', () => {
  expect(parseWindowsScreens(fixture('windows-one-screen.json'))).toEqual({
    x: 0, y: 0, width: 1920, height: 1080,
    monitors: [{ name: '\\\\.\\DISPLAY1', primary: true, x: 0, y: 0, width: 1920, height: 1080 }],
  });
});

test('a second screen left of and above the primary: negative origin, and gdigrab grabs exactly that', () => {
  const layout = parseWindowsScreens(fixture('windows-two-screens-left.json'));
  expect(layout).toMatchObject({ x: -1280, y: -200, width: 3200, height: 1280 });
  expect(layout.monitors.map((m) => [m.name, m.primary, m.x, m.y, m.width, m.height])).toEqual([
    ['\\\\.\\DISPLAY1', true, 0, 0, 1920, 1080],
    ['\\\\.\\DISPLAY2', false, -1280, -200, 1280, 1024],
  ]);
  const args = buildCaptureArgs({ source: { kind: 'gdigrab' }, layout, frameRate: 5, segmentSeconds: 60, runDir: 'C:\\spool\\run-1' }).join(' ');
  expect(args).toContain('-f gdigrab -framerate 5 -draw_mouse 1 -offset_x -1280 -offset_y -200 -video_size 3200x1280 -i desktop');
});

test('PowerShell 5.1 unwrapping a one-element array to an object (and CRLF) is accepted', () => {
  expect(parseWindowsScreens(fixture('windows-unwrapped-single.json')).monitors).toHaveLength(1);
});

test('anything else is a clear error naming the bad field', () => {
  expect(() => parseWindowsScreens('powershell.exe : The term is not recognized')).toThrow(/Expected the Windows display probe to print JSON/);
  expect(() => parseWindowsScreens('{"VirtualScreen":{"X":0,"Y":0,"Width":0,"Height":1080},"Screens":[]}')).toThrow(/"VirtualScreen.Width" is invalid/);
});

test('scripts go to PowerShell as UTF-16LE base64, so no quoting can break them', () => {
  const args = powerShellArgs(WINDOWS_LAYOUT_SCRIPT);
  expect(args.slice(0, 5)).toEqual(['-NoProfile', '-NonInteractive', '-ExecutionPolicy', 'Bypass', '-EncodedCommand']);
  expect(Buffer.from(args[5]!, 'base64').toString('utf16le')).toBe(WINDOWS_LAYOUT_SCRIPT);
  expect(encodePowerShell('"$a" \'b\'')).toBe(Buffer.from('"$a" \'b\'', 'utf16le').toString('base64'));
  expect(windowsWatchScript(4242)).toContain('Get-Process -Id 4242');
  // No Add-Type (it would start the C# compiler on every probe).
  expect(WINDOWS_LAYOUT_SCRIPT).not.toMatch(/Add-Type -MemberDefinition|Add-Type -TypeDefinition/);
});

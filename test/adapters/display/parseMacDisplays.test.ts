import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseMacDisplays } from '../../../src/adapters/display/parseMacDisplays';
import { buildCaptureArgs, type CaptureArgsOptions } from '../../../src/adapters/ffmpegArgs';

// Reconstructed, not captured: there is no Mac here (see test/fixtures/displays/README.md).
const fixture = (name: string) => readFileSync(join(__dirname, '../../fixtures/displays', name), 'utf8');

test('a Retina built-in screen is taken at its "looks like" size in points', () => {
  expect(parseMacDisplays(fixture('mac-builtin-retina.json'))).toEqual({
    x: 0, y: 0, width: 1440, height: 900, composedFromMonitors: true,
    monitors: [{ name: 'Color LCD', primary: true, x: 0, y: 0, width: 1440, height: 900 }],
  });
});

test('two screens: main first, side by side, top-aligned', () => {
  const layout = parseMacDisplays(fixture('mac-builtin-plus-external-main.json'));
  expect(layout).toMatchObject({ x: 0, y: 0, width: 2560 + 1512, height: 1440, composedFromMonitors: true });
  expect(layout.monitors.map((m) => [m.name, m.primary, m.x, m.width, m.height])).toEqual([
    ['DELL U2720Q', true, 0, 2560, 1440],
    ['Color LCD', false, 2560, 1512, 982],
  ]);
});

test('a GPU without displays is skipped and a mirrored pair is recorded once', () => {
  const layout = parseMacDisplays(fixture('mac-intel-mirrored-and-idle-gpu.json'));
  expect(layout.monitors.map((m) => m.name)).toEqual(['Color LCD']);
  expect(layout).toMatchObject({ width: 1536, height: 960 });
});

test('no display, or not JSON: a clear error', () => {
  expect(() => parseMacDisplays('{"SPDisplaysDataType":[{"_name":"Apple M1"}]}')).toThrow(/no active display/);
  expect(() => parseMacDisplays('system_profiler: command not found')).toThrow(/to print JSON/);
  expect(() => parseMacDisplays('{}')).toThrow(/"SPDisplaysDataType" array/);
});

describe('avfoundation capture of every screen', () => {
  const base = (layout: CaptureArgsOptions['layout']): CaptureArgsOptions => ({ source: { kind: 'avfoundation' }, layout, frameRate: 5, segmentSeconds: 60, runDir: '/spool/run-1' });

  test('one input per screen, each scaled into its box, stacked at its place, one mapped picture', () => {
    const args = buildCaptureArgs(base(parseMacDisplays(fixture('mac-builtin-plus-external-main.json')))).join(' ');
    expect(args).toContain(
      '-f avfoundation -framerate 5 -capture_cursor 1 -pixel_format bgr0 -i Capture screen 0:none ' +
      '-f avfoundation -framerate 5 -capture_cursor 1 -pixel_format bgr0 -i Capture screen 1:none ' +
      '-filter_complex [0:v]scale=2560:1440:force_original_aspect_ratio=decrease,pad=2560:1440:(ow-iw)/2:(oh-ih)/2,setsar=1[s0];' +
      '[1:v]scale=1512:982:force_original_aspect_ratio=decrease,pad=1512:982:(ow-iw)/2:(oh-ih)/2,setsar=1[s1];' +
      '[s0][s1]xstack=inputs=2:layout=0_0|2560_0:fill=black,crop=4072:1440:0:0,' +
      // The default drop of unchanged frames, on the stacked picture (one decision for all screens).
      'format=yuv420p,mpdecimate=hi=64:lo=64:frac=0:max=1[v] -map [v] -fps_mode vfr -c:v libx264');
  });

  test('a single screen is scaled to its points; a named device keeps the single-device path', () => {
    const layout = parseMacDisplays(fixture('mac-builtin-retina.json'));
    expect(buildCaptureArgs(base(layout)).join(' ')).toContain('-i Capture screen 0:none -filter_complex [0:v]scale=1440:900');
    expect(buildCaptureArgs({ ...base(layout), source: { kind: 'avfoundation', device: 'Capture screen 1' } }).join(' '))
      .toContain('-i Capture screen 1:none -vf crop=trunc(iw/2)*2:trunc(ih/2)*2:0:0');
  });
});

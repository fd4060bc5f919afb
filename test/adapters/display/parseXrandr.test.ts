import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { isRandrNotification, parseMonitors, parseScreenSize, parseX11Layout } from '../../../src/adapters/display/parseXrandr';

const fixture = (name: string) => readFileSync(join(__dirname, '../../fixtures/xrandr', name), 'utf8');

test('Xvfb: one screen, the root size', () => {
  expect(parseX11Layout(fixture('query-xvfb.txt'), fixture('listmonitors-xvfb.txt'))).toEqual({
    x: 0, y: 0, width: 1920, height: 1080,
    monitors: [{ name: 'screen', primary: false, x: 0, y: 0, width: 1920, height: 1080 }],
  });
});

test('Xvnc after xrandr -s 1280x720: the current size, not the preferred mode', () => {
  expect(parseScreenSize(fixture('query-xvnc-1280x720.txt'))).toEqual({ width: 1280, height: 720 });
});

test('Xvnc grown with --fb and two --setmonitor monitors: root 3840x1080, both monitors', () => {
  const layout = parseX11Layout(fixture('query-xvnc-fb-3840x1080.txt'), fixture('listmonitors-xvnc-two.txt'));
  expect(layout.width).toBe(3840);
  expect(layout.monitors).toEqual([
    { name: 'L', primary: false, x: 0, y: 0, width: 1920, height: 1080 },
    { name: 'R', primary: false, x: 1920, y: 0, width: 1920, height: 1080 },
  ]);
});

test('primary and automatic markers', () => {
  expect(parseMonitors(' 0: +*DP-1 2560/597x1440/336+0+0  DP-1\n')[0]).toMatchObject({ name: 'DP-1', primary: true, width: 2560 });
});

test('no "current" line is a clear error', () => {
  expect(() => parseScreenSize("Can't open display :9")).toThrow(/no "current W x H" line/);
});

test('xev RandR blocks are recognised by their first line only', () => {
  const lines = fixture('xev-randr-burst.txt').split('\n');
  expect(lines.filter(isRandrNotification)).toHaveLength(8); // a resize to 1280x720 then --fb 3840x1080: 7 + 1 blocks
});

import { buildGrabberArgs, grabberEndLine } from '../../src/adapters/damageGrabArgs';
import { classifyExit, describeRunEnd } from '../../src/domain/captureRuns';
import type { DisplayLayout } from '../../src/domain/displayLayout';

const odd: DisplayLayout = { x: 0, y: 0, width: 1365, height: 767, monitors: [{ name: 'M0', x: 0, y: 0, width: 1365, height: 767, primary: true }] };
const second: DisplayLayout = { x: 1920, y: 0, width: 1280, height: 720, monitors: [] };

test('the grabber gets the root area of the layout, even-sized like x11grab, and the heartbeat', () => {
  expect(buildGrabberArgs({ display: ':5', frameRate: 5, stillFrameSeconds: 0.4 }, odd).join(' ')).toBe('--fps 5 --still 0.4 :5 0 0 1364 766');
  expect(buildGrabberArgs({ display: ':0', frameRate: 2.5, stillFrameSeconds: 1, scanSeconds: 3, drawCursor: false, noDamage: true }, second).join(' '))
    .toBe('--fps 2.5 --still 1 --scan-seconds 3 --no-cursor --no-damage :0 1920 0 1280 720');
  // FFmpeg's segment length: the grabber writes a frame on the tick before each boundary and on it.
  expect(buildGrabberArgs({ display: ':5', frameRate: 5, stillFrameSeconds: 0.8, segmentSeconds: 60 }, odd).join(' ')).toBe('--fps 5 --still 0.8 --segment 60 :5 0 0 1364 766');
  // Its still marks (stillMarks.ts): where it records until when its last frame was on screen.
  expect(buildGrabberArgs({ display: ':5', frameRate: 5, stillFrameSeconds: 60, segmentSeconds: 60, marksPath: '/spool/s/run-1/still-marks' }, odd))
    .toEqual(['--fps', '5', '--still', '60', '--segment', '60', '--marks', '/spool/s/run-1/still-marks', ':5', '0', '0', '1364', '766']);
});

test('a grabber that ended first: one line with how and its last words', () => {
  expect(grabberEndLine(null, 'SIGKILL', '')).toBe('damage-grab ended first (signal SIGKILL)');
  expect(grabberEndLine(6, null, 'damage-grab: lost the X connection (the server went away)\n'))
    .toBe('damage-grab ended first (code 6: lost the X connection): damage-grab: lost the X connection (the server went away)');
});

test('classification: the grabber\'s end is the run\'s cause; a lost X connection stays x-connection-lost', () => {
  const tail = '[out#0] video:12kB\n';
  expect(classifyExit(0, null, `${tail}${grabberEndLine(null, 'SIGKILL', '')}`).cause).toBe('grabber-exited');
  expect(classifyExit(0, null, `${tail}${grabberEndLine(6, null, 'damage-grab: lost the X connection (x)')}`).cause).toBe('x-connection-lost');
  expect(classifyExit(0, null, `${tail}${grabberEndLine(5, null, 'damage-grab: the screen shrank to 800x600')}`).cause).toBe('grabber-exited');
  expect(classifyExit(0, null, tail).cause).toBe('ffmpeg-exited');
  expect(describeRunEnd({ cause: 'grabber-exited', code: 0 })).toBe('the screen grabber ended');
});

import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { waitUntilGone } from '../../src/adapters/processTree';
import { startXvfb } from './xvfb';

const run = promisify(execFile);

test('two servers at once get different free displays; stop() ends exactly what was started', async () => {
  const [a, b] = await Promise.all([startXvfb({ width: 320, height: 240 }), startXvfb({ width: 322, height: 200, scene: false })]);
  try {
    expect(a.display).not.toBe(b.display);
    expect(a.display).toMatch(/^:\d+$/);
    expect(a.pids).toHaveLength(4); // Xvfb, xclock, xeyes, xterm
    expect(b.pids).toEqual([b.pid]);
    const { stdout } = await run('xdpyinfo', ['-display', b.display]);
    expect(stdout).toContain('dimensions:    322x200 pixels');
    expect(a.layout).toEqual({ x: 0, y: 0, width: 320, height: 240, monitors: [{ name: 'screen0', x: 0, y: 0, width: 320, height: 240, primary: true }] });
  } finally {
    await Promise.all([a.stop(), b.stop()]);
  }
  for (const pid of [...a.pids, ...b.pids]) expect(await waitUntilGone(pid, 2000, 20, 'linux')).toBe(true);
});

import { readFileSync } from 'node:fs';
import { ffmpegMallocTunables } from '../../src/adapters/ffmpegAllocator';
import { startFfmpeg, type FfmpegProcess } from '../../src/adapters/ffmpegProcess';

/**
 * The environment a real FFmpeg started through startFfmpeg runs with (Linux: read back from
 * /proc/PID/environ): the allocator settings ffmpegAllocator.ts explains reach the process itself.
 * What they save is measured by the bench (BENCHMARKS.md, issue 16, eighth round), not here.
 */
let ffmpeg: FfmpegProcess | undefined;
afterEach(() => {
  ffmpeg?.killNow();
  ffmpeg = undefined;
});

const describeLinux = process.platform === 'linux' ? describe : describe.skip;

describeLinux('startFfmpeg', () => {
  it('starts FFmpeg with glibc told to keep frame-sized blocks, beside the inherited environment', async () => {
    ffmpeg = startFfmpeg('ffmpeg', ['-hide_banner', '-nostats', '-re', '-f', 'lavfi', '-i', 'testsrc2=size=320x240:rate=5', '-f', 'null', '-'], { stdin: 'pipe' });
    const pid = ffmpeg.child.pid as number;
    expect(pid).toBeGreaterThan(0);
    // Until exec the child is a copy of Node with Node's environment: wait for FFmpeg's own image.
    const deadline = Date.now() + 30_000;
    while (!readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes('testsrc2')) {
      if (Date.now() > deadline) throw new Error('FFmpeg did not start within 30 s');
      await new Promise((r) => setTimeout(r, 20));
    }
    const raw = readFileSync(`/proc/${pid}/environ`, 'utf8');
    const env = raw.split('\0');
    // glibc reads the variable in place and ends each value with a NUL where its ':' was, so the
    // process's own copy shows the first tunable as the variable and the next ones after it.
    const at = raw.indexOf('GLIBC_TUNABLES=');
    expect(at).toBeGreaterThanOrEqual(0);
    const tunables = raw.slice(at + 'GLIBC_TUNABLES='.length).split(/[\0:]/);
    for (const [name, value] of Object.entries(ffmpegMallocTunables)) expect(tunables).toContain(`${name}=${value}`);
    expect(env).toContain(`PATH=${process.env['PATH'] ?? ''}`);
    const ended = new Promise<number | null>((resolve) => ffmpeg?.child.once('exit', (code) => resolve(code)));
    ffmpeg.finish();
    expect(await ended).toBe(0);
  });
});

import { ffmpegEnvironment, ffmpegMallocTunables } from '../../src/adapters/ffmpegAllocator';

const ours = Object.entries(ffmpegMallocTunables).map(([name, value]) => `${name}=${value}`);

describe('ffmpegEnvironment', () => {
  it('adds the allocator settings on Linux and keeps every other variable', () => {
    const env = ffmpegEnvironment({ PATH: '/usr/bin', HOME: '/root' }, 'linux');
    expect(env['PATH']).toBe('/usr/bin');
    expect(env['HOME']).toBe('/root');
    expect(env['GLIBC_TUNABLES']?.split(':').sort()).toEqual([...ours].sort());
  });

  it('keeps the tunables the caller set, and a value the caller chose for one of ours', () => {
    const env = ffmpegEnvironment({ GLIBC_TUNABLES: 'glibc.cpu.hwcaps=-AVX512F:glibc.malloc.mmap_threshold=1048576' }, 'linux');
    const parts = env['GLIBC_TUNABLES']?.split(':') ?? [];
    expect(parts).toContain('glibc.cpu.hwcaps=-AVX512F');
    expect(parts).toContain('glibc.malloc.mmap_threshold=1048576');
    expect(parts.filter((p) => p.startsWith('glibc.malloc.mmap_threshold='))).toHaveLength(1);
    expect(parts).toContain(`glibc.malloc.trim_threshold=${ffmpegMallocTunables['glibc.malloc.trim_threshold']}`);
  });

  it('leaves the environment as it is when the caller set both, and off Linux', () => {
    const complete = { GLIBC_TUNABLES: ours.join(':') };
    expect(ffmpegEnvironment(complete, 'linux')).toBe(complete);
    const env = { PATH: 'C:\\ffmpeg' };
    expect(ffmpegEnvironment(env, 'win32')).toBe(env);
    expect(ffmpegEnvironment(env, 'darwin')).toBe(env);
  });

  it('asks for thresholds glibc accepts on 64-bit: at most 32 MiB for mmap, above a 4K I420 frame', () => {
    const mmap = ffmpegMallocTunables['glibc.malloc.mmap_threshold'] ?? 0;
    expect(mmap).toBeLessThanOrEqual(32 * 1024 * 1024);
    expect(mmap).toBeGreaterThan((3840 * 2160 * 3) / 2);
    expect(ffmpegMallocTunables['glibc.malloc.trim_threshold']).toBeGreaterThanOrEqual(2 * mmap);
  });
});

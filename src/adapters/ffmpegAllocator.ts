import type { Platform } from './processTree';

/**
 * The environment FFmpeg runs with: on Linux, glibc's allocator told to keep frame-sized blocks.
 *
 * Why: each raw 1080p frame FFmpeg reads (3 MB of I420 from the damage grabber, or from x11grab)
 * is a fresh 3 MB allocation. glibc serves blocks that large with mmap and returns them with
 * munmap (or trims its heap once more than twice the block is free at its top), so every frame
 * costs ~480 page faults of freshly zeroed memory: on the idle scene 28,170 faults for 36 frames,
 * 10,920 with these settings, output bit for bit the same (BENCHMARKS.md, issue 16, eighth round).
 * A block up to 32 MiB (glibc's largest allowed threshold on 64-bit; a 4K I420 frame is 12 MB)
 * now comes from the heap, and the heap keeps up to 128 MiB free before giving it back.
 *
 * Settings the caller's GLIBC_TUNABLES already has win (an operator's choice); other platforms and
 * other C libraries (musl ignores the variable) get the environment unchanged.
 */
export const ffmpegMallocTunables: Readonly<Record<string, number>> = {
  'glibc.malloc.mmap_threshold': 32 * 1024 * 1024,
  'glibc.malloc.trim_threshold': 128 * 1024 * 1024,
};

/** `env` with ffmpegMallocTunables merged into GLIBC_TUNABLES (Linux only; the caller's values kept). */
export function ffmpegEnvironment(env: NodeJS.ProcessEnv, platform: Platform): NodeJS.ProcessEnv {
  if (platform !== 'linux') return env;
  const given = (env['GLIBC_TUNABLES'] ?? '').split(':').filter((t) => t.trim() !== '');
  const named = new Set(given.map((t) => t.split('=')[0]));
  const added = Object.entries(ffmpegMallocTunables).filter(([name]) => !named.has(name)).map(([name, value]) => `${name}=${value}`);
  if (added.length === 0) return env;
  return { ...env, GLIBC_TUNABLES: [...given, ...added].join(':') };
}

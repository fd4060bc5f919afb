import path from 'node:path';
import { sanitizeComponent } from '../domain/sanitize';

/**
 * Platform-dependent defaults. The platform and the environment are parameters: nothing here
 * reads `process.platform` or `process.env`.
 */
export type Env = Readonly<Record<string, string | undefined>>;

export type CaptureSource = 'x11grab' | 'gdigrab' | 'avfoundation' | 'lavfi';

/** `path.win32` on Windows, `path.posix` everywhere else: paths are built for the target platform. */
export function pathFor(platform: string): path.PlatformPath {
  return platform === 'win32' ? path.win32 : path.posix;
}

/** Environment lookup; case-insensitive on Windows, where variable names are. */
export function envValue(env: Env, name: string, platform: string): string | undefined {
  if (Object.prototype.hasOwnProperty.call(env, name)) return env[name];
  if (platform !== 'win32') return undefined;
  const lower = name.toLowerCase();
  const key = Object.keys(env).find((k) => k.toLowerCase() === lower);
  return key === undefined ? undefined : env[key];
}

function programData(env: Env, platform: string): string {
  return envValue(env, 'ProgramData', platform) || 'C:\\ProgramData';
}

export function defaultCaptureSource(platform: string): CaptureSource {
  if (platform === 'win32') return 'gdigrab';
  if (platform === 'darwin') return 'avfoundation';
  return 'x11grab';
}

/** x11grab: `$DISPLAY`, else `:0`. gdigrab captures the whole virtual desktop: `desktop`. */
export function defaultDisplay(env: Env, platform: string): string {
  if (platform === 'win32') return 'desktop';
  const display = envValue(env, 'DISPLAY', platform);
  return display === undefined || display === '' ? ':0' : display;
}

export function defaultSpoolDir(env: Env, platform: string): string {
  if (platform === 'win32') return path.win32.join(programData(env, platform), 'session-recorder', 'spool');
  return '/var/spool/session-recorder';
}

/** Root-only directory with one subdirectory per session, holding that session's sentinel. */
export function defaultRunDir(env: Env, platform: string): string {
  if (platform === 'win32') return path.win32.join(programData(env, platform), 'session-recorder', 'run');
  if (platform === 'linux') return '/run/session-recorder';
  return '/var/run/session-recorder';
}

/**
 * The sentinel of one session: `<runDir>/<sanitized session id>/end`. `record` and `end` compute
 * the same path from the same run dir and session id, so the end hook needs only the session id.
 */
export function sentinelPathFor(runDir: string, sessionId: string, platform: string): string {
  return pathFor(platform).join(runDir, sanitizeComponent(sessionId), 'end');
}

/**
 * Where `search` keeps OCR results: `$XDG_CACHE_HOME/session-recorder/ocr`, else
 * `$HOME/.cache/session-recorder/ocr` (the XDG base directory default); Windows
 * `%LOCALAPPDATA%\session-recorder\ocr`.
 */
export function defaultOcrCacheDir(env: Env, platform: string): string {
  if (platform === 'win32') {
    const local = envValue(env, 'LOCALAPPDATA', platform) || path.win32.join(envValue(env, 'USERPROFILE', platform) || 'C:\\', 'AppData', 'Local');
    return path.win32.join(local, 'session-recorder', 'ocr');
  }
  const xdg = envValue(env, 'XDG_CACHE_HOME', platform);
  // The spec: a relative XDG_CACHE_HOME is invalid and ignored.
  if (xdg !== undefined && path.posix.isAbsolute(xdg)) return path.posix.join(xdg, 'session-recorder', 'ocr');
  return path.posix.join(envValue(env, 'HOME', platform) || '/root', '.cache', 'session-recorder', 'ocr');
}

/** Port of `--inspect` given without a value. */
export const DEFAULT_INSPECT_PORT = 7770;

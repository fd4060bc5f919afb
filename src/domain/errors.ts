/**
 * The few error classes the CLI maps to exit codes. Messages say what was wrong, the value,
 * and how to fix it, in one line.
 */
export class ConfigError extends Error {
  override readonly name = 'ConfigError';
}

export class FfmpegError extends Error {
  override readonly name = 'FfmpegError';
}

export class UploadError extends Error {
  override readonly name = 'UploadError';
}

export class EnvironmentError extends Error {
  override readonly name = 'EnvironmentError';
}

/** Exit codes: documented in the README; other tools (the session-end hook) rely on them. */
export const ExitCode = {
  ok: 0,
  failure: 1,
  usage: 2,
  leftInSpool: 3,
  /** `record`: everything is durable but the session has no video at all; `verify`: see VerifyExit.incomplete. */
  noVideo: 7,
} as const;

/** The `code` of a Node.js error (ENOENT, EACCES...), or undefined. */
export function errorCode(e: unknown): string | undefined {
  return typeof e === 'object' && e !== null && 'code' in e ? String((e as { code: unknown }).code) : undefined;
}

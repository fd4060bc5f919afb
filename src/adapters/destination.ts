/**
 * Where recordings go: `s3://bucket/prefix/` or a local directory laid out like the bucket
 * (`file:///abs/dir`, `file://./relative/dir`). Parsing is pure; errors are one-line ConfigErrors.
 */
import { isAbsolute, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ConfigError } from '../domain/errors';
import { pseudoFsRoot } from './pseudoFs';

export type Destination =
  | {
      readonly kind: 's3';
      readonly bucket: string;
      /** '' or ends with '/'; never starts with '/'. */
      readonly prefix: string;
      /** Normalized: `s3://bucket/prefix/`. */
      readonly url: string;
    }
  | {
      readonly kind: 'file';
      /** Absolute directory. */
      readonly dir: string;
      readonly url: string;
    };

const EXPECTED = 'expected s3://bucket/prefix/, file:///absolute/dir or file://./relative/dir';

/** Why `name` is not a valid S3 bucket name (general-purpose bucket rules), or undefined. */
export function bucketNameProblem(name: string): string | undefined {
  if (name.length < 3 || name.length > 63) return `must be 3 to 63 characters long (it has ${name.length})`;
  if (!/^[a-z0-9.-]+$/.test(name)) return 'may contain only lowercase letters, digits, dots and hyphens';
  if (!/^[a-z0-9]/.test(name) || !/[a-z0-9]$/.test(name)) return 'must start and end with a letter or digit';
  if (name.includes('..')) return 'must not contain two dots in a row';
  if (/^\d{1,3}(\.\d{1,3}){3}$/.test(name)) return 'must not look like an IP address';
  for (const p of ['xn--', 'sthree-', 'amzn-s3-demo-']) if (name.startsWith(p)) return `must not start with "${p}"`;
  for (const s of ['-s3alias', '--ol-s3', '.mrap', '--x-s3', '--table-s3']) {
    if (name.endsWith(s)) return `must not end with "${s}"`;
  }
  return undefined;
}

function prefixProblem(prefix: string): string | undefined {
  if (/[\u0000-\u001f\u007f]/.test(prefix)) return 'must not contain control characters';
  if (prefix.includes('\\')) return 'must not contain "\\"';
  const parts = prefix.split('/');
  if (parts.slice(0, -1).some((p) => p === '')) return 'must not contain empty path components ("//")';
  if (parts.some((p) => p === '.' || p === '..')) return 'must not contain "." or ".." components';
  if (Buffer.byteLength(prefix) > 512) return 'must be at most 512 bytes';
  return undefined;
}

function parseS3(value: string): Destination {
  const rest = value.slice('s3://'.length);
  const slash = rest.indexOf('/');
  const bucket = slash < 0 ? rest : rest.slice(0, slash);
  let prefix = slash < 0 ? '' : rest.slice(slash + 1);
  if (/[?#]/.test(rest)) {
    throw new ConfigError(`Destination ${JSON.stringify(value)} has a query or fragment; ${EXPECTED}`);
  }
  const bucketProblem = bucketNameProblem(bucket);
  if (bucketProblem !== undefined) {
    throw new ConfigError(
      `Bucket name ${JSON.stringify(bucket)} in destination ${JSON.stringify(value)} is invalid: it ${bucketProblem}`,
    );
  }
  if (prefix !== '' && !prefix.endsWith('/')) prefix = `${prefix}/`;
  const problem = prefixProblem(prefix);
  if (problem !== undefined) {
    throw new ConfigError(
      `Prefix ${JSON.stringify(prefix)} in destination ${JSON.stringify(value)} is invalid: it ${problem}`,
    );
  }
  return { kind: 's3', bucket, prefix, url: `s3://${bucket}/${prefix}` };
}

function parseFile(value: string, cwd: string): Destination {
  const rest = value.slice('file://'.length);
  let dir: string;
  if (rest.startsWith('/')) {
    try {
      dir = resolve(fileURLToPath(value));
    } catch (e) {
      throw new ConfigError(`Destination ${JSON.stringify(value)} is not a valid file URL (${(e as Error).message}); ${EXPECTED}`);
    }
  } else if (rest === '.' || rest === '..' || rest.startsWith('./') || rest.startsWith('../')) {
    let decoded: string;
    try {
      decoded = decodeURIComponent(rest);
    } catch {
      throw new ConfigError(`Destination ${JSON.stringify(value)} has an invalid %-escape; ${EXPECTED}`);
    }
    dir = resolve(cwd, decoded);
  } else {
    throw new ConfigError(
      `Destination ${JSON.stringify(value)} names a host or a bare relative path; ${EXPECTED}`,
    );
  }
  if (/[\u0000]/.test(dir)) throw new ConfigError(`Destination ${JSON.stringify(value)} contains a NUL byte; ${EXPECTED}`);
  if (!isAbsolute(dir)) throw new ConfigError(`Destination ${JSON.stringify(value)} did not resolve to an absolute directory; ${EXPECTED}`);
  const pseudo = pseudoFsRoot(dir);
  if (pseudo !== undefined) throw new ConfigError(`Destination ${dir} is under ${pseudo}, a kernel file system, not storage: point --destination at a real directory`);
  return { kind: 'file', dir, url: `file://${dir}` };
}

/**
 * Parses a destination URL. `cwd` resolves `file://./relative` forms.
 * Throws ConfigError (one line: what was wrong, the value, what is expected).
 */
export function parseDestination(value: string, cwd: string = process.cwd()): Destination {
  if (value.startsWith('s3://')) return parseS3(value);
  if (value.startsWith('file://')) return parseFile(value, cwd);
  throw new ConfigError(`Destination ${JSON.stringify(value)} has an unknown scheme; ${EXPECTED}`);
}

import { pathFor } from './defaults';

/** Where recordings go, parsed from `--destination`. Keys below it are `stack/fleet/session/...`. */
export type Destination =
  | {
      readonly kind: 's3';
      /** As given, for logs (holds no credentials: they come only from the SDK's chain). */
      readonly url: string;
      readonly bucket: string;
      /** '' or ends with '/'. Every key is `prefix + stack/fleet/session/name`. */
      readonly prefix: string;
    }
  | {
      readonly kind: 'file';
      readonly url: string;
      /** Absolute directory laid out like the bucket. */
      readonly dir: string;
    };

export type Parsed<T> = { readonly ok: true; readonly value: T } | { readonly ok: false; readonly problem: string };

// AWS general-purpose bucket rules: 3-63 characters, lowercase letters, digits, dots and hyphens,
// a letter or digit at both ends, no `..`, `.-` or `-.`, not shaped like an IPv4 address.
const BUCKET = /^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/;
const IPV4 = /^\d+\.\d+\.\d+\.\d+$/;
const CONTROL = /\p{Cc}/u;

export function parseBucket(bucket: string): Parsed<string> {
  if (!BUCKET.test(bucket) || bucket.includes('..') || bucket.includes('.-') || bucket.includes('-.') || IPV4.test(bucket)) {
    return { ok: false, problem: `bucket name "${bucket}" is not valid (3-63 lowercase letters, digits, dots or hyphens)` };
  }
  return { ok: true, value: bucket };
}

/**
 * `s3://bucket[/prefix[/]]` or `file://<path>`. The file form takes an absolute path
 * (`file:///var/recordings`, `file:///C:/recordings` on Windows) or a path relative to `cwd`
 * (`file://./recordings`); the path is used literally (no percent-decoding).
 */
export function parseDestination(raw: string, platform: string, cwd: string): Parsed<Destination> {
  if (CONTROL.test(raw)) return { ok: false, problem: 'it contains control characters' };
  if (raw.startsWith('s3://')) {
    const rest = raw.slice('s3://'.length);
    const slash = rest.indexOf('/');
    const bucket = parseBucket(slash === -1 ? rest : rest.slice(0, slash));
    if (!bucket.ok) return bucket;
    const prefix = slash === -1 ? '' : rest.slice(slash + 1);
    const parts = prefix.replace(/\/$/, '').split('/');
    if (prefix !== '' && parts.some((p) => p === '' || p === '.' || p === '..')) {
      return { ok: false, problem: `prefix "${prefix}" has an empty, "." or ".." part` };
    }
    return { ok: true, value: { kind: 's3', url: raw, bucket: bucket.value, prefix: prefix === '' || prefix.endsWith('/') ? prefix : `${prefix}/` } };
  }
  if (raw.startsWith('file://')) {
    let local = raw.slice('file://'.length);
    if (platform === 'win32' && /^\/[A-Za-z]:[\\/]/.test(local)) local = local.slice(1);
    if (local === '') return { ok: false, problem: 'the path is empty' };
    return { ok: true, value: { kind: 'file', url: raw, dir: pathFor(platform).resolve(cwd, local) } };
  }
  return { ok: false, problem: 'unknown scheme' };
}

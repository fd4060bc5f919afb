/**
 * A URL the auditor types: a destination (`s3://bucket/prefix/`, `file:///dir`) or one session
 * under it (`s3://bucket/prefix/stack/fleet/session/`). A session is always the last three path
 * components (see sanitize.ts: sessionPrefix); what comes before is the destination. One parser
 * for every command that takes a session URL (export, view, verify).
 */
import { parseDestination, type Destination } from '../adapters/destination';
import { ConfigError } from '../domain/errors';
import type { ReadOnlyStore } from '../domain/objectStore';

export interface SessionLocation {
  readonly destination: Destination;
  /** `stack/fleet/session/`, relative to the destination. */
  readonly sessionPrefix: string;
}

/** The same session seen as a destination of its own: object names are keys in it (verify). */
export interface SessionRoot {
  /** A destination rooted at the session itself. */
  readonly destination: Destination;
  /** The S3 key prefix or the directory, to compare with the manifest's session prefix. */
  readonly location: string;
}

const EXPECTED = 'expected the URL of one session, like s3://bucket/prefix/<stack>/<fleet>/<session>/ or file:///dir/<stack>/<fleet>/<session>';

/** `url` as a destination; its ConfigError says what a session URL looks like. */
function parseWhole(url: string, cwd: string): Destination {
  try {
    return parseDestination(url, cwd);
  } catch (e) {
    if (e instanceof ConfigError) throw new ConfigError(`${e.message.replace(/; expected .*$/, '')}; ${EXPECTED}`, { cause: e });
    throw e;
  }
}

/** Splits a session URL into its destination and session prefix. Throws ConfigError. */
export function parseSessionUrl(url: string, cwd: string = process.cwd()): SessionLocation {
  const full = parseWhole(url, cwd);
  if (full.kind === 's3') {
    const parts = full.prefix.split('/').filter((p) => p !== '');
    if (parts.length === 0) throw new ConfigError(`Session URL ${JSON.stringify(url)} names a whole bucket; ${EXPECTED}`);
    if (parts.length < 3) throw new ConfigError(`Session URL ${JSON.stringify(url)} names no session (it has ${parts.length} of 3 path components after the bucket); ${EXPECTED}`);
    const prefix = parts.slice(0, -3).map((p) => `${p}/`).join('');
    return {
      destination: { kind: 's3', bucket: full.bucket, prefix, url: `s3://${full.bucket}/${prefix}` },
      sessionPrefix: `${parts.slice(-3).join('/')}/`,
    };
  }
  const parts = full.dir.split('/').filter((p) => p !== '');
  if (parts.length < 4) throw new ConfigError(`Session URL ${JSON.stringify(url)} names no session under a directory; ${EXPECTED}`);
  const dir = `/${parts.slice(0, -3).join('/')}`;
  return { destination: { kind: 'file', dir, url: `file://${dir}` }, sessionPrefix: `${parts.slice(-3).join('/')}/` };
}

/** A session URL (checked like parseSessionUrl) as a destination rooted at the session. Throws ConfigError. */
export function parseSessionRoot(url: string, cwd: string = process.cwd()): SessionRoot {
  parseSessionUrl(url, cwd);
  const destination = parseWhole(url, cwd);
  return { destination, location: destination.kind === 's3' ? destination.prefix : destination.dir };
}

/** True when `level` holds a session's own objects (its metadata or manifest). */
export function looksLikeSession(names: readonly string[]): boolean {
  return names.some((n) => n === 'manifest.json' || n.endsWith('-metadata.json'));
}

/**
 * For `view`: the URL is a session when it has three components to spare and a session's objects
 * sit right under it; otherwise it is a destination. `open` makes the store for a destination.
 */
export async function resolveViewTarget(
  url: string,
  cwd: string,
  open: (destination: Destination) => ReadOnlyStore,
): Promise<{ store: ReadOnlyStore; destination: Destination; sessionPrefix?: string }> {
  let session: SessionLocation | undefined;
  try {
    session = parseSessionUrl(url, cwd);
  } catch {
    session = undefined;
  }
  if (session !== undefined) {
    const store = open(session.destination);
    const level = await store.listLevel(session.sessionPrefix);
    const names = level.objects.map((o) => o.key.slice(session.sessionPrefix.length));
    if (looksLikeSession(names)) return { store, destination: session.destination, sessionPrefix: session.sessionPrefix };
    store.close();
  }
  const destination = parseDestination(url, cwd);
  return { store: open(destination), destination };
}

/**
 * The viewer's per-run access key. The viewer holds the auditor's credentials and listens on
 * 127.0.0.1, where every local user can connect: only a request carrying this run's key (in the
 * URL `view` prints, once) or the cookie that URL sets is served. The key is 256 random bits,
 * compared in constant time, and never logged: request URLs are logged without their query.
 *
 *   GET /?key=K    -> 303 to / with Set-Cookie (HttpOnly, SameSite=Strict): the key leaves the
 *                     address bar and history, and the page's own requests carry the cookie.
 *   anything else  -> served only with the cookie.
 */
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage } from 'node:http';

export const KEY_PARAM = 'key';

export interface AccessKey {
  /** For the printed URL only. */
  readonly value: string;
  /** Cookie name: per port, since cookies of 127.0.0.1 are shared by every port. */
  readonly cookieName: string;
  /** `key` equals this run's key (constant time). */
  matches(key: string | undefined): boolean;
  /** The request carries this run's cookie. */
  cookieMatches(req: IncomingMessage): boolean;
  /** Set-Cookie header value for a request that presented the key. */
  setCookie(): string;
}

const digest = (text: string): Buffer => createHash('sha256').update(text).digest();

export function createAccessKey(port: number, value: string = randomBytes(32).toString('base64url')): AccessKey {
  const expected = digest(value);
  const cookieName = `sr-viewer-${port}`;
  // Hashing first makes both sides the same length, so timingSafeEqual never throws or leaks it.
  const matches = (key: string | undefined): boolean => key !== undefined && timingSafeEqual(digest(key), expected);
  return {
    value,
    cookieName,
    matches,
    cookieMatches: (req) => matches(cookieValue(req.headers.cookie, cookieName)),
    setCookie: () => `${cookieName}=${value}; HttpOnly; SameSite=Strict; Path=/`,
  };
}

function cookieValue(header: string | undefined, name: string): string | undefined {
  for (const part of (header ?? '').split(';')) {
    const eq = part.indexOf('=');
    if (eq > 0 && part.slice(0, eq).trim() === name) return part.slice(eq + 1).trim();
  }
  return undefined;
}

/** A request URL fit for a log line: the path only, never the query (it may hold the key). */
export function loggableUrl(url: string | undefined): string {
  return (url ?? '').split('?')[0] ?? '';
}

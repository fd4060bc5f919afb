import { createHash } from 'node:crypto';
import type { SessionMetadata } from './sessionMetadata';
import { nfc } from './unicodeText';

/**
 * Turns an untrusted value (a user name, a session id, a stack name...) into ONE safe key
 * component. The rules, chosen so keys stay readable for the auditor and work as local file names
 * for the `file://` destination on Linux, macOS and Windows:
 *
 * - Kept as is: Unicode letters, combining marks and digits (S3 keys are UTF-8, and `José` or
 *   `山田` should stay readable), plus `-`, `_`, `.` and `@` (user names are often e-mail addresses).
 * - Every run of other characters (`/`, `\`, control characters, NUL, spaces, emoji, bidi controls,
 *   `+`, `%`, `:` ...) becomes one `_`; runs of dots become one dot; leading/trailing whitespace
 *   and dots are removed (so `.` and `..` never survive, and Windows is happy).
 * - Windows device names (`CON`, `nul.txt`, `COM1` ...) get a leading `_`.
 * - At most MAX_COMPONENT_BYTES bytes of UTF-8.
 * - Whenever the output differs from the input (altered or truncated), `-` and 16 hex digits of
 *   the SHA-256 of the raw input are appended. Inputs that already end like such a suffix are
 *   treated as altered too, so an unaltered value can never equal an altered one: two different
 *   hostile inputs collide only if their 64-bit hashes do.
 * - `undefined`, `null` and `''` become `unknown`, and only they do: a value with nothing usable
 *   left (`.`, `..`, spaces) and the literal `unknown` become `unknown-<hash>`, so a missing value
 *   and every hostile one stay apart.
 *
 * Stable: a pure function of its input, taken in NFC first (unicodeText.ts): the NFC and NFD
 * forms of a name give one key, and the hash suffix is of the NFC form. Case is kept (on a
 * case-insensitive file system, `Alice` and `alice` share a directory; S3 keeps them apart).
 */
export const MAX_COMPONENT_BYTES = 100;
export const UNKNOWN_COMPONENT = 'unknown';

const HASH_HEX_DIGITS = 16;
const SUFFIX_BYTES = 1 + HASH_HEX_DIGITS;
const DISALLOWED_RUN = /[^\p{L}\p{M}\p{N}\-_.@]+/gu;
const EDGE_SPACE = /^[\s\p{Z}]+|[\s\p{Z}]+$/gu;
const DOT_RUN = /\.{2,}/g;
const EDGE_DOTS = /^\.+|\.+$/g;
const LOOKS_HASHED = new RegExp(`-[0-9a-f]{${HASH_HEX_DIGITS}}$`);
const WINDOWS_DEVICE = /^(con|prn|aux|nul|com[0-9¹²³]|lpt[0-9¹²³])(\.|$)/i;

export function sanitizeComponent(value: string | null | undefined): string {
  if (value === undefined || value === null || value === '') return UNKNOWN_COMPONENT;
  const raw = nfc(value);
  let clean = raw
    .replace(EDGE_SPACE, '')
    .replace(DISALLOWED_RUN, '_')
    .replace(DOT_RUN, '.')
    .replace(EDGE_DOTS, '');
  if (WINDOWS_DEVICE.test(clean)) clean = `_${clean}`;
  const unaltered = clean === raw && raw !== UNKNOWN_COMPONENT && !LOOKS_HASHED.test(raw);
  if (unaltered && Buffer.byteLength(clean, 'utf8') <= MAX_COMPONENT_BYTES) return clean;
  const base = truncateUtf8(clean, MAX_COMPONENT_BYTES - SUFFIX_BYTES).replace(EDGE_DOTS, '');
  return `${base === '' ? UNKNOWN_COMPONENT : base}-${shortHash(raw)}`;
}

/** `stack/fleet/session/`: the session's place under the destination prefix, always 3 components. */
export function sessionPrefix(metadata: Pick<SessionMetadata, 'stack' | 'fleet' | 'sessionId'>): string {
  return `${sanitizeComponent(metadata.stack)}/${sanitizeComponent(metadata.fleet)}/${sanitizeComponent(metadata.sessionId)}/`;
}

/**
 * Hash of the exact UTF-16 code units: lossless even for lone surrogates, which UTF-8 would turn
 * into U+FFFD (two different strings must never hash alike).
 */
function shortHash(raw: string): string {
  return createHash('sha256').update(Buffer.from(raw, 'utf16le')).digest('hex').slice(0, HASH_HEX_DIGITS);
}

/** The longest prefix of whole code points that fits in `maxBytes` of UTF-8. */
function truncateUtf8(text: string, maxBytes: number): string {
  let bytes = 0;
  let out = '';
  for (const char of text) {
    bytes += Buffer.byteLength(char, 'utf8');
    if (bytes > maxBytes) break;
    out += char;
  }
  return out;
}

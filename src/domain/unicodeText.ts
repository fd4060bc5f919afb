/**
 * Unicode rules for untrusted text. Pure.
 *
 * - Names are compared and sanitized in NFC: `José` typed on macOS (NFD: e + U+0301) and on Windows
 *   (NFC: U+00E9) is one user, one key.
 * - Bidirectional controls (U+202E RIGHT-TO-LEFT OVERRIDE and its kin) make text display in
 *   another order than it is stored ("alice\u202Egpj.exe" shows as "aliceexe.jpg"): in log lines they
 *   are written as `\uXXXX` escapes, which inside a JSON string mean exactly the same character.
 */
const BIDI_CONTROLS = /[\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/g;

export function nfc(text: string): string {
  return text.normalize('NFC');
}

/** Every bidi control as a `\uXXXX` escape (valid inside a JSON string: the value is unchanged). */
export function escapeBidiControls(text: string): string {
  return text.replace(BIDI_CONTROLS, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

/**
 * Decoding the X11 window properties the activity track reads (ICCCM / EWMH), from the raw bytes
 * of GetProperty replies. Pure: tested on bytes as Xvfb returns them.
 *
 *   _NET_WM_NAME   UTF8_STRING                       the title, preferred
 *   WM_NAME        STRING (Latin-1), UTF8_STRING or COMPOUND_TEXT (read as Latin-1: its ASCII
 *                  part is exact, anything else is shown, not guessed)
 *   WM_CLASS       two NUL-terminated Latin-1 strings: instance, class; the class is the app
 *   _NET_WM_PID    CARDINAL/32, little-endian as this client reads it
 */
import { ACTIVITY_LIMITS } from '../../domain/activity';

export interface RawProperty {
  /** The property's type atom's name (STRING, UTF8_STRING, COMPOUND_TEXT, CARDINAL...), or null when absent. */
  readonly typeName: string | null;
  readonly format: number;
  readonly data: Buffer;
}

/** The window's title: `_NET_WM_NAME` when set, else `WM_NAME`, else ''. Trailing NULs dropped; bounded. */
export function decodeTitle(netWmName: RawProperty | null, wmName: RawProperty | null): string {
  const fromNet = netWmName !== null && netWmName.typeName !== null && netWmName.format === 8 ? decodeText(netWmName, 'utf8') : null;
  if (fromNet !== null && fromNet !== '') return bounded(fromNet);
  if (wmName === null || wmName.typeName === null || wmName.format !== 8) return '';
  return bounded(decodeText(wmName, wmName.typeName === 'UTF8_STRING' ? 'utf8' : 'latin1'));
}

/** `WM_CLASS`'s class part (the second string; the instance when only one is there); null when absent. */
export function decodeWmClass(wmClass: RawProperty | null): string | null {
  if (wmClass === null || wmClass.typeName === null || wmClass.format !== 8 || wmClass.data.length === 0) return null;
  const parts = wmClass.data.toString('latin1').split('\0').filter((p) => p !== '');
  const app = parts[1] ?? parts[0];
  return app === undefined ? null : bounded(app);
}

/** The first CARDINAL of a 32-bit property (`_NET_WM_PID`, `_NET_ACTIVE_WINDOW`'s WINDOW); null when absent or 0. */
export function decodeCard32(property: RawProperty | null): number | null {
  if (property === null || property.typeName === null || property.format !== 32 || property.data.length < 4) return null;
  const value = property.data.readUInt32LE(0);
  return value === 0 ? null : value;
}

/** Every 32-bit value of a list property (`_NET_CLIENT_LIST_STACKING`); null when absent. */
export function decodeCard32List(property: RawProperty | null): number[] | null {
  if (property === null || property.typeName === null || property.format !== 32) return null;
  const values: number[] = [];
  for (let off = 0; off + 4 <= property.data.length; off += 4) values.push(property.data.readUInt32LE(off));
  return values;
}

/** `0x1a00003`: how the track names an X window. */
export function windowId(xid: number): string {
  return `0x${xid.toString(16)}`;
}

function decodeText(property: RawProperty, encoding: 'utf8' | 'latin1'): string {
  let end = property.data.length;
  while (end > 0 && property.data[end - 1] === 0) end -= 1;
  return property.data.subarray(0, end).toString(encoding);
}

function bounded(text: string): string {
  if (text.length <= ACTIVITY_LIMITS.maxTitleChars) return text;
  const cut = text.slice(0, ACTIVITY_LIMITS.maxTitleChars);
  const last = cut.charCodeAt(cut.length - 1);
  return last >= 0xd800 && last <= 0xdbff ? cut.slice(0, -1) : cut;
}

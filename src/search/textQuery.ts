/**
 * How `search` compares text: Unicode NFC, then case-insensitive substring (lowercase of both).
 * One rule for window titles and screen lines alike. Pure.
 */
import { nfc } from '../domain/unicodeText';

/** The form both sides are compared in. */
export function foldText(text: string): string {
  return nfc(text).toLowerCase();
}

/** A query once folded: `matches(text)` is true when the text contains it. */
export interface TextQuery {
  readonly folded: string;
  matches(text: string): boolean;
}

/** The longest query accepted: a line on a screen is rarely longer. */
export const MAX_QUERY_CHARS = 512;

/** Throws a RangeError saying what is wrong with `text` as a query (empty, blank, too long). */
export function textQuery(text: string): TextQuery {
  const folded = foldText(text.trim());
  if (folded === '') throw new RangeError('Expected some text to search for, got an empty string');
  if (folded.length > MAX_QUERY_CHARS) throw new RangeError(`Expected at most ${MAX_QUERY_CHARS} characters to search for, got ${folded.length}`);
  return { folded, matches: (candidate) => foldText(candidate).includes(folded) };
}

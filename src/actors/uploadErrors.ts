/** Small error helpers shared by the uploader's files. */

/** A segment that retrying cannot help (its file is gone, or differs from what was uploaded). */
export class SkipSegment extends Error {}

export { errorCode } from '../domain/errors';

export function messageOf(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}

/**
 * The segments one segment needs to be decoded: itself and, when it continues the one before it
 * (`continuesPrevious`: its first frame is not a keyframe, issue 16), the entries of the same capture
 * run with index - 1, - 2, ... back to one that starts with a keyframe. Pure; the one walk of the
 * readers that decode (the viewer's join, search's OCR), each with its own bounds and words for
 * a chain that cannot be built. A manifest is untrusted: `inSession` says whether an entry's
 * object may be read, and the bounds stop a forged chain from costing more than they allow.
 */
import type { ManifestEntry } from './manifest';

export interface ChainLimits {
  /** Segments in one chain at most, the keyframe-led one and the one decoded included. */
  readonly maxLinks: number;
  /** Their bytes at most, as the manifest records them. */
  readonly maxBytes: number;
}

export type ChainWalk =
  /** Positions in `entries`, keyframe-led first, the segment itself last. */
  | { readonly ok: true; readonly positions: readonly number[] }
  /** Segment `index` of run `runId`, which the chain needs, is not in the manifest. */
  | { readonly ok: false; readonly why: 'not-in-manifest'; readonly runId: string; readonly index: number }
  /** The entry at `position`, which the chain needs, names an object outside the session. */
  | { readonly ok: false; readonly why: 'outside-session'; readonly position: number }
  /** The chain goes back past `position` beyond the limits. */
  | { readonly ok: false; readonly why: 'too-long'; readonly position: number };

/** The chain of the entry at `position` (which must exist). */
export function walkChain(entries: readonly ManifestEntry[], position: number, inSession: (e: ManifestEntry) => boolean, limits: ChainLimits): ChainWalk {
  const where = new Map(entries.map((e, i) => [`${e.runId}\u0000${e.index}`, i]));
  const positions = [position];
  let at = entries[position] as ManifestEntry;
  let bytes = at.bytes;
  while (at.continuesPrevious === true) {
    const prev = where.get(`${at.runId}\u0000${at.index - 1}`);
    if (prev === undefined) return { ok: false, why: 'not-in-manifest', runId: at.runId, index: at.index - 1 };
    const entry = entries[prev] as ManifestEntry;
    if (!inSession(entry)) return { ok: false, why: 'outside-session', position: prev };
    positions.unshift(prev);
    bytes += entry.bytes;
    if (positions.length > limits.maxLinks || bytes > limits.maxBytes) return { ok: false, why: 'too-long', position: prev };
    at = entry;
  }
  return { ok: true, positions };
}

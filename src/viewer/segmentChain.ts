/**
 * Which segments the viewer must join to show one segment that continues the one before it
 * (`continuesPrevious`: its first frame is not a keyframe, issue 16): the entries of the same
 * capture run with index - 1, - 2, ... back to one that starts with a keyframe. Pure: the server
 * (chainMedia.ts) reads, checks and joins what this names; `verify` reports the same broken links
 * as segment-undecodable (verify/decodeChains.ts).
 *
 * Bounded: a chain of more than `maxLinks` segments or `maxBytes` bytes is not joined (the page
 * says so for that segment), so one request never holds more than `maxBytes` of video in memory.
 * A still screen's chain is one keyframe (~130 KB at 1080p) plus a few KB per segment.
 */
import type { ManifestEntry } from '../domain/manifest';

export interface ChainLimits {
  /** Segments in one joined file at most, the keyframe-led one and the one shown included. */
  readonly maxLinks: number;
  /** Bytes of those segments at most (as the manifest records them). */
  readonly maxBytes: number;
}

/** 120 segments: two hours of 60 s segments on one keyframe; 32 MiB: a still screen's chain is far smaller. */
export const CHAIN_LIMITS: ChainLimits = { maxLinks: 120, maxBytes: 32 * 1024 * 1024 };

export type ChainPlan =
  /** Positions in the manifest (timeline indexes), keyframe-led first, the segment shown last. */
  | { readonly ok: true; readonly positions: readonly number[] }
  | { readonly ok: false; readonly problem: string };

const mb = (bytes: number): string => (bytes >= 1024 * 1024 ? `${Math.round(bytes / (1024 * 1024))} MB` : `${bytes} bytes`);

/**
 * The chain that shows the entry at `position`. `inSession` says whether an entry's object may be
 * served (the session's own objects only: a manifest is untrusted). A segment that does not
 * continue another is a chain of one.
 */
export function chainPlan(entries: readonly ManifestEntry[], position: number, inSession: (e: ManifestEntry) => boolean, limits: ChainLimits = CHAIN_LIMITS): ChainPlan {
  const target = entries[position];
  if (target === undefined) return { ok: false, problem: `Segment ${position + 1} is not in the manifest.` };
  const where = new Map(entries.map((e, i) => [`${e.runId}\u0000${e.index}`, i]));
  const positions = [position];
  let bytes = target.bytes;
  let at = target;
  const lead = `Segment ${position + 1} cannot be shown: it continues the segment before it (its first frame is not a keyframe)`;
  while (at.continuesPrevious === true) {
    const prev = where.get(`${at.runId}\u0000${at.index - 1}`);
    const entry = prev === undefined ? undefined : entries[prev];
    if (prev === undefined || entry === undefined) {
      return { ok: false, problem: `${lead}, and segment ${at.index - 1} of its capture run ${JSON.stringify(at.runId)} is not in the manifest, so its picture cannot be decoded.` };
    }
    if (!inSession(entry)) {
      return { ok: false, problem: `${lead}, and segment ${prev + 1}, which it needs, names an object outside this session, so its picture cannot be decoded.` };
    }
    positions.unshift(prev);
    bytes += entry.bytes;
    if (positions.length > limits.maxLinks || bytes > limits.maxBytes) {
      return {
        ok: false,
        problem: `${lead}, and the chain back to its keyframe is longer than the viewer joins (${limits.maxLinks} segments, ${mb(limits.maxBytes)}): ` +
          `it goes back past segment ${prev + 1}.`,
      };
    }
    at = entry;
  }
  return { ok: true, positions };
}

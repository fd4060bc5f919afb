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
import { walkChain, type ChainLimits } from '../domain/decodeChain';
import type { ManifestEntry } from '../domain/manifest';

export type { ChainLimits };

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
  if (entries[position] === undefined) return { ok: false, problem: `Segment ${position + 1} is not in the manifest.` };
  const walk = walkChain(entries, position, inSession, limits);
  if (walk.ok) return { ok: true, positions: walk.positions };
  const lead = `Segment ${position + 1} cannot be shown: it continues the segment before it (its first frame is not a keyframe)`;
  switch (walk.why) {
    case 'not-in-manifest':
      return { ok: false, problem: `${lead}, and segment ${walk.index} of its capture run ${JSON.stringify(walk.runId)} is not in the manifest, so its picture cannot be decoded.` };
    case 'outside-session':
      return { ok: false, problem: `${lead}, and segment ${walk.position + 1}, which it needs, names an object outside this session, so its picture cannot be decoded.` };
    case 'too-long':
      return {
        ok: false,
        problem: `${lead}, and the chain back to its keyframe is longer than the viewer joins (${limits.maxLinks} segments, ${mb(limits.maxBytes)}): ` +
          `it goes back past segment ${walk.position + 1}.`,
      };
    default:
      return walk satisfies never;
  }
}

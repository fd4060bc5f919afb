/**
 * What OCR must decode to read one segment. A segment that continues the one before it
 * (`continuesPrevious`: its first frame is not a keyframe, issue 16) decodes only after the
 * entries of the same capture run with index - 1, - 2, ... back to one that starts with a keyframe:
 * its chain. OCR decodes the whole chain with FFmpeg's concat demuxer and reads only the last
 * link's frames, with their times from that segment's start, so the text is still per segment.
 * Pure: ocrSegment.ts downloads and checks each link, searchSessions.ts reports a chain that
 * cannot be built as a problem of that segment (never text read from an undecodable picture).
 */
import { walkChain, type ChainLimits } from '../domain/decodeChain';
import type { ManifestEntry } from '../domain/manifest';
import { sha256Hex } from '../domain/manifest';

/** Segments decoded for one segment at most, and their bytes (domain/decodeChain.ts). */
export type OcrChainLimits = ChainLimits;

/**
 * Each segment of a chain decodes its whole chain again, so reading every segment of a chain of
 * n costs ~n²/2 segment downloads and decodes. The recorder shares a keyframe for at most
 * `--keyframe-seconds` (default 900: chains of 15 one-minute segments), and only on a still screen
 * (a busy segment starts with its own keyframe), where a chain is one keyframe (~130 KB at 1080p)
 * and a few KB a segment. 120 links (two hours of 60 s segments on one keyframe) and 64 MiB bound
 * what a longer chain or a forged manifest can cost; past them the segment is reported, not read.
 */
export const OCR_CHAIN_LIMITS: OcrChainLimits = { maxLinks: 120, maxBytes: 64 * 1024 * 1024 };

export type OcrChain =
  /** Keyframe-led first, the segment to read last; one link for a segment that decodes alone. */
  | { readonly ok: true; readonly links: readonly ManifestEntry[] }
  /** integrity: a link names an object outside the session; unsearched: a link is not in the manifest, or the chain is too long. */
  | { readonly ok: false; readonly kind: 'integrity' | 'unsearched'; readonly problem: string };

const LEAD = 'it continues the segment before it (its first frame is not a keyframe)';

/** The chain `entry` decodes from. `inSession` says whether an entry's object may be read (a manifest is untrusted). */
export function ocrChain(entries: readonly ManifestEntry[], entry: ManifestEntry, inSession: (e: ManifestEntry) => boolean, limits: OcrChainLimits = OCR_CHAIN_LIMITS): OcrChain {
  if (entry.continuesPrevious !== true) return { ok: true, links: [entry] };
  const position = entries.indexOf(entry);
  const walk = walkChain(position < 0 ? [...entries, entry] : entries, position < 0 ? entries.length : position, inSession, limits);
  if (walk.ok) return { ok: true, links: walk.positions.map((p) => (p === entries.length ? entry : entries[p] as ManifestEntry)) };
  switch (walk.why) {
    case 'not-in-manifest':
      return { ok: false, kind: 'unsearched', problem: `${LEAD}, and segment ${walk.index} of its capture run ${JSON.stringify(walk.runId)} is not in the manifest, so it cannot be decoded` };
    case 'outside-session':
      return { ok: false, kind: 'integrity', problem: `${LEAD}, and the manifest entry it needs names ${JSON.stringify(entries[walk.position]?.key)}, outside the session: not read` };
    case 'too-long':
      return {
        ok: false,
        kind: 'unsearched',
        problem: `${LEAD}, and its chain back to a keyframe is longer than search decodes for one segment ` +
          `(${limits.maxLinks} segments, ${Math.round(limits.maxBytes / (1024 * 1024))} MiB): it goes back past ${entries[walk.position]?.key}`,
      };
    default:
      return walk satisfies never;
  }
}

/**
 * The OCR cache key of a chain's last segment: its own SHA-256 when it decodes alone (as before
 * chains existed), else a hash over every link's SHA-256. What a dependent segment shows depends
 * on the links before it (two still-screen segments can even be byte-identical after different
 * keyframes), and an entry cached for it alone by an older version holds no frames at all.
 */
export function ocrCacheKey(links: readonly Pick<ManifestEntry, 'sha256'>[]): string {
  const last = links[links.length - 1];
  if (last === undefined) throw new RangeError('Expected a chain of at least one segment, got none');
  if (links.length === 1) return last.sha256;
  return sha256Hex(`session-recorder.ocr-chain/1\n${links.map((l) => l.sha256).join('\n')}\n`);
}

/**
 * Seconds each link before the last is declared to last in the concat list: longer than any
 * segment (the recorder's are at most 3,600 s), so every frame of a link falls before the next
 * link's start whatever its real length, and the last link starts exactly at
 * (links - 1) * LINK_SPACING_SECONDS. Under FFmpeg's 30-hour limit on a timestamp jump
 * (`-dts_error_threshold`), past which it drops the packets.
 */
export const LINK_SPACING_SECONDS = 36_000;

/** Where the chain's last segment starts on the concat demuxer's timeline. */
export function lastLinkStartSeconds(links: number): number {
  return (links - 1) * LINK_SPACING_SECONDS;
}

/** The FFmpeg demuxer that reads MP4: the only one a link is opened with (a "segment" holding a playlist could name any file). */
const MP4_DEMUXER = 'mov,mp4,m4a,3gp,3g2,mj2';

/** An ffconcat list of the chain's local files, keyframe-led first, each opened only as a local MP4 file. */
export function chainConcatList(files: readonly string[]): string {
  const lines = files.map((f, i) =>
    `file '${f.replace(/'/g, "'\\''")}'\noption format_whitelist ${MP4_DEMUXER}\noption protocol_whitelist file\n` +
    (i < files.length - 1 ? `duration ${LINK_SPACING_SECONDS}\n` : ''));
  return `ffconcat version 1.0\n${lines.join('')}`;
}

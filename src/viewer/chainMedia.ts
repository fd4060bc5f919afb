/**
 * What /media serves for a segment that continues the one before it: the chain back to its
 * keyframe (segmentChain.ts) joined into one fragmented MP4 (fmp4Join.ts), each segment read whole
 * and checked against the SHA-256 the manifest recorded before anything is served, and where the
 * segment starts in that file (/api/chain), so the page seeks there and maps times back.
 *
 * Memory: one chain holds at most CHAIN_LIMITS.maxBytes of video; checked segments and joined
 * files are kept (most recently used first) up to `cacheBytes`, so the player's Range requests and
 * the next segment's chain (the same links plus one) do not read the store again. A segment whose
 * chain is broken (a link not in the manifest, missing from the store, altered, or not joinable)
 * is never served: the answer is the reason, for the page to show.
 */
import { sha256Hex, type ManifestEntry } from '../domain/manifest';
import { nameInSession } from '../domain/objectNames';
import type { ReadOnlyStore } from '../domain/objectStore';
import { joinFragmented, JoinError } from './fmp4Join';
import { chainPlan, CHAIN_LIMITS, type ChainLimits } from './segmentChain';
import type { SessionCatalog } from './sessionCatalog';

export type ChainAnswer =
  /** The segment decodes alone: serve its object as it is. */
  | { readonly kind: 'single'; readonly entry: ManifestEntry }
  | {
      readonly kind: 'joined';
      readonly bytes: Buffer;
      /** Where the segment starts in `bytes`, in seconds (rounded up to the microsecond, so a seek there lands on its first frame). */
      readonly offsetSeconds: number;
      /** The keyframe-led segment's position in the manifest. */
      readonly first: number;
      readonly links: number;
    }
  | { readonly kind: 'broken'; readonly problem: string };

export interface ChainMedia {
  /** undefined: no such session or segment. */
  answer(prefix: string, position: number): Promise<ChainAnswer | undefined>;
}

export interface ChainMediaOptions {
  readonly limits?: ChainLimits;
  /** Bytes of checked segments and joined files kept at most (default 96 MiB). */
  readonly cacheBytes?: number;
}

/** A byte-bounded map, least recently used dropped first. */
function boundedCache<T>(maxBytes: number, sizeOf: (value: T) => number): { get(key: string): T | undefined; set(key: string, value: T): void } {
  const kept = new Map<string, T>();
  let bytes = 0;
  return {
    get(key) {
      const hit = kept.get(key);
      if (hit !== undefined) {
        kept.delete(key);
        kept.set(key, hit);
      }
      return hit;
    },
    set(key, value) {
      if (sizeOf(value) > maxBytes) return;
      const previous = kept.get(key);
      if (previous !== undefined) bytes -= sizeOf(previous);
      kept.delete(key);
      kept.set(key, value);
      bytes += sizeOf(value);
      for (const [oldest, old] of kept) {
        if (bytes <= maxBytes) break;
        kept.delete(oldest);
        bytes -= sizeOf(old);
      }
    },
  };
}

type Joined = Extract<ChainAnswer, { kind: 'joined' }>;

/** Store reads in flight for one chain. */
const READS_AT_ONCE = 6;

const nameOf = (entry: ManifestEntry): string => entry.key.slice(entry.key.lastIndexOf('/') + 1);

export function createChainMedia(store: ReadOnlyStore, catalog: Pick<SessionCatalog, 'opened'>, options: ChainMediaOptions = {}): ChainMedia {
  const limits = options.limits ?? CHAIN_LIMITS;
  // Half for checked segments, half for joined files: a chain's next segment reuses the links.
  const cacheBytes = options.cacheBytes ?? 96 * 1024 * 1024;
  const links = boundedCache<Buffer>(cacheBytes / 2, (b) => b.length);
  const joinedFiles = boundedCache<Joined>(cacheBytes / 2, (j) => j.bytes.length);
  const building = new Map<string, Promise<ChainAnswer>>();

  /** The segment's bytes once checked, or why they cannot be used. */
  async function link(entry: ManifestEntry, position: number): Promise<Buffer | string> {
    const key = `${entry.key}\n${entry.sha256}`;
    const hit = links.get(key);
    if (hit !== undefined) return hit;
    let bytes: Buffer | undefined;
    try {
      bytes = await store.readSmall(entry.key, entry.bytes);
    } catch (error) {
      return `segment ${position + 1} (${nameOf(entry)}) could not be read: ${(error as Error).message}`;
    }
    if (bytes === undefined) return `segment ${position + 1} (${nameOf(entry)}) is missing from the store`;
    if (bytes.length !== entry.bytes || sha256Hex(bytes) !== entry.sha256) {
      return `segment ${position + 1} (${nameOf(entry)}) is altered: its SHA-256 is not the one in the manifest`;
    }
    links.set(key, bytes);
    return bytes;
  }

  async function build(entries: readonly ManifestEntry[], positions: readonly number[], position: number): Promise<ChainAnswer> {
    const files: Buffer[] = [];
    for (let from = 0; from < positions.length; from += READS_AT_ONCE) {
      const batch = positions.slice(from, from + READS_AT_ONCE);
      const read = await Promise.all(batch.map((p) => link(entries[p] as ManifestEntry, p)));
      const bad = read.findIndex((got) => typeof got === 'string');
      if (bad < 0) {
        files.push(...(read as Buffer[]));
        continue;
      }
      const p = batch[bad] as number;
      const got = read[bad] as string;
      const problem = p === position
        ? `Segment ${position + 1} cannot be shown: ${got}.`
        : `Segment ${position + 1} cannot be shown: it continues the segments before it back to segment ${(positions[0] as number) + 1} (its keyframe), and ${got}, so its picture cannot be decoded.`;
      return { kind: 'broken', problem };
    }
    try {
      const joined = joinFragmented(files);
      const start = joined.starts[joined.starts.length - 1] ?? 0;
      return {
        kind: 'joined', bytes: joined.bytes, offsetSeconds: Math.ceil((start * 1e6) / joined.timescale) / 1e6, first: positions[0] as number, links: positions.length,
      };
    } catch (error) {
      if (!(error instanceof JoinError)) throw error;
      return { kind: 'broken', problem: `Segment ${position + 1} cannot be shown: its chain back to segment ${(positions[0] as number) + 1} (its keyframe) cannot be joined: ${error.message}.` };
    }
  }

  return {
    async answer(prefix, position) {
      const opened = await catalog.opened(prefix);
      const entries = opened?.entries;
      const entry = entries?.[position];
      if (entries === undefined || entry === undefined || nameInSession(entry.key, prefix) === undefined) return undefined;
      if (entry.continuesPrevious !== true) return { kind: 'single', entry };
      const plan = chainPlan(entries, position, (e) => nameInSession(e.key, prefix) !== undefined, limits);
      if (!plan.ok) return { kind: 'broken', problem: plan.problem };
      const id = plan.positions.map((p) => `${p}\n${entries[p]?.key}\n${entries[p]?.sha256}`).join('\n');
      const hit = joinedFiles.get(id);
      if (hit !== undefined) return hit;
      let pending = building.get(id);
      if (pending === undefined) {
        pending = build(entries, plan.positions, position).finally(() => building.delete(id));
        building.set(id, pending);
      }
      const answer = await pending;
      if (answer.kind === 'joined') joinedFiles.set(id, answer);
      return answer;
    },
  };
}

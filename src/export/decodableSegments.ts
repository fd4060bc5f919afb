/**
 * Which segments an export may join. `export` joins segments with FFmpeg's concat demuxer and
 * `-c copy`, in manifest order, per layout run (exportPlan.ts). A segment that continues the one
 * before it (`continuesPrevious`: its first frame is not a keyframe, issue 16) decodes right only
 * when the segment joined just before it is the one it continues (same capture run, index - 1,
 * same layout), itself joined on the same terms, back to one that starts with a keyframe.
 * Joined after anything else its P-frames would be decoded against the wrong picture: garbage, and
 * often without a decoder error. So such a segment is left out, with the reason, and so is every
 * segment after it in its chain; as is a segment that is missing or not what was recorded. Pure.
 */
import type { ManifestEntry } from '../domain/manifest';

export interface LeftOut {
  readonly entry: ManifestEntry;
  /** 1-based position in the manifest. */
  readonly position: number;
  readonly reason: string;
}

export interface DecodablePlan {
  /** In manifest order. */
  readonly kept: readonly ManifestEntry[];
  /** In manifest order. */
  readonly leftOut: readonly LeftOut[];
}

/** `unusable`: entries that cannot be joined at all (missing from the store, altered), with why. */
export function decodableSegments(entries: readonly ManifestEntry[], unusable: ReadonlyMap<ManifestEntry, string> = new Map(),
  /** An entry's 1-based position in the manifest (for the messages); default its place in `entries`. */
  manifestPosition: (e: ManifestEntry) => number = (e) => entries.indexOf(e) + 1): DecodablePlan {
  const byRunIndex = new Map(entries.map((e) => [`${e.runId}\u0000${e.index}`, e]));
  const kept: ManifestEntry[] = [];
  const leftOut: LeftOut[] = [];
  const out = new Set<ManifestEntry>();
  const leave = (entry: ManifestEntry, position: number, reason: string): void => {
    leftOut.push({ entry, position, reason });
    out.add(entry);
  };
  entries.forEach((entry, i) => {
    const own = unusable.get(entry);
    if (own !== undefined) return leave(entry, manifestPosition(entry), own);
    if (entry.continuesPrevious !== true) return void kept.push(entry);
    const lead = 'its first frame is not a keyframe and the segment it continues';
    const prev = byRunIndex.get(`${entry.runId}\u0000${entry.index - 1}`);
    const before = kept[kept.length - 1];
    if (prev === undefined) return leave(entry, manifestPosition(entry), `${lead} (segment ${entry.index - 1} of capture run ${JSON.stringify(entry.runId)}) is not in the manifest`);
    if (out.has(prev)) return leave(entry, manifestPosition(entry), `${lead}, ${prev.key}, is left out`);
    if (prev !== before) {
      const where = entries.indexOf(prev) > i ? 'comes after it in the manifest' : 'is not the segment joined just before it';
      return leave(entry, manifestPosition(entry), `${lead}, ${prev.key}, ${where}`);
    }
    if (prev.width !== entry.width || prev.height !== entry.height) {
      return leave(entry, manifestPosition(entry), `${lead}, ${prev.key}, has another resolution (${prev.width}x${prev.height}, this one ${entry.width}x${entry.height})`);
    }
    kept.push(entry);
  });
  return { kept, leftOut };
}

/** One line naming a segment left out of an export and why. */
export function leftOutLine(l: LeftOut): string {
  return `left out ${l.entry.key} (manifest entry ${l.position}, ${l.entry.start}, ${l.entry.durationSeconds} s): ${l.reason}`;
}

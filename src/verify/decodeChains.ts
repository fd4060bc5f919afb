/**
 * Segments that cannot be decoded although their own bytes are intact: a segment that continues
 * the one before it (its first frame is not a keyframe: `continuesPrevious`, issue 16) needs that
 * one, and so on back to a segment that starts with a keyframe. If any link is not in the
 * manifest, not in the store, or altered, the video from there to the next keyframe is lost to
 * the auditor: said here, segment by segment, with the link that broke. Pure.
 */
import type { ManifestEntry } from '../domain/manifest';
import { shown, type Finding, type ProblemCode } from './report';

/** Why a link of a chain cannot be decoded, by the entry's name. */
export type BrokenLinks = ReadonlyMap<string, 'missing' | 'altered'>;

export function decodeChainFindings(entries: readonly ManifestEntry[], nameOf: (e: ManifestEntry) => string, broken: BrokenLinks): Finding<ProblemCode>[] {
  const byRunIndex = new Map(entries.map((e) => [`${e.runId}\u0000${e.index}`, e]));
  /** Why each entry cannot be decoded, or null when it can: memoised, entries in any order. */
  const verdicts = new Map<ManifestEntry, string | null>();
  const why = (entry: ManifestEntry): string | null => {
    const known = verdicts.get(entry);
    if (known !== undefined) return known;
    // Walk back to the keyframe without recursion (a still screen's chain can be long).
    const chain: ManifestEntry[] = [];
    let at: ManifestEntry | undefined = entry;
    let reason: string | null = null;
    while (at !== undefined && !verdicts.has(at)) {
      chain.push(at);
      if (!at.continuesPrevious) break;
      const prev: ManifestEntry | undefined = byRunIndex.get(`${at.runId}\u0000${at.index - 1}`);
      if (prev === undefined) {
        reason = `segment ${at.index - 1} of run ${shown(at.runId)} is not in the manifest`;
        break;
      }
      const state = broken.get(nameOf(prev));
      if (state !== undefined) {
        reason = `${shown(nameOf(prev))} is ${state === 'missing' ? 'missing from the store' : 'altered'}`;
        break;
      }
      at = prev;
    }
    if (at !== undefined && verdicts.has(at) && reason === null) reason = verdicts.get(at) ?? null;
    for (const e of chain) verdicts.set(e, reason);
    return reason;
  };
  const findings: Finding<ProblemCode>[] = [];
  entries.forEach((entry, i) => {
    if (!entry.continuesPrevious || broken.has(nameOf(entry))) return;
    const reason = why(entry);
    if (reason === null) return;
    findings.push({
      code: 'segment-undecodable',
      name: nameOf(entry),
      message: `${shown(nameOf(entry))} (manifest entry ${i + 1}, ${entry.start}, ${entry.durationSeconds} s) is intact but cannot be decoded: ` +
        `it continues the segment before it, and ${reason}`,
      details: { entry: i + 1, start: entry.start, end: entry.end, runId: entry.runId, index: entry.index },
    });
  });
  return findings;
}

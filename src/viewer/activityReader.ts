/**
 * Reads a session's activity objects for the viewer's lane, each checked against what its
 * manifest entry says (a key of this session, its exact size, its SHA-256, a valid activity object
 * of this session) before any of it is believed: one that fails is a problem on the lane, never
 * shown. Bounded: each object is read only up to the size its entry names (and never above
 * ACTIVITY_LIMITS.maxBytes), `concurrency` at a time, and reduced at once to its stretches, which
 * are kept by the object's SHA-256: a live session's lane reads only its new objects.
 */
import { ACTIVITY_LIMITS, parseActivity } from '../domain/activity';
import { sha256Hex, type ManifestEntry } from '../domain/manifest';
import { nameInSession } from '../domain/objectNames';
import type { ReadOnlyStore } from '../domain/objectStore';
import { joinLanes, objectLane, type ActivityLane, type LanePart, type ObjectLane } from './activityLane';
import type { Timeline } from './timeline';

export interface ActivityReader {
  /** The lane of a session from its manifest entries (in order) and the timeline built from them. */
  lane(sessionPrefix: string, entries: readonly ManifestEntry[], timeline: Timeline): Promise<ActivityLane>;
}

export interface ActivityReaderOptions {
  /** Objects read at once; default 4. */
  readonly concurrency?: number;
  /** Cached stretches (all objects together) before the oldest are dropped; default 500,000. */
  readonly cacheWeight?: number;
}

type Checked = { readonly kind: 'ok'; readonly lane: ObjectLane } | { readonly kind: 'problem'; readonly problem: string };

export function createActivityReader(store: ReadOnlyStore, options: ActivityReaderOptions = {}): ActivityReader {
  const concurrency = options.concurrency ?? 4;
  const maxWeight = options.cacheWeight ?? 500_000;
  const cache = new Map<string, { checked: Checked; weight: number }>();
  let weight = 0;

  function remember(key: string, checked: Checked): void {
    const w = 1 + (checked.kind === 'ok' ? checked.lane.windows.length + checked.lane.idle.length + checked.lane.unobserved.length : 0);
    cache.set(key, { checked, weight: w });
    weight += w;
    for (const [oldest, value] of cache) {
      if (weight <= maxWeight) break;
      cache.delete(oldest);
      weight -= value.weight;
    }
  }

  async function check(sessionPrefix: string, entry: ManifestEntry, t0Ms: number): Promise<Checked> {
    const ref = entry.activity;
    if (ref === undefined) throw new Error('unreachable: an entry without activity');
    const name = nameInSession(ref.key, sessionPrefix);
    if (name === undefined) return { kind: 'problem', problem: `names ${JSON.stringify(ref.key)}, which is not an object of this session` };
    if (ref.bytes > ACTIVITY_LIMITS.maxBytes) return { kind: 'problem', problem: `${name}: the manifest says ${ref.bytes} bytes; activity objects over ${ACTIVITY_LIMITS.maxBytes} are not read` };
    let bytes: Buffer | undefined;
    try {
      bytes = await store.readSmall(ref.key, ref.bytes);
    } catch (e) {
      return { kind: 'problem', problem: `${name} could not be read as the ${ref.bytes} bytes the manifest says: ${(e as Error).message}` };
    }
    if (bytes === undefined) return { kind: 'problem', problem: `${name} is missing` };
    if (bytes.length !== ref.bytes) return { kind: 'problem', problem: `${name} is ${bytes.length} bytes; the manifest says ${ref.bytes}` };
    if (sha256Hex(bytes) !== ref.sha256) return { kind: 'problem', problem: `${name}: its SHA-256 is not the one in the manifest (altered or replaced)` };
    try {
      const object = parseActivity(bytes.toString('utf8'));
      if (object.sessionPrefix !== sessionPrefix) return { kind: 'problem', problem: `${name} belongs to session ${JSON.stringify(object.sessionPrefix)}` };
      return { kind: 'ok', lane: objectLane(object, t0Ms) };
    } catch (e) {
      return { kind: 'problem', problem: `${name}: ${(e as Error).message}` };
    }
  }

  return {
    async lane(sessionPrefix, entries, timeline) {
      const t0Ms = Date.parse(timeline.start);
      const parts: LanePart[] = entries.map(() => ({ kind: 'none' }));
      let next = 0;
      const worker = async (): Promise<void> => {
        while (next < entries.length) {
          const index = next++;
          const entry = entries[index] as ManifestEntry;
          if (entry.activity === undefined) continue;
          // The same bytes (by SHA-256) at the same place on the same timeline reduce to the same stretches.
          const cacheKey = `${sessionPrefix}\n${t0Ms}\n${entry.activity.key}\n${entry.activity.bytes}\n${entry.activity.sha256}`;
          let checked = cache.get(cacheKey)?.checked;
          if (checked === undefined) {
            checked = await check(sessionPrefix, entry, t0Ms);
            remember(cacheKey, checked);
          }
          const segment = timeline.segments[index];
          parts[index] = checked.kind === 'ok'
            ? checked
            : { kind: 'problem', problem: { from: segment?.offset ?? 0, to: (segment?.offset ?? 0) + (segment?.duration ?? 0), problem: `segment ${index + 1}'s activity object ${checked.problem}` } };
        }
      };
      await Promise.all(Array.from({ length: Math.min(concurrency, entries.length) }, worker));
      return joinLanes(parts);
    },
  };
}

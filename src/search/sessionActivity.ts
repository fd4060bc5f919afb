/**
 * A session's activity objects, each read only when its manifest entry names it inside the
 * session, bounded by the size the entry recorded (and ACTIVITY_LIMITS), and trusted only when
 * its bytes and SHA-256 match the entry. A bad or missing one is a problem, and `null` in the
 * list (what was on screen there is unknown).
 */
import { ACTIVITY_LIMITS, parseActivity, type ActivityObject } from '../domain/activity';
import { sha256Hex, type ManifestEntry } from '../domain/manifest';
import { nameInSession } from '../domain/objectNames';
import type { ReadOnlyStore } from '../domain/objectStore';
import { mapLimit } from '../auditor/pool';

export interface ActivityRead {
  /** In entry order, one per entry; null where an entry names none (the track was off) or it was not trusted. */
  readonly objects: (ActivityObject | null)[];
  readonly problems: string[];
  /** Entries that named an object whose bytes did not match (altered or replaced). */
  readonly integrityProblems: number;
}

export async function readSessionActivity(store: ReadOnlyStore, sessionPrefix: string, entries: readonly ManifestEntry[], concurrency = 8): Promise<ActivityRead> {
  const problems: string[] = [];
  let integrityProblems = 0;
  const objects = await mapLimit(entries, concurrency, async (entry): Promise<ActivityObject | null> => {
    const ref = entry.activity;
    if (ref === undefined) return null;
    const where = `activity object ${JSON.stringify(ref.key)} (segment ${entry.index} of run ${entry.runId})`;
    if (nameInSession(ref.key, sessionPrefix) === undefined) {
      integrityProblems++;
      problems.push(`${where} is not inside the session: not read`);
      return null;
    }
    if (ref.bytes > ACTIVITY_LIMITS.maxBytes) {
      problems.push(`${where} is ${ref.bytes} bytes; at most ${ACTIVITY_LIMITS.maxBytes} are read: not read`);
      return null;
    }
    let bytes: Buffer | undefined;
    try {
      // Read up to the format's bound, not the entry's size: a longer object is an altered one, and is reported so.
      bytes = await store.readSmall(ref.key, ACTIVITY_LIMITS.maxBytes);
    } catch (e) {
      problems.push(`${where} could not be read: ${(e as Error).message}`);
      return null;
    }
    if (bytes === undefined) {
      problems.push(`${where} is in the manifest but not in the store`);
      return null;
    }
    const sha256 = sha256Hex(bytes);
    if (bytes.length !== ref.bytes || sha256 !== ref.sha256) {
      integrityProblems++;
      problems.push(`${where} was altered: ${bytes.length} bytes with SHA-256 ${sha256.slice(0, 12)}…, the manifest recorded ${ref.bytes} bytes with ${ref.sha256.slice(0, 12)}…: not trusted`);
      return null;
    }
    try {
      return parseActivity(bytes.toString('utf8'));
    } catch (e) {
      problems.push(`${where} matches the manifest but is not a valid activity object: ${(e as Error).message}`);
      return null;
    }
  });
  return { objects, problems, integrityProblems };
}

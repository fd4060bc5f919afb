/**
 * `verify`'s checks of the activity track: each manifest entry's activity object is in the store,
 * has the recorded size and SHA-256, parses, belongs to this session, covers its segment, and the
 * objects follow each other without a hole from the session's start. What the recorder could not
 * observe (its `unobserved` stretches, with their causes) is reported as notes. A session without
 * a track (--no-activity, no source, an older recorder) gets one note and nothing else.
 */
import { ACTIVITY_LIMITS, parseActivity, type ActivityObject } from '../domain/activity';
import { sha256Hex, type Manifest } from '../domain/manifest';
import { nameInSession } from '../domain/objectNames';
import type { ReadOnlyStore } from '../domain/objectStore';
import { readSmall } from './readObjects';
import { shown, type Finding, type NoteCode, type ProblemCode } from './report';

/** Unobserved stretches listed one by one up to this many; the rest are counted. */
const MAX_UNOBSERVED_NOTES = 20;

export interface ActivityCheckInput {
  readonly manifest: Manifest;
  readonly store: ReadOnlyStore;
  /** Object names in the store with their sizes. */
  readonly listed: ReadonlyMap<string, number>;
  /** Names the manifest accounts for: the activity objects are added. */
  readonly expected: Set<string>;
  readonly readFailed: (name: string, e: unknown) => void;
}

export interface ActivityFindings {
  readonly problems: Finding<ProblemCode>[];
  readonly notes: Finding<NoteCode>[];
}

const short = (hex: string): string => `${hex.slice(0, 12)}…`;

export async function activityFindings(input: ActivityCheckInput): Promise<ActivityFindings> {
  const { manifest: m, listed, expected } = input;
  const problems: Finding<ProblemCode>[] = [];
  const notes: Finding<NoteCode>[] = [];
  const withActivity = m.entries.filter((e) => e.activity !== undefined).length;
  if (withActivity === 0) {
    if (m.entries.length > 0) {
      notes.push({ code: 'no-activity-track', message: 'no activity track: recorded with --no-activity, without an activity source (lavfi, macOS), or by a recorder before the track existed' });
    }
    return { problems, notes };
  }
  if (withActivity < m.entries.length) {
    notes.push({
      code: 'activity-partial',
      message: `${m.entries.length - withActivity} of ${m.entries.length} segments have no activity object (recorded by a recorder without the track)`,
      details: { without: m.entries.length - withActivity },
    });
  }
  let previousEndMs = m.startedAt === undefined ? undefined : Date.parse(m.startedAt);
  let unobservedCount = 0;
  let unobservedMs = 0;
  for (const [index, entry] of m.entries.entries()) {
    const ref = entry.activity;
    if (ref === undefined) continue;
    const label = `the activity object of manifest entry ${index + 1}`;
    const name = nameInSession(ref.key, m.sessionPrefix);
    if (name === undefined) {
      problems.push({ code: 'key-outside-session', name: ref.key, message: `${label} is ${shown(ref.key)}, outside the session ${shown(m.sessionPrefix)}` });
      continue;
    }
    expected.add(name);
    const size = listed.get(name);
    if (size === undefined) {
      problems.push({ code: 'activity-missing', name, message: `${shown(name)} (${label}, ${ref.bytes} bytes) is missing from the store`, details: { entry: index + 1, bytes: ref.bytes } });
      previousEndMs = undefined;
      continue;
    }
    if (size > ACTIVITY_LIMITS.maxBytes) {
      problems.push({ code: 'activity-invalid', name, message: `${shown(name)} is ${size} bytes, more than an activity object may be (${ACTIVITY_LIMITS.maxBytes})` });
      previousEndMs = undefined;
      continue;
    }
    const bytes = await readSmall(input.store, name, ACTIVITY_LIMITS.maxBytes).catch((e: unknown) => void input.readFailed(name, e));
    if (bytes === undefined) {
      previousEndMs = undefined;
      continue;
    }
    const actual = sha256Hex(bytes);
    if (actual !== ref.sha256 || bytes.length !== ref.bytes) {
      problems.push({
        code: 'activity-altered',
        name,
        message: `${shown(name)} (${label}) was altered: SHA-256 ${short(actual)} and ${bytes.length} bytes in the store, the manifest recorded ${short(ref.sha256)} and ${ref.bytes} bytes`,
        details: { entry: index + 1, expectedSha256: ref.sha256, actualSha256: actual, expectedBytes: ref.bytes, actualBytes: bytes.length },
      });
      previousEndMs = undefined;
      continue;
    }
    let object: ActivityObject;
    try {
      object = parseActivity(bytes.toString('utf8'));
    } catch (e) {
      problems.push({ code: 'activity-invalid', name, message: `${shown(name)} matches the manifest but is not a valid activity object: ${(e as Error).message}` });
      previousEndMs = undefined;
      continue;
    }
    if (object.sessionPrefix !== m.sessionPrefix) {
      problems.push({ code: 'activity-invalid', name, message: `${shown(name)} belongs to the session ${shown(object.sessionPrefix)}, not ${shown(m.sessionPrefix)}` });
    }
    const startMs = Date.parse(object.start);
    const endMs = Date.parse(object.end);
    if (endMs < startMs) problems.push({ code: 'activity-invalid', name, message: `${shown(name)} ends (${object.end}) before it starts (${object.start})` });
    if (endMs < Date.parse(entry.end)) {
      problems.push({ code: 'activity-hole', name, message: `${shown(name)} ends at ${object.end}, before its segment does (${entry.end}): the segment's activity is not all there` });
    }
    if (previousEndMs !== undefined && startMs !== previousEndMs) {
      const what = startMs > previousEndMs ? 'a hole' : 'an overlap';
      problems.push({
        code: 'activity-hole',
        name,
        message: `${shown(name)} starts at ${object.start}, the activity before it ends at ${new Date(previousEndMs).toISOString()}: ${what} of ${(Math.abs(startMs - previousEndMs) / 1000).toFixed(3)} s in the track`,
      });
    }
    previousEndMs = endMs;
    for (const u of object.unobserved) {
      unobservedCount += 1;
      unobservedMs += Math.max(0, Date.parse(u.end) - Date.parse(u.start));
      if (unobservedCount <= MAX_UNOBSERVED_NOTES) {
        notes.push({ code: 'activity-unobserved', name, message: `activity not observed ${u.start} → ${u.end}: ${shown(u.cause)}`, details: { start: u.start, end: u.end } });
      }
    }
  }
  if (unobservedCount > MAX_UNOBSERVED_NOTES) {
    notes.push({ code: 'activity-unobserved', message: `${unobservedCount} stretches of activity not observed in all (${(unobservedMs / 1000).toFixed(1)} s); the first ${MAX_UNOBSERVED_NOTES} are listed` });
  }
  return { problems, notes };
}

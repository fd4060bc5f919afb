/**
 * `verify` for one session: reads what the store holds under the session (list + get only: the
 * auditor's read access), recomputes every segment's SHA-256 while streaming it, and checks the
 * manifest's hash chain, end.json, the metadata, time continuity, and that the bucket and the
 * manifest agree object for object. Never writes.
 */
import { manifestTotals, sha256Hex, parseEndMarker, type EndMarker, type Manifest, type ManifestEntry } from '../domain/manifest';
import { assembleStored, headChunkIndex, readChunkTexts } from '../domain/manifestChunks';
import { END_NAME, MANIFEST_NAME, manifestChunkIndex } from '../domain/objectNames';
import type { ReadOnlyStore } from '../domain/objectStore';
import { activityFindings } from './activityChecks';
import { checkContinuity, type ContinuityLimits } from './continuity';
import { decodeChainFindings } from './decodeChains';
import { coverageFindings, type CoverageLimits } from './coverageChecks';
import { chainFindings, endFindings, locationNote, nameInSession } from './manifestChecks';
import { forEachLimited, hashObject, readSmall } from './readObjects';
import { shown, verdictOf, type ErrorCode, type Finding, type NoteCode, type ProblemCode, type TimelineSummary, type VerifyReport } from './report';

export interface VerifyProgress {
  readonly segmentsDone: number;
  readonly segments: number;
  readonly bytesDone: number;
  readonly bytes: number;
}

export interface VerifySessionInput {
  /** A store rooted at the session: keys are object names (`manifest.json`, `<start>-video.mp4`). */
  readonly store: ReadOnlyStore;
  /** For the report. */
  readonly url: string;
  /** Where the session is read from (S3 key prefix or directory), to compare with the manifest's own. */
  readonly location: string;
  readonly limits: ContinuityLimits & Partial<CoverageLimits>;
  readonly onProgress?: (progress: VerifyProgress) => void;
  /** Segments hashed at once. Default 3. */
  readonly concurrency?: number;
}

const short = (hex: string): string => `${hex.slice(0, 12)}…`;
const EMPTY_TIMELINE: TimelineSummary = { firstStart: null, lastEnd: null, videoSeconds: 0, spanSeconds: 0, runs: 0, restarts: 0, resolutionChanges: 0, holes: 0 };

function messageOf(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}

export async function verifySession(input: VerifySessionInput): Promise<VerifyReport> {
  const { store } = input;
  const problems: Finding<ProblemCode>[] = [];
  const notes: Finding<NoteCode>[] = [];
  const errors: Finding<ErrorCode>[] = [];
  const readFailed = (name: string, e: unknown): void => {
    errors.push({ code: 'read-failed', name, message: `could not read ${shown(name)}: ${messageOf(e)}` });
  };

  const listed = new Map<string, number>();
  try {
    for await (const object of store.list('')) listed.set(object.key, object.bytes);
  } catch (e) {
    errors.push({ code: 'list-failed', message: `could not list the session's objects (the auditor needs s3:ListBucket on the prefix): ${messageOf(e)}` });
  }
  const base = {
    format: 'session-recorder.verify/1' as const,
    url: input.url,
    sessionPrefix: null,
    metadata: null,
    manifest: null,
    end: null,
    objects: { listed: listed.size, segmentsHashed: 0, segmentsMatching: 0 },
    timeline: EMPTY_TIMELINE,
    coverage: null,
  };
  if (errors.length > 0) return { ...base, verdict: verdictOf(problems, errors), problems, notes, errors };
  if (listed.size === 0) {
    problems.push({ code: 'no-objects', message: `nothing is stored at ${shown(input.url)}: expected the URL of one session (…/<stack>/<fleet>/<session>/)` });
    return { ...base, verdict: verdictOf(problems, errors), problems, notes, errors };
  }

  // manifest.json and end.json
  let manifest: Manifest | undefined;
  let manifestSha256 = '';
  let chunksBefore = 0;
  if (!listed.has(MANIFEST_NAME)) {
    problems.push({ code: 'manifest-missing', name: MANIFEST_NAME, message: `${MANIFEST_NAME} is missing: no segment can be verified` });
  } else {
    const bytes = await readSmall(store, MANIFEST_NAME).catch((e: unknown) => void readFailed(MANIFEST_NAME, e));
    if (bytes !== undefined) {
      manifestSha256 = sha256Hex(bytes);
      const text = bytes.toString('utf8');
      chunksBefore = headChunkIndex(text);
      const chunkTexts = await readChunkTexts(text, async (name) => {
        if (!listed.has(name)) return undefined;
        return readSmall(store, name).catch((e: unknown) => void readFailed(name, e));
      });
      try {
        const stored = assembleStored(text, chunkTexts);
        manifest = stored.manifest;
        // A chunk that could not be read is an error already, not a missing chunk.
        for (const p of stored.problems) if (!(p.code === 'manifest-missing' && listed.has(p.name))) problems.push(p);
      } catch (e) {
        problems.push({ code: 'manifest-invalid', name: MANIFEST_NAME, message: `${MANIFEST_NAME} is not a valid manifest: ${messageOf(e)}` });
      }
    }
  }
  let end: EndMarker | undefined;
  if (!listed.has(END_NAME)) {
    problems.push({
      code: 'end-missing',
      name: END_NAME,
      message: `${END_NAME} is missing: the session did not end cleanly (still recording, or its recorder stopped; "session-recorder recover" on that machine finishes it)`,
    });
  } else {
    const bytes = await readSmall(store, END_NAME).catch((e: unknown) => void readFailed(END_NAME, e));
    if (bytes !== undefined) {
      try {
        end = parseEndMarker(bytes.toString('utf8'));
      } catch (e) {
        problems.push({ code: 'end-invalid', name: END_NAME, message: `${END_NAME} is not a valid end marker: ${messageOf(e)}` });
      }
    }
  }

  const expected = new Set<string>([MANIFEST_NAME, END_NAME]);
  // Sealed chunks manifest.json links to; one more (index = manifest.json's) is the sealed copy of
  // manifest.json's own chunk, left when the recorder stopped between the two writes of a seal.
  for (const name of listed.keys()) {
    const index = manifestChunkIndex(name);
    if (index !== undefined && index <= chunksBefore && manifest !== undefined) expected.add(name);
  }
  let metadata: Record<string, string> | null = null;
  let hashed = 0;
  let matching = 0;
  let timeline = EMPTY_TIMELINE;
  let coverage: VerifyReport['coverage'] = null;

  if (manifest !== undefined) {
    const m = manifest;
    const note = locationNote(input.location, m.sessionPrefix);
    if (note !== undefined) notes.push(note);
    const nameOf = (key: string): string => nameInSession(key, m.sessionPrefix) ?? key;
    problems.push(...chainFindings(m, nameOf));
    if (end !== undefined) problems.push(...endFindings(end, m, manifestSha256));

    // Metadata: each file the manifest names, hash for hash.
    for (const ref of m.metadata) {
      const name = nameInSession(ref.key, m.sessionPrefix);
      if (name === undefined) {
        problems.push({ code: 'key-outside-session', name: ref.key, message: `metadata key ${shown(ref.key)} is not inside the session ${shown(m.sessionPrefix)}` });
        continue;
      }
      expected.add(name);
      if (!listed.has(name)) {
        problems.push({ code: 'metadata-missing', name, message: `${shown(name)} is in the manifest but not in the store` });
        continue;
      }
      const bytes = await readSmall(store, name).catch((e: unknown) => void readFailed(name, e));
      if (bytes === undefined) continue;
      const actual = sha256Hex(bytes);
      if (actual !== ref.sha256) {
        problems.push({
          code: 'metadata-altered',
          name,
          message: `${shown(name)} was altered: its SHA-256 is ${short(actual)}, the manifest recorded ${short(ref.sha256)}`,
          details: { expectedSha256: ref.sha256, actualSha256: actual },
        });
      }
      metadata ??= metadataFields(bytes, name, notes);
    }

    // Segments: present, once, inside the session; then hashed.
    const toHash: { entry: ManifestEntry; name: string; index: number }[] = [];
    const broken = new Map<string, 'missing' | 'altered'>();
    m.entries.forEach((entry, index) => {
      const name = nameInSession(entry.key, m.sessionPrefix);
      if (name === undefined) {
        problems.push({ code: 'key-outside-session', name: entry.key, message: `manifest entry ${index + 1} names ${shown(entry.key)}, outside the session ${shown(m.sessionPrefix)}` });
        return;
      }
      if (expected.has(name)) {
        problems.push({ code: 'duplicate-entry', name, message: `manifest entry ${index + 1} names ${shown(name)} again` });
        return;
      }
      expected.add(name);
      if (!listed.has(name)) {
        broken.set(name, 'missing');
        problems.push({
          code: 'segment-missing',
          name,
          message: `${shown(name)} (manifest entry ${index + 1}, ${entry.start}, ${entry.bytes} bytes) is missing from the store`,
          details: { entry: index + 1, start: entry.start, bytes: entry.bytes, sha256: entry.sha256 },
        });
        return;
      }
      toHash.push({ entry, name, index });
    });

    const total = { segments: toHash.length, bytes: toHash.reduce((sum, t) => sum + (listed.get(t.name) ?? 0), 0) };
    let bytesDone = 0;
    const report = (): void => input.onProgress?.({ segmentsDone: hashed, segments: total.segments, bytesDone, bytes: total.bytes });
    report();
    await forEachLimited(toHash, input.concurrency ?? 3, async ({ entry, name, index }) => {
      const result = await hashObject(store, name, (n) => {
        bytesDone += n;
        report();
      }).catch((e: unknown) => void readFailed(name, e));
      hashed += 1;
      report();
      if (result === undefined) return;
      if (result.sha256 === entry.sha256 && result.bytes === entry.bytes) {
        matching += 1;
        return;
      }
      broken.set(name, 'altered');
      problems.push({
        code: 'segment-altered',
        name,
        message:
          `${shown(name)} (manifest entry ${index + 1}) was altered: SHA-256 ${short(result.sha256)} and ${result.bytes} bytes in the store, ` +
          `the manifest recorded ${short(entry.sha256)} and ${entry.bytes} bytes`,
        details: { entry: index + 1, expectedSha256: entry.sha256, actualSha256: result.sha256, expectedBytes: entry.bytes, actualBytes: result.bytes },
      });
    });

    problems.push(...decodeChainFindings(m.entries, (e) => nameOf(e.key), broken));

    // Completeness; with coverage records, gaps between runs are judged there (with their cause).
    const completeness = coverageFindings(m, end, {
      minCoverage: input.limits.minCoverage ?? 0.99,
      maxGapMs: input.limits.maxGapMs ?? 2_000,
    });
    coverage = completeness.coverage;
    const continuity = checkContinuity(m.entries, (e) => nameOf(e.key), {
      gapToleranceMs: input.limits.gapToleranceMs,
      maxRestartGapMs: input.limits.maxRestartGapMs,
      betweenRunsJudgedElsewhere: coverage !== null,
    });
    problems.push(...continuity.problems, ...completeness.problems);
    notes.push(...continuity.notes, ...completeness.notes);
    timeline = continuity.summary;

    const activity = await activityFindings({ manifest: m, store, listed, expected, readFailed });
    problems.push(...activity.problems);
    notes.push(...activity.notes);
  }

  for (const [name, bytes] of listed) {
    if (expected.has(name)) continue;
    problems.push({
      code: 'unexpected-object',
      name,
      message: `${shown(name)} (${bytes} bytes) is in the store but not in the manifest${manifest === undefined ? ' (there is no valid manifest)' : ''}`,
      details: { bytes },
    });
  }

  return {
    ...base,
    verdict: verdictOf(problems, errors),
    sessionPrefix: manifest?.sessionPrefix ?? null,
    metadata,
    manifest:
      manifest === undefined
        ? null
        : { ...manifestTotals(manifest), chainIntact: !problems.some((p) => p.code === 'chain-broken') },
    end: end === undefined ? null : { endedAt: end.endedAt, reason: end.reason, complete: end.complete },
    objects: { listed: listed.size, segmentsHashed: hashed, segmentsMatching: matching },
    timeline,
    coverage,
    problems,
    notes,
    errors,
  };
}

/** The metadata file's top-level text values (raw, as recorded), for the report. */
function metadataFields(bytes: Buffer, name: string, notes: Finding<NoteCode>[]): Record<string, string> | null {
  try {
    const json: unknown = JSON.parse(bytes.toString('utf8'));
    if (typeof json !== 'object' || json === null || Array.isArray(json)) throw new Error('not a JSON object');
    const fields: Record<string, string> = {};
    for (const [key, value] of Object.entries(json)) if (typeof value === 'string') fields[key] = value;
    return fields;
  } catch (e) {
    notes.push({ code: 'metadata-unparsed', name, message: `${shown(name)} matches the manifest but is not a JSON object (${messageOf(e)})` });
    return null;
  }
}

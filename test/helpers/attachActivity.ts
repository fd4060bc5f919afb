/**
 * Activity objects beside a REAL recording in a file:// destination, written with the domain's
 * serializer, until the recorder writes its own activity track (issue 15's recorder side): each
 * segment gets the object `describe` gives it (or none), its manifest entry names it (key, bytes,
 * SHA-256), the entry chain is rebuilt and end.json re-pinned, so the session verifies as one
 * the recorder wrote. Only for sessions short enough to have no sealed manifest chunk.
 */
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { ACTIVITY_FORMAT, serializeActivity, type ActivityObject } from '../../src/domain/activity';
import { appendEntry, buildEndMarker, parseEndMarker, serializeManifest, sha256Hex, type Manifest, type ManifestEntry } from '../../src/domain/manifest';
import { assembleStored, headChunkIndex } from '../../src/domain/manifestChunks';
import { activityName } from '../../src/domain/objectNames';

export interface SegmentSpan {
  readonly index: number;
  readonly entry: ManifestEntry;
  /** ISO: where this segment's activity object starts (the previous entry's end; the session's start for the first). */
  readonly from: string;
}

/** The session's manifest, whole (no sealed chunks expected). */
export async function readManifest(root: string, prefix: string): Promise<Manifest> {
  const head = await readFile(join(root, prefix, 'manifest.json'), 'utf8');
  if (headChunkIndex(head) !== 0) throw new Error('attachActivity: the session has sealed manifest chunks; record a shorter one');
  const stored = assembleStored(head, []);
  if (stored.manifest === undefined) throw new Error('attachActivity: manifest.json did not assemble');
  return stored.manifest;
}

/** What a test says about one segment's activity: the object without what the fixture fills in. */
export type ActivityBody = Omit<ActivityObject, 'format' | 'sessionPrefix' | 'start' | 'end'>;

/**
 * Rewrites the session at `root/prefix` (a file:// destination's directory) so each entry names
 * the activity object `describe` returns for it (undefined: no activity for that segment).
 */
export async function attachActivity(root: string, prefix: string, describe: (span: SegmentSpan) => ActivityBody | undefined): Promise<Manifest> {
  const manifest = await readManifest(root, prefix);
  let rebuilt: Manifest = { ...manifest, entries: [] };
  let from = manifest.startedAt ?? manifest.entries[0]?.start ?? new Date(0).toISOString();
  for (const [index, original] of manifest.entries.entries()) {
    const { prevEntrySha256: _prev, activity: _old, ...entry } = original;
    const body = describe({ index, entry: original, from });
    let ref: ManifestEntry['activity'];
    if (body !== undefined) {
      const text = serializeActivity({ format: ACTIVITY_FORMAT, ...body, sessionPrefix: prefix, start: from, end: original.end });
      const key = `${prefix}${activityName(Date.parse(original.start))}`;
      await mkdir(dirname(join(root, key)), { recursive: true });
      await writeFile(join(root, key), text);
      ref = { key, bytes: Buffer.byteLength(text), sha256: sha256Hex(text) };
    }
    rebuilt = appendEntry(rebuilt, { ...entry, ...(ref === undefined ? {} : { activity: ref }) });
    from = original.end;
  }
  const manifestText = serializeManifest(rebuilt);
  await writeFile(join(root, prefix, 'manifest.json'), manifestText);
  const end = parseEndMarker(await readFile(join(root, prefix, 'end.json'), 'utf8'));
  const marker = buildEndMarker(rebuilt, {
    endedAtMs: Date.parse(end.endedAt), reason: end.reason, leftInSpool: end.leftInSpool, manifestSha256: sha256Hex(manifestText),
    ...(end.coverage === undefined ? {} : { coverage: end.coverage }),
  });
  await writeFile(join(root, prefix, 'end.json'), `${JSON.stringify(marker, null, 2)}\n`);
  return rebuilt;
}

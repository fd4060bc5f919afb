/**
 * A session written into a file:// store with the domain's own serializers, for the window part
 * of `search` until the recorder writes activity objects itself: metadata, one activity object
 * per segment named by its manifest entry (`entry.activity`: key, bytes, SHA-256, in the chain),
 * manifest.json. The segments are not written (search --no-ocr never reads them).
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { serializeActivity, ACTIVITY_FORMAT, type ActivityObject } from '../../src/domain/activity';
import { addMetadata, appendEntry, emptyManifest, serializeManifest, sha256Hex } from '../../src/domain/manifest';
import { activityName, metadataName, segmentName } from '../../src/domain/objectNames';

export interface FixtureSegment {
  readonly startMs: number;
  readonly seconds: number;
  /** The activity object's `initial` and `events` (the rest is filled in). */
  readonly activity: Pick<ActivityObject, 'initial' | 'events'>;
}

/** Writes the session under `<storeDir>/<prefix>`; returns the activity objects' paths in order. */
export async function writeActivitySession(storeDir: string, prefix: string, startedAtMs: number, segments: readonly FixtureSegment[]): Promise<string[]> {
  const dir = join(storeDir, prefix);
  await mkdir(dir, { recursive: true });
  const metadata = Buffer.from(`${JSON.stringify({ sessionId: prefix.split('/')[2], stack: prefix.split('/')[0], fleet: prefix.split('/')[1], user: 'carol', startedAt: new Date(startedAtMs).toISOString() })}\n`);
  await writeFile(join(dir, metadataName(startedAtMs)), metadata);
  let manifest = addMetadata(emptyManifest(prefix), { key: `${prefix}${metadataName(startedAtMs)}`, sha256: sha256Hex(metadata) });
  const files: { path: string; bytes: Buffer }[] = [];
  segments.forEach((s, index) => {
    const activity: ActivityObject = {
      format: ACTIVITY_FORMAT, sessionPrefix: prefix, source: 'x11-focus', start: new Date(s.startMs).toISOString(),
      end: new Date(s.startMs + s.seconds * 1000).toISOString(), unobserved: [], ...s.activity,
    };
    const bytes = Buffer.from(serializeActivity(activity));
    const name = activityName(s.startMs);
    files.push({ path: join(dir, name), bytes });
    manifest = appendEntry(manifest, {
      key: `${prefix}${segmentName(s.startMs)}`, runId: 'run-1', index, start: activity.start, end: activity.end, durationSeconds: s.seconds,
      bytes: 1000, sha256: sha256Hex(`video ${index}`), width: 1280, height: 720, complete: true,
      activity: { key: `${prefix}${name}`, bytes: bytes.length, sha256: sha256Hex(bytes) },
    });
  });
  await Promise.all(files.map((f) => writeFile(f.path, f.bytes)));
  await writeFile(join(dir, 'manifest.json'), serializeManifest(manifest));
  return files.map((f) => f.path);
}

/**
 * The cheap integrity check `list` and `view` run on a session without downloading any video:
 * the manifest's hash chain, end.json pinning the chain's head, the manifest's own bytes and the
 * totals, every manifest entry present in the listing with its exact size, and the metadata
 * object matching the hash the manifest recorded for it. (`export` also checks every segment's
 * SHA-256 as it downloads it.) Pure.
 */
import { manifestTotals, parseEndMarker, sha256Hex, verifyChain, type EndMarker, type Manifest } from '../domain/manifest';
import { assembleStored } from '../domain/manifestChunks';
import { nameInSession } from '../domain/objectNames';
import type { StoredObject } from '../domain/objectStore';

export interface SessionObjects {
  /** `stack/fleet/session/`. */
  readonly sessionPrefix: string;
  /** The session level's listing. */
  readonly listing: readonly StoredObject[];
  /** manifest.json: the manifest's open chunk (or a whole /1 manifest). */
  readonly manifestBytes?: Buffer;
  /** The sealed chunks manifest.json names, in index order (undefined where missing); see readChunkTexts. */
  readonly manifestChunks?: readonly (string | undefined)[];
  readonly endBytes?: Buffer;
  /** The metadata object that was read, if any. */
  readonly metadata?: { readonly key: string; readonly bytes: Buffer };
  /** Why an object in the listing was not read (too large, unreadable): reported instead of "no ...". */
  readonly unread?: { readonly manifest?: string; readonly end?: string; readonly metadata?: string };
}

export interface SessionCheck {
  readonly manifest?: Manifest;
  readonly end?: EndMarker;
  /** end.json is there and says every segment and the manifest were durable. */
  readonly complete: boolean;
  /** Nothing below went wrong and end.json pins the chain: the session is whole and unaltered. */
  readonly verified: boolean;
  /** Each problem in one line; empty when verified. */
  readonly problems: readonly string[];
}

export function checkSession(objects: SessionObjects): SessionCheck {
  const problems: string[] = [];
  const { sessionPrefix } = objects;
  const sizes = new Map(objects.listing.map((o) => [o.key, o.bytes]));

  let manifest: Manifest | undefined;
  const { unread = {} } = objects;
  if (unread.metadata !== undefined) problems.push(unread.metadata);
  if (unread.manifest !== undefined) problems.push(unread.manifest);
  else if (objects.manifestBytes === undefined) problems.push('no manifest.json');
  else {
    try {
      const stored = assembleStored(objects.manifestBytes.toString('utf8'), objects.manifestChunks ?? []);
      manifest = stored.manifest;
      for (const p of stored.problems.slice(0, 3)) problems.push(p.message);
      if (stored.problems.length > 3) problems.push(`... and ${stored.problems.length - 3} more manifest chunk problems`);
    } catch (e) {
      problems.push(`manifest.json: ${(e as Error).message}`);
    }
  }

  let end: EndMarker | undefined;
  if (unread.end !== undefined) problems.push(unread.end);
  else if (objects.endBytes === undefined) problems.push('no end.json: the session is still open, or its recorder stopped before closing it');
  else {
    try {
      end = parseEndMarker(objects.endBytes.toString('utf8'));
    } catch (e) {
      problems.push(`end.json: ${(e as Error).message}`);
    }
  }

  if (manifest !== undefined) {
    if (manifest.sessionPrefix !== sessionPrefix) {
      problems.push(`manifest.json names session ${JSON.stringify(manifest.sessionPrefix)}, but it is stored under ${JSON.stringify(sessionPrefix)}`);
    }
    const chain = verifyChain(manifest);
    for (const p of chain.problems.slice(0, 3)) problems.push(`manifest entry ${p.index} (${p.key}) does not follow entry ${p.index - 1}: the chain is broken`);
    if (chain.problems.length > 3) problems.push(`... and ${chain.problems.length - 3} more broken links`);
    let missing = 0;
    for (const entry of manifest.entries) {
      const size = sizes.get(entry.key);
      if (nameInSession(entry.key, sessionPrefix) === undefined) problems.push(`manifest entry ${entry.index} points outside the session: ${JSON.stringify(entry.key)}`);
      else if (size === undefined) {
        if (missing++ < 3) problems.push(`segment ${entry.key} is in the manifest but not in the store`);
      } else if (size !== entry.bytes) problems.push(`segment ${entry.key} has ${size} bytes; the manifest says ${entry.bytes}`);
      // The segment's activity object (absent with --no-activity): inside the session, there, its size.
      const activity = entry.activity;
      if (activity === undefined) continue;
      const activitySize = sizes.get(activity.key);
      if (nameInSession(activity.key, sessionPrefix) === undefined) problems.push(`manifest entry ${entry.index}'s activity object points outside the session: ${JSON.stringify(activity.key)}`);
      else if (activitySize === undefined) {
        if (missing++ < 3) problems.push(`activity object ${activity.key} is in the manifest but not in the store`);
      } else if (activitySize !== activity.bytes) problems.push(`activity object ${activity.key} has ${activitySize} bytes; the manifest says ${activity.bytes}`);
    }
    if (missing > 3) problems.push(`... and ${missing - 3} more missing objects`);
    if (objects.metadata !== undefined) {
      const ref = manifest.metadata.find((m) => m.key === objects.metadata?.key);
      if (ref === undefined) problems.push(`metadata ${objects.metadata.key} is not referenced by the manifest`);
      else if (sha256Hex(objects.metadata.bytes) !== ref.sha256) problems.push(`metadata ${objects.metadata.key} does not match the SHA-256 the manifest recorded: it was altered`);
    }
    if (end !== undefined && objects.manifestBytes !== undefined) {
      const totals = manifestTotals(manifest);
      if (end.lastEntrySha256 !== chain.head) problems.push('end.json pins another last entry than the manifest has: entries were cut or changed');
      if (end.manifestSha256 !== sha256Hex(objects.manifestBytes)) problems.push('manifest.json is not the manifest end.json was written with');
      if (end.segments !== totals.segments || end.bytes !== totals.bytes) {
        problems.push(`end.json counts ${end.segments} segments / ${end.bytes} bytes, the manifest ${totals.segments} / ${totals.bytes}`);
      }
    }
  }
  const complete = end?.complete === true;
  return { ...(manifest ? { manifest } : {}), ...(end ? { end } : {}), complete, verified: problems.length === 0, problems };
}

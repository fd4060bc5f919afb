/**
 * Object names inside one session prefix (`<prefix><stack>/<fleet>/<session>/`). Pure.
 * The session prefix arrives already sanitized (see sanitize.ts); this module only joins names to it.
 *
 *   <startUtc>-metadata.json   who/where/when, written first
 *   <startUtc>-video.<ext>     one per segment, named by its start time
 *   <startUtc>-activity.json   the segment's activity track (window titles, idle), same start time
 *   manifest.json              the manifest's open (last) chunk: the newest entries, hash-chained
 *   manifest-000000.json ...   the manifest's sealed chunks, never rewritten (see manifestChunks.ts)
 *   end.json                   written last: totals
 */

/** The segment container's file extension: changing the container is this one line. */
export const SEGMENT_EXTENSION = 'mp4';

export const MANIFEST_NAME = 'manifest.json';
export const END_NAME = 'end.json';

const CONTENT_TYPES: Readonly<Record<string, string>> = {
  mp4: 'video/mp4',
  ts: 'video/mp2t',
  mkv: 'video/x-matroska',
  json: 'application/json',
};

/** `20261127T062409.123Z`: UTC, millisecond precision, sorts lexically in time order. */
export function formatStartUtc(epochMs: number): string {
  if (!Number.isFinite(epochMs)) throw new RangeError(`Expected a finite epoch-ms time, got ${String(epochMs)}`);
  return new Date(epochMs).toISOString().replace(/[-:]/g, '');
}

/** Inverse of formatStartUtc; undefined when `text` is not such a time. */
export function parseStartUtc(text: string): number | undefined {
  const m = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})\.(\d{3})Z$/.exec(text);
  if (!m) return undefined;
  const ms = Date.parse(`${m[1]}-${m[2]}-${m[3]}T${m[4]}:${m[5]}:${m[6]}.${m[7]}Z`);
  return Number.isNaN(ms) ? undefined : ms;
}

/** Joins a session prefix ('' or ending in '/'; a missing trailing '/' is added) and one name. */
export function joinKey(sessionPrefix: string, name: string): string {
  if (name === '' || name.includes('/') || name === '.' || name === '..') {
    throw new RangeError(`Expected an object name without "/", got ${JSON.stringify(name)}`);
  }
  if (sessionPrefix === '') return name;
  return sessionPrefix.endsWith('/') ? `${sessionPrefix}${name}` : `${sessionPrefix}/${name}`;
}

/**
 * The object name of a key (keys are relative to the destination, names to the session):
 * undefined when the key is not exactly `<sessionPrefix><plain name>`, a name without "/", "\\",
 * "." or "..". The one rule for what belongs to a session: `verify` checks manifests with it,
 * `list` reports entries outside it, the viewer serves nothing else.
 */
export function nameInSession(key: string, sessionPrefix: string): string | undefined {
  if (!key.startsWith(sessionPrefix)) return undefined;
  const name = key.slice(sessionPrefix.length);
  if (name === '' || name === '.' || name === '..' || name.includes('/') || name.includes('\\')) return undefined;
  return name;
}

export function metadataName(startMs: number): string {
  return `${formatStartUtc(startMs)}-metadata.json`;
}

export function segmentName(startMs: number, extension: string = SEGMENT_EXTENSION): string {
  return `${formatStartUtc(startMs)}-video.${extension}`;
}

export function activityName(segmentStartMs: number): string {
  return `${formatStartUtc(segmentStartMs)}-activity.json`;
}

export function metadataKey(sessionPrefix: string, startMs: number): string {
  return joinKey(sessionPrefix, metadataName(startMs));
}

export function segmentKey(sessionPrefix: string, startMs: number, extension: string = SEGMENT_EXTENSION): string {
  return joinKey(sessionPrefix, segmentName(startMs, extension));
}

export function manifestKey(sessionPrefix: string): string {
  return joinKey(sessionPrefix, MANIFEST_NAME);
}

/** `manifest-000012.json`: the sealed manifest chunk `index` (six digits: sorts in order). */
export function manifestChunkName(index: number): string {
  if (!Number.isInteger(index) || index < 0 || index > 999_999) throw new RangeError(`Expected a chunk index 0..999999, got ${String(index)}`);
  return `manifest-${String(index).padStart(6, '0')}.json`;
}

/** The index of a sealed manifest chunk's name, or undefined. */
export function manifestChunkIndex(name: string): number | undefined {
  const m = /^manifest-(\d{6})\.json$/.exec(name);
  return m ? Number(m[1]) : undefined;
}

export function endKey(sessionPrefix: string): string {
  return joinKey(sessionPrefix, END_NAME);
}

/** Content-Type for an object name, by extension; application/octet-stream when unknown. */
export function contentTypeFor(name: string): string {
  const dot = name.lastIndexOf('.');
  const ext = dot < 0 ? '' : name.slice(dot + 1).toLowerCase();
  return CONTENT_TYPES[ext] ?? 'application/octet-stream';
}

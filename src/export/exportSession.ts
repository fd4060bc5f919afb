/**
 * `export`: a session's segments, each checked against the manifest's SHA-256, joined into
 * regular MP4 files (see exportPlan.ts for what happens at a resolution change). Only segments that
 * decode where they are joined (decodableSegments.ts: a segment that continues the one before it
 * needs that one just before it): without --force any other refuses the export, with --force it is
 * left out and named, as is a segment missing from the store or not what was recorded. Work
 * happens in a hidden temp directory beside the output, so the output appears whole or not at all.
 */
import { mkdtemp, rename, rm, writeFile } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import type { ReadOnlyStore } from '../domain/objectStore';
import { checkSession } from '../auditor/sessionCheck';
import { formatBytes, formatDuration } from '../auditor/listFormat';
import { ConfigError } from '../domain/errors';
import { END_NAME, MANIFEST_NAME } from '../domain/objectNames';
import { readListedChunks } from '../auditor/sessionSummary';
import type { ManifestEntry } from '../domain/manifest';
import { decodableSegments, leftOutLine, type LeftOut } from './decodableSegments';
import { downloadSegments, IntegrityError } from './downloadSegments';
import { startsWithFtyp } from './mp4Signature';
import { inRecordingOrder } from '../domain/recordingOrder';
import { concatList, copyJoinArgs, fitJoinArgs, layoutRuns, partPaths, targetLayout, type ExportMode } from './exportPlan';
import type { ProgressLine } from './progressLine';
import { runFfmpeg } from './runFfmpeg';

export interface ExportOptions {
  readonly store: ReadOnlyStore;
  /** `stack/fleet/session/`. */
  readonly sessionPrefix: string;
  /** Absolute output path. */
  readonly out: string;
  readonly mode: ExportMode;
  /** Export even when the manifest's chain or end.json do not check out (each segment's SHA-256 is still enforced). */
  readonly force: boolean;
  readonly ffmpegPath: string;
  readonly progress?: ProgressLine;
  /** Segment downloads in flight. Default 4. */
  readonly concurrency?: number;
  /** Stops FFmpeg and the downloads (Ctrl+C). */
  readonly signal?: AbortSignal;
}

export interface ExportedFile {
  readonly path: string;
  readonly width: number;
  readonly height: number;
  readonly segments: number;
  /** From the manifest. */
  readonly seconds: number;
  /** Resized (scaled and padded) and re-encoded to fit one file: --single-file across layouts. */
  readonly reencoded: boolean;
}

export interface ExportResult {
  readonly files: readonly ExportedFile[];
  readonly verified: boolean;
  /** What did not check out (exported anyway: the session is open, or --force), then one line per segment left out. */
  readonly warnings: readonly string[];
  /**
   * Segments not joined (--force only, in manifest order): missing from the store, not what was
   * recorded, or undecodable where they would be joined (decodableSegments.ts).
   */
  readonly leftOut: readonly LeftOut[];
}

const MAX_JSON_BYTES = 64 * 1024 * 1024;

function percent(done: number, total: number): string {
  return `${Math.min(100, Math.floor((100 * done) / Math.max(0.001, total)))}%`;
}

/** "No end.json" means the session is open (or its recorder was lost): export what is there, and say so. */
function blocks(problem: string): boolean {
  return !problem.startsWith('no end.json');
}

export async function exportSession(options: ExportOptions): Promise<ExportResult> {
  const { store, sessionPrefix, out, progress } = options;
  const signal = options.signal ? { signal: options.signal } : {};
  const level = await store.listLevel(sessionPrefix);
  const metadataObject = level.objects.find((o) => o.key.endsWith('-metadata.json'));
  const [manifestBytes, endBytes, metadataBytes] = await Promise.all([
    store.readSmall(`${sessionPrefix}${MANIFEST_NAME}`, MAX_JSON_BYTES),
    store.readSmall(`${sessionPrefix}${END_NAME}`, MAX_JSON_BYTES),
    metadataObject === undefined ? undefined : store.readSmall(metadataObject.key, 1024 * 1024),
  ]);
  if (manifestBytes === undefined) {
    throw new ConfigError(
      `No ${MANIFEST_NAME} under ${store.description}${sessionPrefix}: not a session, or its recorder uploaded no segment yet; check the URL with \`session-recorder list\``,
    );
  }
  const manifestChunks = await readListedChunks(store, manifestBytes, level.objects);
  const check = checkSession({
    sessionPrefix,
    listing: level.objects,
    manifestBytes,
    manifestChunks,
    ...(endBytes ? { endBytes } : {}),
    ...(metadataObject && metadataBytes ? { metadata: { key: metadataObject.key, bytes: metadataBytes } } : {}),
  });
  const blocking = check.problems.filter(blocks);
  if (blocking.length > 0 && !options.force) {
    throw new IntegrityError(`The session does not check out, so it is not exported (--force exports it anyway): ${blocking.join('; ')}`);
  }
  const entries = inRecordingOrder(check.manifest?.entries ?? []);
  const inManifest = new Map((check.manifest?.entries ?? []).map((e, i) => [e, i + 1]));
  const manifestPosition = (e: ManifestEntry): number => inManifest.get(e) ?? 0;
  if (check.manifest === undefined) throw new IntegrityError(`The session's manifest cannot be read: ${check.problems.join('; ')}`);
  if (entries.length === 0) throw new ConfigError(`The session ${sessionPrefix} has no segments in its manifest yet: nothing to export`);

  // Segments that cannot be joined, known without downloading: missing from the store or of
  // another size (--force only: without it the session did not check out above), and those that
  // would not decode where they would be joined.
  const sizes = new Map(level.objects.map((o) => [o.key, o.bytes]));
  const unusable = new Map<ManifestEntry, string>();
  for (const entry of entries) {
    const size = sizes.get(entry.key);
    if (size === undefined) unusable.set(entry, 'it is in the manifest but not in the store');
    else if (size !== entry.bytes) unusable.set(entry, `it has ${size} bytes, the manifest says ${entry.bytes}: it is not what was recorded`);
  }
  const listed = decodableSegments(entries, unusable, manifestPosition);
  if (listed.leftOut.length > 0 && !options.force) {
    throw new IntegrityError(`The session does not check out, so it is not exported (--force exports the rest): ${listed.leftOut.map(leftOutLine).join('; ')}`);
  }
  const fetch = listed.kept;
  const totalBytes = fetch.reduce((s, e) => s + e.bytes, 0);
  const work = await mkdtemp(join(dirname(out), `.${basename(out)}.export-`));
  try {
    progress?.phase(`Downloading ${fetch.length} segment(s), ${formatBytes(totalBytes)}, checking each against the manifest's SHA-256`);
    const downloaded = await downloadSegments({
      store,
      entries: fetch,
      dir: work,
      keepGoing: options.force,
      ...signal,
      ...(options.concurrency !== undefined ? { concurrency: options.concurrency } : {}),
      onProgress: (p) =>
        progress?.update(
          `  ${p.segmentsDone}/${p.segments} segments  ${formatBytes(p.bytesDone)} of ${formatBytes(p.bytes)}  ${Math.floor((100 * p.bytesDone) / Math.max(1, p.bytes))}%`,
        ),
    });
    // With --force, an altered segment is left out too, and so is the rest of its chain.
    const fileOf = new Map(fetch.map((e, i) => [e, downloaded.files[i]]));
    const plan = downloaded.altered.size === 0 ? listed : decodableSegments(entries, new Map([...unusable, ...downloaded.altered]), manifestPosition);
    if (plan.kept.length === 0) {
      throw new IntegrityError(`No segment of the session can be exported: ${plan.leftOut.map(leftOutLine).join('; ')}`);
    }
    const kept = plan.kept;
    const files = kept.map((e) => fileOf.get(e) as string);

    // FFmpeg is told the format, and the files are checked to be MP4 before it opens them.
    for (const [i, file] of files.entries()) {
      if (!(await startsWithFtyp(file))) {
        throw new IntegrityError(`segment ${kept[i]?.key ?? file} is not an MP4 file (it does not start with an "ftyp" box): the session is not exported`);
      }
    }

    const runs = layoutRuns(kept);
    const totalSeconds = runs.reduce((s, r) => s + r.seconds, 0);

    // Join each run of same-layout segments without re-encoding.
    const single = options.mode === 'single-file' && runs.length > 1;
    const finals = single ? [out] : partPaths(out, runs);
    const runFiles: string[] = [];
    let offset = 0;
    for (const [i, run] of runs.entries()) {
      const listPath = join(work, `run-${i}.ffconcat`);
      const segmentFiles = files.slice(offset, offset + run.entries.length);
      offset += run.entries.length;
      await writeFile(listPath, concatList(segmentFiles));
      const target = join(work, `run-${i}.mp4`);
      progress?.phase(`Joining ${run.entries.length} segment(s) at ${run.width}x${run.height} without re-encoding${runs.length > 1 ? ` (part ${i + 1} of ${runs.length})` : ''}`);
      await runFfmpeg(options.ffmpegPath, copyJoinArgs(listPath, target), {
        expectedSeconds: run.seconds,
        onSeconds: (s) => progress?.update(`  ${formatDuration(s)} of ${formatDuration(run.seconds)}  ${percent(s, run.seconds)}`),
        ...signal,
      });
      runFiles.push(target);
    }

    const exported: ExportedFile[] = [];
    if (single) {
      const target = targetLayout(runs);
      const fitted = join(work, 'single.mp4');
      progress?.phase(`Re-encoding ${runs.length} parts into one ${target.width}x${target.height} file (scaled to fit and padded)`);
      await runFfmpeg(options.ffmpegPath, fitJoinArgs(runFiles, target, fitted), {
        expectedSeconds: totalSeconds,
        onSeconds: (s) => progress?.update(`  ${formatDuration(s)} of ${formatDuration(totalSeconds)}  ${percent(s, totalSeconds)}`),
        ...signal,
      });
      await rename(fitted, out);
      exported.push({ path: out, ...target, segments: kept.length, seconds: Math.round(totalSeconds * 1000) / 1000, reencoded: true });
    } else {
      for (const [i, run] of runs.entries()) {
        const path = finals[i] as string;
        await rename(runFiles[i] as string, path);
        exported.push({ path, width: run.width, height: run.height, segments: run.entries.length, seconds: run.seconds, reencoded: false });
      }
    }
    return { files: exported, verified: check.verified, warnings: [...check.problems, ...plan.leftOut.map(leftOutLine)], leftOut: plan.leftOut };
  } finally {
    progress?.done();
    await rm(work, { recursive: true, force: true });
  }
}

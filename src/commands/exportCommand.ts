import { resolve } from 'node:path';
import type { Command } from 'commander';
import { openStore } from '../adapters/openStore';
import { parseSessionUrl } from '../auditor/sessionLocation';
import { formatDuration } from '../auditor/listFormat';
import { ExitCode, FfmpegError, UploadError } from '../domain/errors';
import { IntegrityError } from '../export/downloadSegments';
import { exportSession } from '../export/exportSession';
import { progressLine } from '../export/progressLine';
import { configFor, withTableOptions, type CommandRegistration } from './commandContext';
import { positiveInteger } from './flagValues';

/** `export` refused: a segment or the manifest does not check out. */
export const EXIT_NOT_VERIFIED = 5;
/** Stopped by SIGINT/SIGTERM (128 + SIGINT, as shells report it). */
export const EXIT_INTERRUPTED = 130;

export const registerExport: CommandRegistration = (program: Command, ctx) => {
  withTableOptions(
    program
      .command('export')
      .description(
        "Download a session's segments, check each against the manifest's SHA-256 and join them into one MP4 without re-encoding. " +
          'At a resolution change it writes one file per layout (<out>-partN-WxH.mp4), or with --single-file one re-encoded file at the largest layout. ' +
          `Exit ${EXIT_NOT_VERIFIED} when the session does not check out.`,
      )
      .argument('<session-url>', 's3://bucket/prefix/STACK/FLEET/SESSION/ or file:///dir/STACK/FLEET/SESSION (see `list`)')
      .argument('<out>', 'output file, e.g. session.mp4')
      .option('--single-file', 'across resolution changes: one file, scaled to fit the largest layout and padded (re-encodes)')
      .option('--force', "export even when the manifest's chain or end.json do not check out (every segment's SHA-256 is still enforced)")
      .option('--ffmpeg-path <path>', 'FFmpeg executable', 'ffmpeg')
      .option('--concurrency <n>', 'segment downloads in flight', '4'),
    'export',
  ).action(async (url: string, outArg: string, flags: Record<string, unknown>) => {
    const location = parseSessionUrl(url, ctx.cwd);
    const store = openStore(location.destination, { ...configFor(ctx, 'export', flags), use: 'audit' });
    const progress = progressLine(ctx.stderr);
    // Ctrl+C stops the downloads and FFmpeg; the temp directory goes, no partial output stays.
    const interrupt = new AbortController();
    const onSignal = (): void => interrupt.abort();
    process.once('SIGINT', onSignal);
    process.once('SIGTERM', onSignal);
    try {
      const result = await exportSession({
        store,
        sessionPrefix: location.sessionPrefix,
        out: resolve(ctx.cwd, outArg),
        mode: flags.singleFile === true ? 'single-file' : 'split',
        force: flags.force === true,
        ffmpegPath: typeof flags.ffmpegPath === 'string' ? flags.ffmpegPath : 'ffmpeg',
        progress,
        concurrency: positiveInteger('--concurrency', flags.concurrency, 4, 64),
        signal: interrupt.signal,
      });
      for (const w of result.warnings) ctx.stderr.write(`warning: ${w}\n`);
      for (const f of result.files) {
        ctx.stdout.write(`${f.path}  ${f.width}x${f.height}  ${formatDuration(f.seconds)}  ${f.segments} segment(s)${f.reencoded ? '  re-encoded to fit' : ''}\n`);
      }
      ctx.setExitCode(ExitCode.ok);
    } catch (e) {
      if (interrupt.signal.aborted) {
        ctx.stderr.write('session-recorder: export interrupted; nothing was written\n');
        ctx.setExitCode(EXIT_INTERRUPTED);
      } else if (e instanceof IntegrityError) {
        ctx.stderr.write(`session-recorder: ${e.message}\n`);
        ctx.setExitCode(EXIT_NOT_VERIFIED);
      } else if (e instanceof FfmpegError || e instanceof UploadError) {
        ctx.stderr.write(`session-recorder: export failed: ${e.message}\n`);
        ctx.setExitCode(ExitCode.failure);
      } else throw e;
    } finally {
      process.off('SIGINT', onSignal);
      process.off('SIGTERM', onSignal);
      store.close();
    }
  });
};

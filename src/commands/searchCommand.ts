import type { Command } from 'commander';
import { parseDestination } from '../adapters/destination';
import { openStore } from '../adapters/openStore';
import { ToolMissingError } from '../adapters/tesseract';
import { parseTime } from '../auditor/timeWindow';
import { ConfigError, ExitCode, UploadError } from '../domain/errors';
import { ocrSetup } from '../search/ocrSetup';
import { formatMatchTable } from '../search/searchFormat';
import { searchProgressLine } from '../search/searchProgressLine';
import { searchSessions } from '../search/searchSessions';
import type { SearchRequest } from '../search/searchTypes';
import type { ProgressTarget } from '../verify/progressLine';
import { configFor, withTableOptions, type CommandRegistration } from './commandContext';
import { positiveInteger } from './flagValues';

/** `search`: an object did not match the manifest (it was not trusted; the other matches are printed). */
export const SEARCH_EXIT_INTEGRITY = 5;
/** `search`: some segment or activity object could not be read; the matches from the rest are printed. */
export const SEARCH_EXIT_INCOMPLETE = 6;
/** `search`: tesseract is missing (the line says how to install it; --no-ocr searches titles only). */
export const SEARCH_EXIT_NO_OCR_TOOL = 8;

export const registerSearch: CommandRegistration = (program: Command, ctx) => {
  withTableOptions(
    program
      .command('search')
      .description(
        'Find sessions and moments by window title (the activity track) and by text on screen (OCR of the frames that changed, at most one a second; ' +
          "each segment's text is cached by its SHA-256, so only new segments cost OCR). Case-insensitive substring. " +
          `Exit 0 (also when nothing matches: [] with --json), ${SEARCH_EXIT_INTEGRITY} an object did not match the manifest, ` +
          `${SEARCH_EXIT_INCOMPLETE} something could not be read, ${SEARCH_EXIT_NO_OCR_TOOL} tesseract is missing.`,
      )
      .argument('<url>', 'destination: s3://bucket/prefix/ or file:///dir')
      .argument('<text>', 'the text to find (a substring of a window title or a screen line, any case)')
      .option('--stack <name>', 'only this stack (as given to the recorder)')
      .option('--fleet <name>', 'only this fleet (as given to the recorder)')
      .option('--user <name>', "only this user (the metadata's raw value, any case)")
      .option('--since <time>', 'only sessions still running at or after this time: 2026-11-24 (UTC) or an ISO 8601 time')
      .option('--until <time>', 'only sessions that started before this time')
      .option('--json', 'print one JSON array of matches: {session, at, offsetSeconds, source, text}')
      .option('--no-ocr', 'search window titles only (no video is downloaded, tesseract is not needed)')
      .option('--concurrency <n>', 'segments read by OCR at once (default: the number of cores)'),
    'search',
  ).action(async (url: string, text: string, flags: Record<string, unknown>) => {
    const destination = parseDestination(url, ctx.cwd);
    const config = configFor(ctx, 'search', flags);
    const str = (k: string): string | undefined => (typeof flags[k] === 'string' ? (flags[k] as string) : undefined);
    if (text.trim() === '') throw new ConfigError('search: expected some text to search for, got an empty string');
    const since = str('since');
    const until = str('until');
    const request: SearchRequest = {
      text,
      ...(str('stack') !== undefined ? { stack: str('stack') } : {}),
      ...(str('fleet') !== undefined ? { fleet: str('fleet') } : {}),
      ...(str('user') !== undefined ? { user: str('user') } : {}),
      ...(since !== undefined ? { since: parseTime('--since', since) } : {}),
      ...(until !== undefined ? { until: parseTime('--until', until) } : {}),
      sources: flags.ocr === false ? ['window'] : ['window', 'screen'],
    };
    const concurrency = flags.concurrency === undefined ? undefined : positiveInteger('--concurrency', flags.concurrency, 1, 256);
    const store = openStore(destination, { ...config, use: 'audit' });
    const progress = searchProgressLine(ctx.stderr as unknown as ProgressTarget);
    try {
      const outcome = await searchSessions({
        store,
        request,
        ...(flags.ocr === false ? {} : { ocr: { ...ocrSetup(config, ctx.env), ...(concurrency !== undefined ? { concurrency } : {}) } }),
        onProgress: (p) => progress.update(p),
      });
      progress.done();
      ctx.stdout.write(flags.json === true ? `${JSON.stringify(outcome.matches, null, 2)}\n` : outcome.matches.length > 0 ? formatMatchTable(outcome.matches) : '');
      for (const p of outcome.problems) ctx.stderr.write(`search: ${p.session}: ${p.message}\n`);
      if (flags.json !== true) {
        ctx.stderr.write(
          `${outcome.matches.length} match(es) in ${outcome.sessions} session(s)` +
            (request.sources?.includes('screen') ? `; ${outcome.segmentsRead} segment(s) read by OCR, ${outcome.segmentsCached} from the cache (${config.cacheDir})` : '; screen text not searched (--no-ocr)') +
            '\n',
        );
      }
      const integrity = outcome.problems.some((p) => p.kind === 'integrity');
      ctx.setExitCode(integrity ? SEARCH_EXIT_INTEGRITY : outcome.problems.length > 0 ? SEARCH_EXIT_INCOMPLETE : ExitCode.ok);
    } catch (e) {
      progress.done();
      if (e instanceof ToolMissingError) {
        ctx.stderr.write(`session-recorder: ${e.message}\n`);
        ctx.setExitCode(SEARCH_EXIT_NO_OCR_TOOL);
      } else if (e instanceof RangeError || e instanceof UploadError) {
        ctx.stderr.write(`session-recorder: search: ${e.message}\n`);
        ctx.setExitCode(e instanceof RangeError ? ExitCode.usage : ExitCode.failure);
      } else throw e;
    } finally {
      store.close();
    }
  });
};

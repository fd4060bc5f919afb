import type { Command } from 'commander';
import { parseDestination } from '../adapters/destination';
import { openStore } from '../adapters/openStore';
import { findSessions } from '../auditor/findSessions';
import { formatJson, formatTable } from '../auditor/listFormat';
import { parseTime } from '../auditor/timeWindow';
import { ExitCode, UploadError } from '../domain/errors';
import { configFor, withTableOptions, type CommandRegistration } from './commandContext';
import { positiveInteger } from './flagValues';

export const registerList: CommandRegistration = (program: Command, ctx) => {
  withTableOptions(
    program
      .command('list')
      .description('List recorded sessions: one row per session with its size and whether it is complete and verified (no video is downloaded).')
      .argument('<url>', 'destination: s3://bucket/prefix/ or file:///dir')
      .option('--stack <name>', 'only this stack (as given to the recorder; matched on its key component)')
      .option('--fleet <name>', 'only this fleet (as given to the recorder; matched on its key component)')
      .option('--user <name>', "only this user (the metadata's raw value, any case)")
      .option('--since <time>', 'only sessions still running at or after this time: 2026-11-24 (UTC) or an ISO 8601 time')
      .option('--until <time>', 'only sessions that started before this time')
      .option('--json', 'print a JSON array (every field, and the problems found) instead of a table')
      .option('--concurrency <n>', 'sessions read at once', '16'),
    'list',
  ).action(async (url: string, flags: Record<string, unknown>) => {
    const destination = parseDestination(url, ctx.cwd);
    const config = configFor(ctx, 'list', flags);
    const str = (k: string): string | undefined => (typeof flags[k] === 'string' ? (flags[k] as string) : undefined);
    const since = str('since');
    const until = str('until');
    const query = {
      ...(str('stack') !== undefined ? { stack: str('stack') } : {}),
      ...(str('fleet') !== undefined ? { fleet: str('fleet') } : {}),
      ...(str('user') !== undefined ? { user: str('user') } : {}),
      ...(since !== undefined ? { since: parseTime('--since', since) } : {}),
      ...(until !== undefined ? { until: parseTime('--until', until) } : {}),
    };
    const concurrency = positiveInteger('--concurrency', flags.concurrency, 16, 256);
    const store = openStore(destination, { ...config, use: 'audit' });
    try {
      const sessions = await findSessions(store, query, { concurrency });
      ctx.stdout.write(flags.json === true ? formatJson(sessions) : formatTable(sessions));
      if (flags.json !== true) {
        const unverified = sessions.filter((s) => !s.verified).length;
        ctx.stderr.write(`${sessions.length} session(s)${unverified ? `, ${unverified} not verified (see --json for why)` : ''}\n`);
      }
      ctx.setExitCode(ExitCode.ok);
    } catch (e) {
      if (!(e instanceof UploadError)) throw e;
      ctx.stderr.write(`session-recorder: ${e.message}\n`);
      ctx.setExitCode(ExitCode.failure);
    } finally {
      store.close();
    }
  });
};

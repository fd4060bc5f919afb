import { ConfigError, ExitCode } from '../domain/errors';
import { requestEnd } from '../sentinel';
import { configFor, withTableOptions, type CommandRegistration } from './commandContext';

/** `end` timed out: the recorder did not delete the sentinel within --timeout. */
export const EXIT_END_TIMED_OUT = 4;

export const registerEnd: CommandRegistration = (program, ctx) => {
  withTableOptions(
    program.command('end').description("Ask the session's recorder to stop: write the sentinel and wait until the recorder deletes it."),
    'end',
  ).action(async (flags: Record<string, unknown>) => {
    const config = configFor(ctx, 'end', flags);
    if (config.sentinel === undefined) throw new ConfigError('end: no sentinel: pass --sentinel FILE, or --session-id ID to use <run-dir>/<session>/end');
    const result = await requestEnd({ sentinelPath: config.sentinel, timeoutMs: config.endTimeout * 1000, pid: process.pid, now: new Date() });
    if (result.vanished) {
      ctx.stdout.write(`recorder drained and exited after ${(result.waitedMs / 1000).toFixed(1)} s\n`);
      ctx.setExitCode(ExitCode.ok);
    } else {
      ctx.stderr.write(`the recorder did not finish within ${config.endTimeout} s (sentinel ${config.sentinel} still there); it keeps draining in the background\n`);
      ctx.setExitCode(EXIT_END_TIMED_OUT);
    }
  });
};

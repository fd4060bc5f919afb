import { createLogger } from '../logger';
import { configFor, withTableOptions, type CommandRegistration } from './commandContext';
import { runRecord } from '../recording/runRecord';

export const registerRecord: CommandRegistration = (program, ctx) => {
  withTableOptions(program.command('record').description('Record one session until its sentinel appears (or SIGTERM), then drain.'), 'record').action(
    async (flags: Record<string, unknown>) => {
      const config = configFor(ctx, 'record', flags);
      const code = await runRecord(config, {
        env: ctx.env,
        platform: ctx.platform,
        logger: createLogger(config.logLevel, process.stderr, { format: config.logFormat }),
        version: ctx.version,
        // With JSON lines on stdout, the human summary goes to stderr so scripts can parse stdout.
        print: (line) => (config.inspectJson === '-' ? ctx.stderr : ctx.stdout).write(`${line}\n`),
        stdout: ctx.stdout,
        cwd: ctx.cwd,
        signals: process,
      });
      ctx.setExitCode(code);
    },
  );
};

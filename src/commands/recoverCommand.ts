import { createLogger } from '../logger';
import { configFor, withTableOptions, type CommandRegistration } from './commandContext';
import { runRecover } from '../recovery/recoverSpool';

export const registerRecover: CommandRegistration = (program, ctx) => {
  withTableOptions(
    program
      .command('recover')
      .description(
        'Upload what earlier recorders left in the spool (killed, or drained with exit 3) under each session\'s own keys, continue its manifest, write end.json, clean up. Exit 0 nothing left, 3 something stays in the spool.',
      ),
    'recover',
  ).action(async (flags: Record<string, unknown>) => {
    const config = configFor(ctx, 'recover', flags);
    const code = await runRecover(config, {
      platform: ctx.platform,
      logger: createLogger(config.logLevel, process.stderr, { format: config.logFormat }),
      print: (line) => ctx.stdout.write(`${line}\n`),
    });
    ctx.setExitCode(code);
  });
};

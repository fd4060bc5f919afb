#!/usr/bin/env node
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Command, CommanderError } from 'commander';
import { loadConfig, type RecorderConfig } from './config/loadConfig';
import { commanderOptions, type CommandName } from './config/options';
import { ConfigError, EnvironmentError, ExitCode } from './domain/errors';
import { createLogger } from './logger';
import { runRecord } from './commands/record';
import { requestEnd } from './sentinel';

/** `end` timed out: the recorder did not delete the sentinel within --timeout. */
export const EXIT_END_TIMED_OUT = 4;

const version = (JSON.parse(readFileSync(join(__dirname, '..', 'package.json'), 'utf8')) as { version: string }).version;

function configFor(command: CommandName, flags: Record<string, unknown>): RecorderConfig {
  return loadConfig({ flags, env: process.env, platform: process.platform, cwd: process.cwd(), command });
}

function withOptions(command: Command, name: CommandName): Command {
  for (const option of commanderOptions(name)) command.addOption(option);
  return command;
}

export function buildProgram(setExitCode: (code: number) => void): Command {
  const program = new Command('session-recorder')
    .description('Records remote-desktop sessions into gapless, crash-safe video segments stored durably in S3.')
    .version(version)
    .showHelpAfterError('(run with --help for usage)')
    .exitOverride();

  withOptions(program.command('record').description('Record one session until its sentinel appears (or SIGTERM), then drain.'), 'record').action(
    async (flags: Record<string, unknown>) => {
      const config = configFor('record', flags);
      const logger = createLogger(config.logLevel);
      setExitCode(
        await runRecord(config, {
          env: process.env,
          platform: process.platform,
          logger,
          version,
          print: (line) => process.stdout.write(`${line}\n`),
          signals: process,
        }),
      );
    },
  );

  withOptions(program.command('end').description('Ask the session\'s recorder to stop: write the sentinel and wait until the recorder deletes it.'), 'end').action(
    async (flags: Record<string, unknown>) => {
      const config = configFor('end', flags);
      if (config.sentinel === undefined) throw new ConfigError('end: no sentinel: pass --sentinel FILE, or --session-id ID to use <run-dir>/<session>/end');
      const result = await requestEnd({ sentinelPath: config.sentinel, timeoutMs: config.endTimeout * 1000, pid: process.pid, now: new Date() });
      if (result.vanished) {
        process.stdout.write(`recorder drained and exited after ${(result.waitedMs / 1000).toFixed(1)} s\n`);
        setExitCode(ExitCode.ok);
      } else {
        process.stderr.write(`the recorder did not finish within ${config.endTimeout} s (sentinel ${config.sentinel} still there); it keeps draining in the background\n`);
        setExitCode(EXIT_END_TIMED_OUT);
      }
    },
  );
  return program;
}

/** One line for the user, a distinct exit code, never a stack trace for a usage problem. */
export function exitCodeFor(error: unknown): { code: number; message?: string } {
  if (error instanceof CommanderError) {
    if (error.code === 'commander.helpDisplayed' || error.code === 'commander.version' || error.code === 'commander.help') return { code: ExitCode.ok };
    return { code: ExitCode.usage }; // commander already printed its one line
  }
  if (error instanceof ConfigError || error instanceof EnvironmentError) return { code: ExitCode.usage, message: `session-recorder: ${error.message}` };
  const message = error instanceof Error ? (error.stack ?? error.message) : String(error);
  return { code: ExitCode.failure, message: `session-recorder: unexpected failure: ${message}` };
}

async function main(): Promise<void> {
  let exitCode: number = ExitCode.ok;
  try {
    await buildProgram((code) => (exitCode = code)).parseAsync(process.argv);
  } catch (error) {
    const { code, message } = exitCodeFor(error);
    if (message) process.stderr.write(`${message}\n`);
    exitCode = code;
  }
  process.exitCode = exitCode;
  // Leftover handles (an SDK socket, a watcher closing) must not keep a finished recorder alive.
  setTimeout(() => process.exit(exitCode), 2_000).unref();
}

if (require.main === module) void main();

#!/usr/bin/env node
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Command, CommanderError } from 'commander';
import { ConfigError, EnvironmentError, ExitCode } from './domain/errors';
import type { CommandContext, CommandRegistration } from './commands/commandContext';
import { registerRecord } from './commands/recordCommand';
import { registerEnd } from './commands/endCommand';
import { registerRecover } from './commands/recoverCommand';
import { registerList } from './commands/listCommand';
import { registerExport } from './commands/exportCommand';
import { registerView } from './commands/viewCommand';
import { registerVerify } from './commands/verifyCommand';
import { registerSearch } from './commands/searchCommand';
import { escapeBidiControls } from './domain/unicodeText';

/** Every subcommand, each in its own file under src/commands/. */
const commands: readonly CommandRegistration[] = [registerRecord, registerEnd, registerRecover, registerVerify, registerList, registerExport, registerView, registerSearch];

const version = (JSON.parse(readFileSync(join(__dirname, '..', 'package.json'), 'utf8')) as { version: string }).version;

export function buildProgram(ctx: CommandContext): Command {
  const program = new Command('session-recorder')
    .description('Records remote-desktop sessions into gapless, crash-safe video segments stored durably in S3.')
    .version(version)
    // Usage errors on one line (commander would print the message, a suggestion and a hint on three).
    .configureOutput({ outputError: (text, write) => write(`${oneLineUsageError(text)}\n`) })
    .exitOverride();
  for (const register of commands) register(program, ctx);
  return program;
}

/** `error: unknown option '--x'\n(Did you mean --y?)\n` → `session-recorder: unknown option '--x' (Did you mean --y?); run with --help for usage`. */
export function oneLineUsageError(text: string): string {
  const message = text.replace(/^error: /, '').split('\n').map((l) => l.trim()).filter((l) => l !== '').join(' ');
  return `session-recorder: ${message}; run with --help for usage`;
}

/** One line for the user, a distinct exit code, never a stack trace for a usage problem. */
export function exitCodeFor(error: unknown): { code: number; message?: string } {
  if (error instanceof CommanderError) {
    if (error.code === 'commander.helpDisplayed' || error.code === 'commander.version' || error.code === 'commander.help') return { code: ExitCode.ok };
    return { code: ExitCode.usage }; // commander already printed its one line
  }
  // Messages quote untrusted values: their bidi controls are escaped, like the JSON log's.
  if (error instanceof ConfigError || error instanceof EnvironmentError) return { code: ExitCode.usage, message: escapeBidiControls(`session-recorder: ${error.message}`) };
  const message = error instanceof Error ? (error.stack ?? error.message) : String(error);
  return { code: ExitCode.failure, message: escapeBidiControls(`session-recorder: unexpected failure: ${message}`) };
}

async function main(): Promise<void> {
  // The AWS SDK is pinned (package.json) at a release that supports Node 20; its notice that
  // later releases need Node 22 would otherwise open every run's stderr. Upgrade Node before the SDK.
  process.env['AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED'] ??= 'true';
  let exitCode: number = ExitCode.ok;
  const ctx: CommandContext = {
    version,
    env: process.env,
    platform: process.platform,
    cwd: process.cwd(),
    stdout: process.stdout,
    stderr: process.stderr,
    setExitCode: (code) => (exitCode = code),
  };
  try {
    await buildProgram(ctx).parseAsync(process.argv);
  } catch (error) {
    const { code, message } = exitCodeFor(error);
    if (message) process.stderr.write(`${message}\n`);
    exitCode = code;
  }
  process.exitCode = exitCode;
  // Leftover handles (an SDK socket, a watcher closing) must not keep a finished process alive.
  setTimeout(() => process.exit(exitCode), 2_000).unref();
}

if (require.main === module) void main();

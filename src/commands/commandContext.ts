import type { Command } from 'commander';
import { loadConfig, type RecorderConfig } from '../config/loadConfig';
import type { CommandName } from '../config/options';
import { commanderOptions } from '../config/optionRendering';

/** What every subcommand gets from cli.ts: the process's world, passed in, never read deep inside. */
export interface CommandContext {
  readonly version: string;
  readonly env: NodeJS.ProcessEnv;
  readonly platform: NodeJS.Platform;
  readonly cwd: string;
  readonly stdout: NodeJS.WritableStream;
  readonly stderr: NodeJS.WritableStream;
  /** The command's exit code (the process exits with it once the action resolves). */
  setExitCode(code: number): void;
}

/** One subcommand: registers itself (name, options, action) on the program. */
export type CommandRegistration = (program: Command, ctx: CommandContext) => void;

/** Adds a command's options from the option table (see config/options.ts). */
export function withTableOptions(command: Command, name: CommandName): Command {
  for (const option of commanderOptions(name)) command.addOption(option);
  return command;
}

export function configFor(ctx: CommandContext, command: CommandName, flags: Record<string, unknown>): RecorderConfig {
  return loadConfig({ flags, env: ctx.env, platform: ctx.platform, cwd: ctx.cwd, command });
}

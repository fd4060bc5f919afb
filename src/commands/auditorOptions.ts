/**
 * Store flags shared by the auditor's commands (list, export, view). They mean what the option
 * table's --endpoint, --region and --checksum-mode mean for `record` (same names, same
 * environment variables, same checks), but the auditor's commands are not in the table: they read
 * a destination with other credentials and have no config file or spool.
 */
import { Option, type Command } from 'commander';
import type { ReadStoreOptions } from '../auditor/readStore';
import { ConfigError } from '../domain/errors';
import { endpointUrl, oneOf, text } from '../config/valueTypes';
import type { CommandContext } from './commandContext';

const CHECKSUM_MODES = ['WHEN_SUPPORTED', 'WHEN_REQUIRED'] as const;

export function withStoreFlags(command: Command): Command {
  return command
    .addOption(new Option('--endpoint <url>', 'S3-compatible endpoint (MinIO, Ceph, s3rver...) [env SESSION_RECORDER_ENDPOINT] (default: AWS S3)'))
    .addOption(new Option('--region <region>', 'S3 region [env SESSION_RECORDER_REGION] (default: AWS SDK default chain; us-east-1 with --endpoint)'))
    .addOption(
      new Option('--checksum-mode <mode>', "The SDK's checksum mode: WHEN_SUPPORTED or WHEN_REQUIRED [env SESSION_RECORDER_CHECKSUM_MODE] (default: WHEN_REQUIRED with --endpoint)"),
    );
}

function pick(flags: Record<string, unknown>, attribute: string, env: NodeJS.ProcessEnv, name: string): { value: string; where: string } | undefined {
  const flag = flags[attribute];
  if (typeof flag === 'string') return { value: flag, where: '' };
  const fromEnv = env[name];
  return fromEnv !== undefined && fromEnv !== '' ? { value: fromEnv, where: ` from ${name}` } : undefined;
}

/** Validated store options: flags win over SESSION_RECORDER_* variables. Throws ConfigError. */
export function storeOptionsFrom(ctx: Pick<CommandContext, 'env'>, flags: Record<string, unknown>): ReadStoreOptions {
  const endpoint = pick(flags, 'endpoint', ctx.env, 'SESSION_RECORDER_ENDPOINT');
  const region = pick(flags, 'region', ctx.env, 'SESSION_RECORDER_REGION');
  const mode = pick(flags, 'checksumMode', ctx.env, 'SESSION_RECORDER_CHECKSUM_MODE');
  if (endpoint !== undefined && !endpointUrl().safeParse(endpoint.value).success) {
    throw new ConfigError(`--endpoint: expected an http:// or https:// URL without credentials, got ${JSON.stringify(endpoint.value)}${endpoint.where}`);
  }
  if (region !== undefined && !text(64).safeParse(region.value).success) {
    throw new ConfigError(`--region: expected a region name such as us-east-1, got ${JSON.stringify(region.value)}${region.where}`);
  }
  const modeResult = mode === undefined ? undefined : oneOf(CHECKSUM_MODES).safeParse(mode.value);
  if (mode !== undefined && !modeResult?.success) {
    throw new ConfigError(`--checksum-mode: expected WHEN_SUPPORTED or WHEN_REQUIRED, got ${JSON.stringify(mode.value)}${mode.where}`);
  }
  return {
    ...(endpoint ? { endpoint: endpoint.value } : {}),
    ...(region ? { region: region.value } : {}),
    ...(modeResult?.success ? { checksumMode: modeResult.data } : {}),
  };
}

/** A positive integer flag value. */
export function positiveInteger(flag: string, value: unknown, fallback: number, max = 1024): number {
  if (value === undefined) return fallback;
  const n = typeof value === 'string' && /^\d+$/.test(value) ? Number(value) : NaN;
  if (!Number.isInteger(n) || n < 1 || n > max) throw new ConfigError(`${flag}: expected a whole number from 1 to ${max}, got ${JSON.stringify(value)}`);
  return n;
}

import { readFileSync } from 'node:fs';
import { ConfigError } from '../domain/errors';
import type { Env } from './defaults';
import { flagAttribute, flagName } from './optionRendering';
import { optionTable, options, type CommandName, type OptionName, type OptionSpec, type RecorderOptions } from './options';
import { customProblem } from './valueTypes';
import { checkProtectionOptions } from './storageProtection';

export type OptionOrigin = 'flag' | 'env' | 'file' | 'default';

/** Validated, frozen configuration: every option (see options.ts) plus where each value came from. */
export interface RecorderConfig extends RecorderOptions {
  readonly origins: Readonly<Record<OptionName, OptionOrigin>>;
}

export interface LoadConfigInput {
  /** `command.opts()` from commander: keys are flag attributes (`segmentSeconds`, `config`, `inspect`). Unknown keys are ignored. */
  readonly flags: Readonly<Record<string, unknown>>;
  readonly env: Env;
  readonly platform: string;
  /** Absolute working directory; relative paths are resolved against it. */
  readonly cwd: string;
  /** Only this command's options are read; the others keep their defaults. Default `record`. */
  readonly command?: CommandName;
  /** Reads the config file (default: fs.readFileSync as UTF-8). */
  readonly readFile?: (path: string) => string;
}

const ENV_PREFIX = 'SESSION_RECORDER_';

/**
 * Flags > environment (`SESSION_RECORDER_*`) > config file (JSON) > defaults. Throws ConfigError
 * with one line: the flag, the bad value, its source, what is expected. Unknown config-file keys
 * and unknown `SESSION_RECORDER_*` variables are errors (a typo must not silently record to the
 * wrong place). Empty environment variables count as unset.
 */
export function loadConfig(input: LoadConfigInput): RecorderConfig {
  const { flags, env, platform, cwd } = input;
  const command = input.command ?? 'record';
  const ctx = { platform, cwd };
  checkEnvNames(env);
  // The auditor's list/export/view take no config file (they read with other credentials, elsewhere).
  const configRaw = optionTable.configFile.commands.includes(command) ? pick(optionTable.configFile, flags, env, undefined) : undefined;
  const configFile = configRaw === undefined ? undefined : (parseValue(optionTable.configFile, configRaw, ctx) as string);
  const file = configFile === undefined ? undefined : readConfigFile(configFile, input.readFile ?? ((p) => readFileSync(p, 'utf8')));

  const chosen: Record<string, unknown> = {};
  const origins: Record<string, OptionOrigin> = {};
  for (const spec of options) {
    const raw = spec.commands.includes(command) ? pick(spec, flags, env, file) : undefined;
    if (raw === undefined) {
      chosen[spec.name] = spec.default({ ...ctx, env, chosen: chosen as Partial<RecorderOptions> });
      origins[spec.name] = 'default';
    } else {
      chosen[spec.name] = parseValue(spec, raw, ctx);
      origins[spec.name] = raw.origin;
    }
  }
  checkProtectionOptions(chosen as unknown as RecorderOptions);
  return deepFreeze({ ...(chosen as unknown as RecorderOptions), origins: origins as Record<OptionName, OptionOrigin> });
}

interface RawValue {
  readonly value: unknown;
  readonly origin: OptionOrigin;
  /** For messages: `SESSION_RECORDER_X`, or `"key" in /path.json`. */
  readonly where: string;
}

function pick(spec: OptionSpec, flags: LoadConfigInput['flags'], env: Env, file: ConfigFile | undefined): RawValue | undefined {
  const attribute = flagAttribute(spec);
  let flag = Object.prototype.hasOwnProperty.call(flags, attribute) ? flags[attribute] : undefined;
  // A lone `--no-x` flag: commander sets `x: true` when it is absent; only `false` came from the command line.
  if (spec.flag.startsWith('--no-') && flag === true) flag = undefined;
  if (flag !== undefined) return { value: flag, origin: 'flag', where: '' };
  const fromEnv = Object.prototype.hasOwnProperty.call(env, spec.env) ? env[spec.env] : undefined;
  if (fromEnv !== undefined && fromEnv !== '') return { value: fromEnv, origin: 'env', where: ` from ${spec.env}` };
  if (file !== undefined && spec.fileKey !== undefined && file.values.has(spec.fileKey)) {
    return { value: file.values.get(spec.fileKey), origin: 'file', where: ` from "${spec.fileKey}" in ${file.path}` };
  }
  return undefined;
}

function parseValue(spec: OptionSpec, raw: RawValue, ctx: { platform: string; cwd: string }): unknown {
  const result = spec.schema(ctx).safeParse(raw.value);
  if (result.success) return result.data;
  const detail = customProblem(result.error);
  // A custom check (the destination parser) already says what was wrong, with the value.
  const what = detail ?? `expected ${spec.expected}, got ${show(raw.value)}`;
  throw new ConfigError(`${flagName(spec)}: ${what}${raw.where}`);
}

/** A value as the user typed it, quoted and escaped so control characters stay on one line. */
function show(value: unknown): string {
  const shown = JSON.stringify(value) ?? String(value);
  return shown.length > 200 ? `${shown.slice(0, 200)}…` : shown;
}

interface ConfigFile {
  readonly path: string;
  readonly values: ReadonlyMap<string, unknown>;
}

function readConfigFile(path: string, readFile: (path: string) => string): ConfigFile {
  let body: string;
  try {
    body = readFile(path);
  } catch (err) {
    throw new ConfigError(`--config: cannot read ${path} (${(err as NodeJS.ErrnoException).code ?? String(err)}): give an existing JSON file`, { cause: err });
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(body);
  } catch (err) {
    throw new ConfigError(`--config: ${path} is not valid JSON (${(err as Error).message.split('\n')[0]}): fix the file`, { cause: err });
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    throw new ConfigError(`--config: ${path} must hold a JSON object like {"segmentSeconds": 60}, got ${show(parsed)}`);
  }
  const known = new Map(options.filter((o) => o.fileKey !== undefined).map((o) => [o.fileKey as string, o]));
  const values = new Map<string, unknown>();
  for (const [key, value] of Object.entries(parsed)) {
    if (!known.has(key)) {
      throw new ConfigError(`--config: unknown key ${show(key)} in ${path}${suggestion(key, [...known.keys()])}; the keys are listed in the README's configuration table`);
    }
    values.set(key, value);
  }
  return { path, values };
}

function checkEnvNames(env: Env): void {
  const known = new Set(options.map((o) => o.env));
  for (const name of Object.keys(env)) {
    if (name.startsWith(ENV_PREFIX) && !known.has(name) && env[name] !== undefined) {
      throw new ConfigError(`${name}: unknown setting${suggestion(name, [...known])}; unset it or use a variable from the README's configuration table`);
    }
  }
}

function suggestion(name: string, candidates: readonly string[]): string {
  let best: string | undefined;
  let bestDistance = 3;
  for (const candidate of candidates) {
    const d = distance(name.toLowerCase(), candidate.toLowerCase());
    if (d < bestDistance) {
      best = candidate;
      bestDistance = d;
    }
  }
  return best === undefined ? '' : ` (did you mean ${best}?)`;
}

/** Levenshtein distance, for "did you mean". */
function distance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      current[j] = Math.min((previous[j] ?? 0) + 1, (current[j - 1] ?? 0) + 1, (previous[j - 1] ?? 0) + (a[i - 1] === b[j - 1] ? 0 : 1));
    }
    previous = current;
  }
  return previous[b.length] ?? 0;
}

function deepFreeze<T>(value: T): T {
  if (typeof value === 'object' && value !== null && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const inner of Object.values(value)) deepFreeze(inner);
  }
  return value;
}

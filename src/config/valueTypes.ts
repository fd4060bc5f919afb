import { z } from 'zod';
import { parseDestination, type Destination } from '../adapters/destination';
import { ConfigError } from '../domain/errors';
import { pathFor } from './defaults';

/**
 * The value types options are made of. Each takes what a flag or an environment variable gives
 * (a string; `true` for a bare boolean flag) or what the JSON config file gives (a string, number
 * or boolean) and produces the typed value. Numbers are parsed strictly: digits only, so `abc`,
 * `-1`, `1e3`, ` 5` and (for integers) `1.5` are rejected.
 */
export interface ParseContext {
  readonly platform: string;
  readonly cwd: string;
}

export type ValueSchema<T> = z.ZodType<T, unknown>;

const DIGITS = /^[0-9]+$/;
const DECIMAL = /^[0-9]+(\.[0-9]+)?$/;

/** An integer in [min, max]. */
export function integer(min: number, max: number = Number.MAX_SAFE_INTEGER): ValueSchema<number> {
  return z.union([z.number(), z.string().regex(DIGITS).transform(Number)]).pipe(z.number().int().min(min).max(max));
}

/** A number (decimals allowed) in (exclusiveMin, max]. */
export function decimal(exclusiveMin: number, max: number): ValueSchema<number> {
  return z.union([z.number(), z.string().regex(DECIMAL).transform(Number)]).pipe(z.number().gt(exclusiveMin).max(max));
}

const TRUE_WORDS = ['true', '1', 'yes', 'on'];
const BOOLEAN_WORDS = [...TRUE_WORDS, 'false', '0', 'no', 'off'] as const;

/** `true`/`false`; from text also `1`/`0`, `yes`/`no`, `on`/`off` (any case). */
export function boolean(): ValueSchema<boolean> {
  return z.union([
    z.boolean(),
    z
      .string()
      .transform((s) => s.toLowerCase())
      .pipe(z.enum(BOOLEAN_WORDS))
      .transform((s) => TRUE_WORDS.includes(s)),
  ]);
}

export function oneOf<const T extends readonly [string, ...string[]]>(values: T): ValueSchema<T[number]> {
  return z.enum(values) as unknown as ValueSchema<T[number]>;
}

/** Non-empty text without control characters. */
export function text(maxLength = 1024): ValueSchema<string> {
  return z
    .string()
    .min(1)
    .max(maxLength)
    .refine((s) => !/\p{Cc}/u.test(s));
}

/** A path, made absolute against the working directory. */
export function localPath(ctx: ParseContext): ValueSchema<string> {
  return text(4096).transform((s) => pathFor(ctx.platform).resolve(ctx.cwd, s));
}

/** An http(s) URL without credentials in it. */
export function endpointUrl(): ValueSchema<string> {
  return text().refine((s) => {
    try {
      const url = new URL(s);
      return (url.protocol === 'http:' || url.protocol === 'https:') && url.username === '' && url.password === '';
    } catch {
      return false;
    }
  });
}

/** Parsed by the destination adapter (its one-line ConfigError becomes the detail of ours). */
export function destination(ctx: ParseContext): ValueSchema<Destination> {
  return z.string().transform((raw, zctx) => {
    try {
      return parseDestination(raw, ctx.cwd);
    } catch (err) {
      if (!(err instanceof ConfigError)) throw err;
      zctx.issues.push({ code: 'custom', message: err.message, input: raw, params: { detail: true } });
      return z.NEVER;
    }
  });
}

/** A TCP port; `true` (a bare `--inspect`) means `bareValue`. */
export function port(bareValue: number): ValueSchema<number> {
  return z.union([z.literal(true).transform(() => bareValue), integer(0, 65535)]);
}

/** The message a check of ours left (marked `params.detail`), to use in the one-line error; zod's own are generic. */
export function customProblem(error: z.ZodError): string | undefined {
  return error.issues.find((issue) => issue.code === 'custom' && issue.params?.['detail'] === true)?.message;
}

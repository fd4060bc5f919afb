import { ConfigError } from '../domain/errors';

/** A positive integer flag value (the auditor's --concurrency). */
export function positiveInteger(flag: string, value: unknown, fallback: number, max = 1024): number {
  if (value === undefined) return fallback;
  const n = typeof value === 'string' && /^\d+$/.test(value) ? Number(value) : NaN;
  if (!Number.isInteger(n) || n < 1 || n > max) throw new ConfigError(`${flag}: expected a whole number from 1 to ${max}, got ${JSON.stringify(value)}`);
  return n;
}

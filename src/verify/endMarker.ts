/** Parsing end.json (see domain/manifest.ts for what the recorder writes). Pure. */
import { z } from 'zod';
import { END_FORMAT, type EndMarker } from '../domain/manifest';

const hex64 = z.string().regex(/^[0-9a-f]{64}$/, 'a 64-character lowercase hex SHA-256');
const endSchema = z.object({
  format: z.literal(END_FORMAT),
  sessionPrefix: z.string(),
  endedAt: z.string(),
  reason: z.string(),
  complete: z.boolean(),
  leftInSpool: z.number().int().nonnegative(),
  segments: z.number().int().nonnegative(),
  bytes: z.number().int().nonnegative(),
  seconds: z.number().nonnegative(),
  lastEntrySha256: hex64,
  manifestSha256: hex64,
});

/** Parses end.json text; throws an Error saying what is wrong. */
export function parseEndMarker(text: string): EndMarker {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (e) {
    throw new Error(`Expected end.json to be JSON, got a parse error: ${(e as Error).message}`);
  }
  const result = endSchema.safeParse(json);
  if (!result.success) {
    const issue = result.error.issues[0];
    const where = issue ? issue.path.join('.') || '(root)' : '(root)';
    throw new Error(`Expected a ${END_FORMAT} end marker, but "${where}" is invalid: ${issue?.message ?? 'unknown'}`);
  }
  return result.data as EndMarker;
}

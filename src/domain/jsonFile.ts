import type { z } from 'zod';

/** `text` as JSON checked against `schema`; the Error names the file and the first invalid field. */
export function parseJsonFile<T>(text: string, schema: z.ZodType<T>, file: string, expected: string): T {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (e) {
    throw new Error(`Expected ${file} to be JSON, got a parse error: ${(e as Error).message}`);
  }
  const result = schema.safeParse(json);
  if (!result.success) {
    const issue = result.error.issues[0];
    const where = issue ? issue.path.join('.') || '(root)' : '(root)';
    throw new Error(`Expected a ${expected}, but "${where}" is invalid: ${issue?.message ?? 'unknown'}`);
  }
  return result.data;
}

/**
 * /proc and /sys are kernel file systems, not storage: a recursive mkdir under /proc never
 * settles (it spins a core; see facts.md), and nothing written there is kept. Every local path
 * the recorder writes to is checked against them, lexically and after resolving symbolic links.
 */
import { realpath } from 'node:fs/promises';
import path from 'node:path';

const PSEUDO_ROOTS = ['/proc', '/sys'] as const;

/** The pseudo file system `absolute` lies under (lexically), or undefined. Pure. */
export function pseudoFsRoot(absolute: string): string | undefined {
  const normal = path.posix.normalize(absolute);
  return PSEUDO_ROOTS.find((root) => normal === root || normal.startsWith(`${root}/`));
}

/** The same, after resolving the symbolic links of the nearest existing ancestor. */
export async function pseudoFsRootResolved(absolute: string): Promise<string | undefined> {
  const lexical = pseudoFsRoot(absolute);
  if (lexical !== undefined) return lexical;
  let existing = absolute;
  const rest: string[] = [];
  for (;;) {
    try {
      return pseudoFsRoot(path.join(await realpath(existing), ...rest));
    } catch {
      const parent = path.dirname(existing);
      if (parent === existing) return undefined;
      rest.unshift(path.basename(existing));
      existing = parent;
    }
  }
}

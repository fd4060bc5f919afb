/**
 * The manifest kept in the session's spool dir (`manifest.json`): written atomically after every
 * durable segment, read back by a successor recorder so it continues the same chain.
 */
import { readFile, rename } from 'node:fs/promises';
import type { Logger } from 'pino';
import { writeFileAtomic } from '../adapters/atomicWrite';
import { errorCode } from '../domain/errors';
import { type Manifest, emptyManifest, parseManifest, serializeManifest, verifyChain } from '../domain/manifest';

/**
 * The manifest at `path`, or a new empty one when there is none. An unreadable file is moved
 * aside (`manifest.json.unreadable-<ms>`) and a new chain starts: logged as an error. A broken
 * chain is logged and continued as it is (verify will show it).
 */
export async function loadSpoolManifest(path: string, sessionPrefix: string, logger: Logger, nowMs: number): Promise<Manifest> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (e) {
    if (errorCode(e) !== 'ENOENT') logger.error({ path, err: (e as Error).message }, 'cannot read the spool manifest; starting a new one');
    return emptyManifest(sessionPrefix);
  }
  let manifest: Manifest;
  try {
    manifest = parseManifest(text);
  } catch (e) {
    const aside = `${path}.unreadable-${nowMs}`;
    await rename(path, aside).catch(() => undefined);
    logger.error({ path: aside, err: (e as Error).message }, 'the spool manifest is unreadable; moved aside, starting a new chain');
    return emptyManifest(sessionPrefix);
  }
  if (manifest.sessionPrefix !== sessionPrefix) {
    logger.warn({ manifest: manifest.sessionPrefix, session: sessionPrefix }, 'the spool manifest belongs to another session prefix');
  }
  const chain = verifyChain(manifest);
  if (!chain.ok) logger.error({ problems: chain.problems }, 'the spool manifest chain is broken; continuing it as it is');
  logger.info({ entries: manifest.entries.length }, 'continuing the manifest found in the spool');
  return manifest;
}

export function saveSpoolManifest(path: string, manifest: Manifest): Promise<void> {
  return writeFileAtomic(path, serializeManifest(manifest));
}

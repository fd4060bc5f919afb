/**
 * The manifest kept in the session's spool dir, laid out like the destination: `manifest.json` (the
 * open chunk, written atomically after every change) and `manifest-NNNNNN.json` (each sealed chunk,
 * written once, before the manifest.json that follows it). Read back by a successor recorder, by
 * `recover` and by the store preflight, so the same chain continues.
 */
import { readFile, rename } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import type { Logger } from 'pino';
import { writeFileAtomic } from '../adapters/atomicWrite';
import { errorCode } from '../domain/errors';
import { type Manifest, verifyChain } from '../domain/manifest';
import { type ChunkedManifest, assembleStored, emptyChunked, readChunkTexts } from '../domain/manifestChunks';
import { manifestChunkName } from '../domain/objectNames';

async function readIfThere(path: string): Promise<Buffer | undefined> {
  try {
    return await readFile(path);
  } catch (e) {
    if (errorCode(e) === 'ENOENT') return undefined;
    throw e;
  }
}

/**
 * The chunked manifest whose open chunk is at `path` (the sealed ones beside it), or a new empty
 * one when there is none. An unreadable manifest.json is moved aside (`manifest.json.unreadable-<ms>`)
 * and a new chain starts: logged as an error. A broken chain (entries or chunks) is logged and
 * continued as it is (verify will show it).
 */
export async function loadSpoolChunks(path: string, sessionPrefix: string, logger: Logger, nowMs: number): Promise<ChunkedManifest> {
  let text: string;
  try {
    const bytes = await readIfThere(path);
    if (bytes === undefined) return emptyChunked(sessionPrefix);
    text = bytes.toString('utf8');
  } catch (e) {
    logger.error({ path, err: (e as Error).message }, 'cannot read the spool manifest; starting a new one');
    return emptyChunked(sessionPrefix);
  }
  let stored;
  try {
    const dir = dirname(path);
    const chunkTexts = await readChunkTexts(text, (name) => readIfThere(join(dir, name)).catch(() => undefined));
    stored = assembleStored(text, chunkTexts);
  } catch (e) {
    const aside = `${path}.unreadable-${nowMs}`;
    await rename(path, aside).catch(() => undefined);
    logger.error({ path: aside, err: (e as Error).message }, 'the spool manifest is unreadable; moved aside, starting a new chain');
    return emptyChunked(sessionPrefix);
  }
  const state = stored.state ?? emptyChunked(sessionPrefix);
  if (stored.problems.length > 0) logger.error({ problems: stored.problems }, 'the spool manifest chunks do not check out; continuing them as they are');
  if (state.whole.sessionPrefix !== sessionPrefix) {
    logger.warn({ manifest: state.whole.sessionPrefix, session: sessionPrefix }, 'the spool manifest belongs to another session prefix');
  }
  const chain = verifyChain(state.whole);
  if (!chain.ok) logger.error({ problems: chain.problems }, 'the spool manifest chain is broken; continuing it as it is');
  logger.info({ entries: state.whole.entries.length, chunks: state.sealed.length + 1 }, 'continuing the manifest found in the spool');
  return state;
}

/** The whole manifest in the spool (see loadSpoolChunks). */
export async function loadSpoolManifest(path: string, sessionPrefix: string, logger: Logger, nowMs: number): Promise<Manifest> {
  return (await loadSpoolChunks(path, sessionPrefix, logger, nowMs)).whole;
}

/**
 * Persists `next` (which followed `previous`): a chunk sealed in between is written first, then
 * manifest.json, each atomically; a crash between the two leaves a sealed copy of manifest.json's
 * chunk, which the next seal writes again with the same bytes.
 */
export async function saveSpoolChunks(path: string, next: ChunkedManifest, previous?: ChunkedManifest): Promise<void> {
  const dir = dirname(path);
  for (const chunk of next.sealed.slice(previous?.sealed.length ?? 0)) await writeFileAtomic(join(dir, manifestChunkName(chunk.index)), chunk.text);
  await writeFileAtomic(path, next.headText);
}

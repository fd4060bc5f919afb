/**
 * end.json, the last thing a session writes: built from the manifest (totals, coverage, the chain's
 * head), kept in the spool until the store has it (so `recover` can still send it), then uploaded
 * as one bounded finalize step and removed from the spool.
 */
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { writeFileAtomic } from '../adapters/atomicWrite';
import { checksumsOf } from '../adapters/checksums';
import { type EndMarker, buildEndMarker } from '../domain/manifest';
import { coverageField } from '../domain/manifestCoverage';
import { END_NAME, endKey } from '../domain/objectNames';
import type { WriteOnlyStore } from '../domain/objectStore';
import type { ManifestBook } from './manifestBook';
import { messageOf } from './uploadErrors';

export interface EndMarkerWrite {
  readonly book: ManifestBook;
  readonly store: WriteOnlyStore;
  readonly spoolDir: string;
  readonly sessionPrefix: string;
  readonly endedAtMs: number;
  readonly reason: string;
  /** Files still in the spool apart from end.json itself. */
  readonly leftInSpool: number;
  /** One finalize step (retried within its time): true when it succeeded. */
  readonly step: (name: string, op: (signal: AbortSignal) => Promise<void>, problems: string[]) => Promise<boolean>;
  /** What went wrong, appended to. */
  readonly problems: string[];
}

/** Writes end.json to the spool and the store; `durable` when the store has it (the spool copy is then gone). */
export async function writeEndMarker(w: EndMarkerWrite): Promise<{ end: EndMarker; durable: boolean }> {
  const end = buildEndMarker(w.book.manifest, {
    endedAtMs: w.endedAtMs,
    reason: w.reason,
    leftInSpool: w.leftInSpool,
    manifestSha256: w.book.headSha256,
    ...coverageField(w.book.manifest),
  });
  const body = Buffer.from(`${JSON.stringify(end, null, 2)}\n`);
  const path = join(w.spoolDir, END_NAME);
  await writeFileAtomic(path, body).catch((e: unknown) => w.problems.push(`end.json not written to the spool: ${messageOf(e)}`));
  const key = endKey(w.sessionPrefix);
  const durable = await w.step(
    END_NAME,
    (signal) => w.store.put(key, { data: body }, { ...checksumsOf(body), contentType: 'application/json', signal }),
    w.problems,
  );
  if (durable) await rm(path, { force: true }).catch(() => undefined);
  return { end, durable };
}

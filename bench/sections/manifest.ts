/**
 * Issue 16: manifest bytes uploaded per segment, at segment 10 and 1,000 (and the total over the
 * session), with the chunked manifest against the whole manifest.json re-uploaded after every
 * segment (before issue 16). The recorder's own ManifestBook writes to a real local store through
 * a counter; entries are realistic (60 s segments, full keys and hashes) and the session carries
 * its coverage records. Deterministic: no timing in it, so one run is enough.
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import pino from 'pino';
import { ManifestBook } from '../../src/actors/manifestBook';
import { createLocalStore } from '../../src/adapters/localStore';
import { addMetadata, appendEntry, entryFromSegment, serializeManifest, sha256Hex } from '../../src/domain/manifest';
import { withRun, withSessionStart } from '../../src/domain/manifestCoverage';
import { segmentKey } from '../../src/domain/objectNames';
import type { ObjectStore } from '../../src/domain/objectStore';
import type { BenchContext, SectionResult } from '../lib/context';

const SEGMENTS = 1_000;
const AT = [10, 100, 600, 1_000];
const PREFIX = 'stack-name/fleet-name/0f2c6f5e-7a1b-4c4e-9d55-3c1b2a9e8f70/';

export async function manifestSection(ctx: BenchContext): Promise<SectionResult> {
  const dir = join(ctx.work, 'manifest-bench');
  const spool = join(dir, 'spool');
  mkdirSync(spool, { recursive: true });
  const inner = createLocalStore(join(dir, 'dest'));
  let putBytes = 0;
  const store: ObjectStore = {
    ...inner,
    put: (key, body, options) => {
      if ('data' in body) putBytes += body.data.length;
      return inner.put(key, body, options);
    },
  };
  const book = new ManifestBook(store, PREFIX, spool, pino({ level: 'silent' }), undefined);
  await book.load(Date.now());
  const t0 = Date.parse('2026-12-01T08:00:00.000Z');
  await book.update((m) => withSessionStart(addMetadata(m, { key: `${PREFIX}20261201T080000.000Z-metadata.json`, sha256: sha256Hex('m') }), new Date(t0).toISOString()));
  await book.update((m) => withRun(m, { runId: `run-${t0}`, startedAtMs: t0, firstFrameAtMs: t0 + 400, endedAtMs: t0 + 30_000, end: { cause: 'x-connection-lost', code: 0, signal: null } }));
  const perSegment: { segment: number; chunked: number; whole: number }[] = [];
  let chunkedTotal = 0;
  let wholeTotal = 0;
  for (let i = 1; i <= SEGMENTS; i += 1) {
    const startMs = t0 + (i - 1) * 60_000;
    const key = segmentKey(PREFIX, startMs);
    await book.update((m) => appendEntry(m, entryFromSegment({ key, runId: `run-${t0 + 31_000}`, index: i - 1, startMs, endMs: startMs + 60_000, bytes: 3_000_000 + i, width: 1920, height: 1080, sha256: sha256Hex(key) }, true)));
    const before = putBytes;
    await book.upload(AbortSignal.timeout(10_000));
    const chunked = putBytes - before;
    const whole = Buffer.byteLength(serializeManifest(book.manifest));
    chunkedTotal += chunked;
    wholeTotal += whole;
    if (AT.includes(i)) perSegment.push({ segment: i, chunked, whole });
  }
  ctx.log(`manifest: ${SEGMENTS} segments, ${(chunkedTotal / 1e6).toFixed(2)} MB chunked against ${(wholeTotal / 1e6).toFixed(1)} MB whole`);
  const kb = (n: number) => `${(n / 1024).toFixed(1)} KB`;
  return {
    name: 'manifest',
    rows: [
      ...perSegment.map((p) => [`manifest bytes uploaded at segment ${p.segment}`, kb(p.chunked), `whole manifest.json: ${kb(p.whole)} (${(p.chunked / p.whole).toFixed(2)}×)`] as const),
      [`manifest bytes over ${SEGMENTS} segments (16.7 h at 60 s)`, `${(chunkedTotal / 1e6).toFixed(2)} MB`, `whole: ${(wholeTotal / 1e6).toFixed(1)} MB (${(chunkedTotal / wholeTotal).toFixed(3)}×); goal: constant per segment`],
    ],
    data: { segments: SEGMENTS, perSegment, chunkedTotal, wholeTotal },
  };
}

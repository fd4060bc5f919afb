/**
 * The checks `verify` makes on manifest.json and end.json themselves, without reading segments.
 * Pure: hashes of bytes already read are passed in.
 */
import { chainHead, manifestTotals, verifyChain, type EndMarker, type Manifest } from '../domain/manifest';
import { MANIFEST_NAME } from '../domain/objectNames';
import { shown, type Finding, type NoteCode, type ProblemCode } from './report';

const short = (hex: string): string => `${hex.slice(0, 12)}…`;

/** The rule lives with the key layout; `verify` re-exports it where it always was. */
export { nameInSession } from '../domain/objectNames';

/** Broken links of the hash chain, one finding each. */
export function chainFindings(manifest: Manifest, nameOf: (key: string) => string): Finding<ProblemCode>[] {
  return verifyChain(manifest).problems.map((p) => ({
    code: 'chain-broken',
    name: nameOf(p.key),
    message:
      `manifest entry ${p.index + 1} (${shown(nameOf(p.key))}) carries previous-entry hash ${short(p.actualPrev)}, but the entry before it hashes to ${short(p.expectedPrev)}: ` +
      'an entry was removed, reordered or edited',
    details: { entry: p.index + 1, expectedPrev: p.expectedPrev, actualPrev: p.actualPrev },
  }));
}

/** A session copied elsewhere verifies the same; the note says so. */
export function locationNote(location: string, sessionPrefix: string): Finding<NoteCode> | undefined {
  const path = location.endsWith('/') ? location : `${location}/`;
  if (path.endsWith(`/${sessionPrefix}`) || path === sessionPrefix) return undefined;
  return {
    code: 'relocated',
    message: `the manifest names the session ${shown(sessionPrefix)}, but it is read from ${shown(location)} (copied or moved?)`,
    details: { sessionPrefix, location },
  };
}

/**
 * end.json against the manifest it closes: same session, same totals, the chain's head, the
 * manifest's exact bytes, and whether the recorder said everything was durable.
 */
export function endFindings(end: EndMarker, manifest: Manifest, manifestSha256: string): Finding<ProblemCode>[] {
  const problems: Finding<ProblemCode>[] = [];
  const mismatch = (field: string, expected: string | number, actual: string | number, why: string): void => {
    problems.push({
      code: 'end-mismatch',
      name: 'end.json',
      message: `end.json ${field} is ${shown(String(actual))}, the manifest gives ${shown(String(expected))}: ${why}`,
      details: { field, expected, actual },
    });
  };
  if (end.sessionPrefix !== manifest.sessionPrefix) mismatch('sessionPrefix', manifest.sessionPrefix, end.sessionPrefix, 'they describe different sessions');
  const totals = manifestTotals(manifest);
  const changed = 'the manifest changed after the session ended';
  if (end.segments !== totals.segments) mismatch('segments', totals.segments, end.segments, changed);
  if (end.bytes !== totals.bytes) mismatch('bytes', totals.bytes, end.bytes, changed);
  if (Math.abs(end.seconds - totals.seconds) > 0.0005) mismatch('seconds', totals.seconds, end.seconds, changed);
  const head = chainHead(manifest);
  if (end.lastEntrySha256 !== head) {
    mismatch('lastEntrySha256', head, end.lastEntrySha256, 'the chain was cut or extended after the session ended');
  }
  if (end.manifestSha256 !== manifestSha256) {
    mismatch('manifestSha256', manifestSha256, end.manifestSha256, `${MANIFEST_NAME} is not the one the recorder closed the session with`);
  }
  if (!end.complete || end.leftInSpool > 0) {
    problems.push({
      code: 'session-incomplete',
      name: 'end.json',
      message: `end.json says ${end.leftInSpool} item(s) stayed in the recorder's spool (reason ${shown(end.reason)}): run "session-recorder recover" on that machine, then verify again`,
      details: { leftInSpool: end.leftInSpool, reason: end.reason },
    });
  }
  return problems;
}

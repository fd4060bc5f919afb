/** The `verify` report as text for people (stdout). Pure. See docs/evidence.md for an example. */
import { quoted, shown, verifyExitCode, type Finding, type VerifyReport } from './report';

const METADATA_SHOWN = ['user', 'sessionId', 'stack', 'fleet', 'startedAt', 'hostname'] as const;

function mb(bytes: number): string {
  return `${(bytes / 1e6).toFixed(2)} MB`;
}

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}

function findingLines(title: string, findings: readonly Finding[]): string[] {
  if (findings.length === 0) return [];
  const width = Math.max(...findings.map((f) => f.code.length));
  return ['', `${title} (${findings.length}):`, ...findings.map((f) => `  ${f.code.padEnd(width)}  ${f.message}`)];
}

export function formatReport(report: VerifyReport): string {
  const lines = [`verify ${shown(report.url)}`];
  const row = (label: string, text: string): void => void lines.push(`  ${label.padEnd(9)}  ${text}`);

  if (report.sessionPrefix !== null) {
    const meta = report.metadata ?? {};
    const who = METADATA_SHOWN.filter((k) => meta[k] !== undefined).map((k) => `${k} ${quoted(meta[k] ?? '')}`);
    row('session', [shown(report.sessionPrefix), ...who].join('  '));
  }
  if (report.manifest !== null) {
    const m = report.manifest;
    row('manifest', `${plural(m.segments, 'segment')}, ${mb(m.bytes)}, ${m.seconds.toFixed(1)} s of video; hash chain ${m.chainIntact ? 'intact' : 'BROKEN'}`);
  }
  if (report.end !== null) {
    const e = report.end;
    row('end.json', `ended ${shown(e.endedAt)} (${quoted(e.reason)}), ${e.complete ? 'complete' : 'INCOMPLETE'}`);
  }
  const o = report.objects;
  row('objects', `${plural(o.listed, 'object')} in the store; ${o.segmentsHashed} segment(s) hashed, ${o.segmentsMatching} match the manifest`);
  const t = report.timeline;
  if (t.firstStart !== null && t.lastEnd !== null) {
    row(
      'timeline',
      `${shown(t.firstStart)} → ${shown(t.lastEnd)} (${t.spanSeconds.toFixed(1)} s, ${t.videoSeconds.toFixed(1)} s of video): ` +
        `${plural(t.runs, 'FFmpeg run')}, ${plural(t.restarts, 'restart')}, ${plural(t.resolutionChanges, 'resolution change')}, ${plural(t.holes, 'hole')}`,
    );
  }

  const c = report.coverage;
  if (c !== null) {
    const counts = Object.entries(c.interruptions).map(([cause, n]) => `${cause} ${n}`).join(', ');
    row(
      'coverage',
      `${(Math.floor(c.ratio * 1000) / 10).toFixed(1)} %: ${c.videoSeconds.toFixed(1)} s of video in ${c.wallSeconds.toFixed(1)} s of session ` +
        `(${c.explainedGapSeconds.toFixed(1)} s explained gaps, ${c.unexplainedGapSeconds.toFixed(1)} s unexplained); interruptions: ${counts === '' ? 'none' : counts}`,
    );
  } else if (report.manifest !== null) {
    row('coverage', 'unknown (no capture run records in this manifest)');
  }

  lines.push(...findingLines('problems', report.problems), ...findingLines('could not check', report.errors), ...findingLines('notes', report.notes));
  lines.push('', verdictLine(report));
  return `${lines.join('\n')}\n`;
}

function verdictLine(report: VerifyReport): string {
  const code = verifyExitCode(report);
  switch (report.verdict) {
    case 'verified':
      return `VERIFIED: every segment is present and unaltered, the chain and end.json check out (exit ${code})`;
    case 'problems':
      return `FAILED: ${plural(report.problems.length, 'problem')} (exit ${code})`;
    case 'incomplete':
      return `INCOMPLETE: the evidence is intact, but the video does not cover the session: ${plural(report.problems.length, 'problem')} (exit ${code})`;
    case 'unverifiable':
      return `NOT VERIFIED: ${report.errors.length} check(s) could not be made; no problem found in what could be read (exit ${code})`;
    default:
      return report.verdict satisfies never;
  }
}

import { parseSessionRoot } from '../auditor/sessionLocation';
import { ConfigError } from '../domain/errors';
import { formatReport } from '../verify/formatReport';
import { progressLine, type ProgressTarget } from '../verify/progressLine';
import { VerifyExit, verifyExitCode } from '../verify/report';
import { verifySession } from '../verify/verifySession';
import { configFor, withTableOptions, type CommandRegistration } from './commandContext';
import { openStore } from '../adapters/openStore';

/**
 * `session-recorder verify <session URL>`: exit 0 verified; 5 problems found (missing, altered or
 * unexpected objects, a broken chain, end.json mismatches, holes); 6 nothing wrong found but some
 * object could not be listed or read; 2 bad usage. Progress on stderr only when it is a terminal.
 */
export const registerVerify: CommandRegistration = (program, ctx) => {
  withTableOptions(
    program
      .command('verify')
      .argument('<url>', 'the session: s3://bucket/prefix/<stack>/<fleet>/<session>/ or file:///dir/<stack>/<fleet>/<session>')
      .description(
        `Check that a recorded session is complete and unaltered: every segment's SHA-256, the manifest's hash chain, end.json, time continuity, bucket vs manifest. ` +
          `Exit ${VerifyExit.verified} verified, ${VerifyExit.problems} problems found, ${VerifyExit.incomplete} intact but the video does not cover the session, ${VerifyExit.unverifiable} could not read everything, ${VerifyExit.usage} bad usage.`,
      ),
    'verify',
  ).action(async (url: string, flags: Record<string, unknown>) => {
    const config = configFor(ctx, 'verify', flags);
    const { destination, location } = sessionRootFor(url, ctx.cwd);
    const store = openStore(destination, { ...config, use: 'audit' });
    const progress = progressLine(ctx.stderr as unknown as ProgressTarget);
    let report;
    try {
      report = await verifySession({
        store,
        url: destination.url,
        location,
        limits: {
          gapToleranceMs: config.gapTolerance * 1000,
          maxRestartGapMs: config.maxRestartGap * 1000,
          minCoverage: config.minCoverage / 100,
          maxGapMs: config.maxGap * 1000,
        },
        onProgress: (p) => progress.update(p),
      });
    } finally {
      progress.done();
      store.close();
    }
    const exitCode = verifyExitCode(report);
    ctx.stdout.write(config.json ? `${JSON.stringify({ ...report, exitCode }, null, 2)}\n` : formatReport(report));
    ctx.setExitCode(exitCode);
  });
};

/** The session `verify` is given; usage errors start with `verify:`. */
function sessionRootFor(url: string, cwd: string): ReturnType<typeof parseSessionRoot> {
  try {
    return parseSessionRoot(url, cwd);
  } catch (e) {
    if (e instanceof ConfigError) throw new ConfigError(`verify: ${e.message}`, { cause: e });
    throw e;
  }
}

import type { Command } from 'commander';
import { openStore } from '../adapters/openStore';
import { resolveViewTarget } from '../auditor/sessionLocation';
import { ConfigError, ExitCode, UploadError } from '../domain/errors';
import { startViewer } from '../viewer/viewerServer';
import { ocrSetup } from '../search/ocrSetup';
import { LIVE_DEFAULTS } from '../viewer/liveRoutes';
import { configFor, withTableOptions, type CommandRegistration } from './commandContext';
import { positiveInteger } from './flagValues';

function portFrom(value: unknown): number {
  if (value === undefined) return 0;
  const n = typeof value === 'string' && /^\d+$/.test(value) ? Number(value) : NaN;
  if (!Number.isInteger(n) || n > 65535) throw new ConfigError(`--port: expected a TCP port from 0 to 65535 (0: any free port), got ${JSON.stringify(value)}`);
  return n;
}

export const registerView: CommandRegistration = (program: Command, ctx) => {
  withTableOptions(
    program
      .command('view')
      .description(
        'Serve a local web viewer on 127.0.0.1: the session list with filters, and a player with one seekable timeline per session ' +
          '(1× to 16×, gaps, resolution changes and idle stretches marked, and the activity lane: window titles and idle stretches); ' +
          'a session still being recorded is shown live and followed as its segments land. Segments are streamed through the viewer with your credentials; runs until interrupted.',
      )
      .argument('<url>', 'a destination (s3://bucket/prefix/, file:///dir) or one session under it')
      .option('--port <port>', 'TCP port on 127.0.0.1 (default: any free port)')
      .option('--concurrency <n>', 'sessions read at once when listing', '16')
      .option('--live-poll <seconds>', 'a session still being recorded is listed again this often while a page follows it (one LIST request each time)', String(LIVE_DEFAULTS.pollSeconds)),
    'view',
  ).action(async (url: string, flags: Record<string, unknown>) => {
    const port = portFrom(flags.port);
    const config = configFor(ctx, 'view', flags);
    const concurrency = positiveInteger('--concurrency', flags.concurrency, 16, 256);
    const pollSeconds = positiveInteger('--live-poll', flags.livePoll, LIVE_DEFAULTS.pollSeconds, 3600);
    let target;
    try {
      target = await resolveViewTarget(url, ctx.cwd, (d) => openStore(d, { ...config, use: 'audit' }));
    } catch (e) {
      if (!(e instanceof UploadError)) throw e;
      ctx.stderr.write(`session-recorder: ${e.message}\n`);
      ctx.setExitCode(ExitCode.failure);
      return;
    }
    const viewer = await startViewer({
      store: target.store,
      destination: target.destination.url,
      ...(target.sessionPrefix !== undefined ? { session: target.sessionPrefix } : {}),
      port,
      concurrency,
      ocr: ocrSetup(config, ctx.env),
      pollSeconds,
      onError: (error, at) => ctx.stderr.write(`viewer: ${at}: ${error instanceof Error ? error.message : String(error)}\n`),
    });
    // The URL carries this run's access key: whoever has it can watch every recording here.
    ctx.stdout.write(`Viewer for ${target.destination.url} at ${viewer.url}${target.sessionPrefix ? `#session=${encodeURIComponent(target.sessionPrefix)}` : ''}\n`);
    ctx.stdout.write('Press Ctrl+C to stop.\n');
    await new Promise<void>((resolve) => {
      const stop = (): void => {
        process.off('SIGINT', stop);
        process.off('SIGTERM', stop);
        resolve();
      };
      process.once('SIGINT', stop);
      process.once('SIGTERM', stop);
    });
    await viewer.close();
    target.store.close();
    ctx.setExitCode(ExitCode.ok);
  });
};

import pino, { type Logger } from 'pino';
import type { LogFormat } from './config/options';
import { chooseLogFormat, prettyStream } from './logFormat';

/**
 * The one structured logger, on stderr (stdout is kept for command results): JSON lines, or
 * readable lines when stderr is a terminal or `--log-format pretty` asks (src/logFormat.ts).
 * Credentials never reach it: the AWS SDK's credential chain is never logged, and the paths
 * below are redacted in case an error object carries request headers.
 */
export function createLogger(
  level: string,
  format?: LogFormat,
  destination: NodeJS.WritableStream & { isTTY?: boolean } = process.stderr,
): Logger {
  const terminal = destination.isTTY === true;
  const out = chooseLogFormat(format, terminal) === 'pretty' ? prettyStream(destination, { colour: terminal }) : destination;
  return pino(
    {
      level,
      base: { pid: process.pid },
      timestamp: pino.stdTimeFunctions.isoTime,
      redact: {
        paths: ['*.authorization', '*.Authorization', '*.headers.authorization', '*.credentials', '*.secretAccessKey', '*.sessionToken'],
        censor: '[redacted]',
      },
    },
    out,
  );
}

export type { Logger };

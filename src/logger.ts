import pino, { type Logger } from 'pino';
import { escapeBidiControls } from './domain/unicodeText';

/**
 * The one structured logger, JSON lines on stderr (stdout is kept for command results).
 * Credentials never reach it: the AWS SDK's credential chain is never logged, and the paths
 * below are redacted in case an error object carries request headers.
 */
export function createLogger(level: string, destination: NodeJS.WritableStream = process.stderr): Logger {
  return pino(
    {
      level,
      base: { pid: process.pid },
      timestamp: pino.stdTimeFunctions.isoTime,
      // Values come from the streaming user (window titles, names): a bidi control must not
      // reorder what a reader of the log sees. Escaped, the JSON still means the same.
      hooks: { streamWrite: escapeBidiControls },
      redact: {
        paths: ['*.authorization', '*.Authorization', '*.headers.authorization', '*.credentials', '*.secretAccessKey', '*.sessionToken'],
        censor: '[redacted]',
      },
    },
    destination,
  );
}

export type { Logger };

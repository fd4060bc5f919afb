import pino, { type Logger } from 'pino';
import type { LogFormat } from './config/options';
import { escapeBidiControls } from './domain/unicodeText';
import { chooseLogFormat, prettyStream } from './logFormat';

/** Where log lines go: stderr by default (stdout is kept for command results). */
export type LogDestination = NodeJS.WritableStream & { readonly isTTY?: boolean };

export interface LoggerOptions {
  /** undefined: pretty when the destination is a terminal, JSON lines otherwise (`--log-format`). */
  readonly format?: LogFormat;
}

/**
 * The one structured logger: JSON lines, or readable lines when the destination is a terminal or
 * `--log-format pretty` asks (src/logFormat.ts). Credentials never reach it: the AWS SDK's
 * credential chain is never logged, and the paths below are redacted in case an error object
 * carries request headers.
 */
export function createLogger(level: string, destination: LogDestination = process.stderr, options: LoggerOptions = {}): Logger {
  const terminal = destination.isTTY === true;
  const out = chooseLogFormat(options.format, terminal) === 'pretty' ? prettyStream(destination, { colour: terminal }) : destination;
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
    out,
  );
}

export type { Logger };

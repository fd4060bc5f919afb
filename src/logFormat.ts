import type { LogFormat } from './config/options';

/**
 * Log lines for a person. pino writes one JSON object a line; on a terminal those are hard to
 * read, so there each record becomes one short line:
 *
 *   14:03:07.412 INFO  recording started  session=s-1 display=:0
 *
 * time (local, to the millisecond), level, message, then the record's own fields as key=value
 * (strings bare unless they need quotes, anything else as compact JSON). An error's stack
 * follows on indented lines. `--log-format json` keeps the JSON lines for a log shipper.
 *
 * Values come from the streaming user (window titles, names): every control, format or bidi
 * character is shown as a \uXXXX escape, so no value can move the cursor, retitle the terminal
 * or reorder what is read.
 */

/** The format asked for, or by default: pretty when the log goes to a terminal, JSON lines otherwise. */
export function chooseLogFormat(asked: LogFormat | undefined, logIsTerminal: boolean): LogFormat {
  return asked ?? (logIsTerminal ? 'pretty' : 'json');
}

const LEVELS: Record<number, { name: string; colour: string }> = {
  10: { name: 'TRACE', colour: '90' },
  20: { name: 'DEBUG', colour: '36' },
  30: { name: 'INFO', colour: '32' },
  40: { name: 'WARN', colour: '33' },
  50: { name: 'ERROR', colour: '31' },
  60: { name: 'FATAL', colour: '1;31' },
};

/** Fields every record has, shown in the line's head or left out (the pid is the same on every line). */
const HEAD_FIELDS = new Set(['level', 'time', 'msg', 'pid', 'hostname']);

export interface PrettyOptions {
  /** ANSI colour for the level and the keys (a terminal); none for a file or a pipe. */
  readonly colour: boolean;
}

/** One pino JSON line as one readable line (with an error's stack on the lines after it). */
export function formatLogLine(jsonLine: string, options: PrettyOptions): string {
  let record: Record<string, unknown>;
  try {
    record = JSON.parse(jsonLine) as Record<string, unknown>;
  } catch {
    return jsonLine.trimEnd(); // not a record: show it as it came
  }
  const paint = (code: string, text: string): string => (options.colour ? `\u001b[${code}m${text}\u001b[0m` : text);
  const level = LEVELS[Number(record.level)] ?? { name: String(record.level), colour: '0' };
  const head = [clockTime(record.time), paint(level.colour, level.name.padEnd(5)), typeof record.msg === 'string' ? visible(record.msg) : ''];
  const fields: string[] = [];
  let stack: string | null = null;
  for (const [key, value] of Object.entries(record)) {
    // A field that repeats the message (a transition's event) would say it twice.
    if (HEAD_FIELDS.has(key) || value === undefined || value === record.msg) continue;
    if ((key === 'err' || key === 'error') && isErrorRecord(value)) {
      fields.push(`${paint('2', `${key}=`)}${fieldValue(value.message)}`);
      if (Number(record.level) >= 50 && typeof value.stack === 'string') stack = value.stack;
      continue;
    }
    fields.push(`${paint('2', `${key}=`)}${fieldValue(value)}`);
  }
  const line = [...head.filter((part) => part !== ''), ...(fields.length > 0 ? [` ${fields.join(' ')}`] : [])].join(' ');
  return stack === null ? line : `${line}\n${stack.split('\n').slice(1).map((l) => `    ${visible(l.trim())}`).join('\n')}`;
}

/**
 * A destination for pino that writes readable lines to `out`. pino hands a stream one complete
 * JSON line per write, so no buffering across writes is needed.
 */
export function prettyStream(out: NodeJS.WritableStream, options: PrettyOptions): { write(chunk: string): boolean } {
  return {
    write: (chunk: string) => out.write(`${chunk.split('\n').filter((l) => l !== '').map((l) => formatLogLine(l, options)).join('\n')}\n`),
  };
}

function isErrorRecord(value: unknown): value is { message: unknown; stack?: unknown } {
  return typeof value === 'object' && value !== null && 'message' in value;
}

function clockTime(time: unknown): string {
  const date = typeof time === 'string' || typeof time === 'number' ? new Date(time) : null;
  if (date === null || Number.isNaN(date.getTime())) return '--:--:--.---';
  const two = (n: number): string => String(n).padStart(2, '0');
  return `${two(date.getHours())}:${two(date.getMinutes())}:${two(date.getSeconds())}.${String(date.getMilliseconds()).padStart(3, '0')}`;
}

function fieldValue(value: unknown): string {
  if (typeof value === 'string') return /^[^\s"=]+$/.test(value) ? visible(value) : visible(JSON.stringify(value));
  return visible(JSON.stringify(value) ?? String(value));
}

/** Control, format (bidi included) and line-separator characters as \uXXXX escapes. */
function visible(text: string): string {
  return text.replace(/[\p{Cc}\p{Cf}\u2028\u2029]/gu, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

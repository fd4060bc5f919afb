/**
 * Progress on stderr: on a terminal one line rewritten in place (at most ~10 times a second);
 * elsewhere (logs, CI) only the phase lines, so a log is not flooded.
 */
export interface ProgressLine {
  /** A phase: printed as its own line everywhere. */
  phase(text: string): void;
  /** A rewritten status line: terminals only. */
  update(text: string): void;
  done(): void;
}

export function progressLine(stream: NodeJS.WritableStream, now: () => number = Date.now): ProgressLine {
  const tty = (stream as { isTTY?: boolean }).isTTY === true;
  const reported = (stream as { columns?: number }).columns;
  // A pseudo-terminal without a size reports 0 columns.
  const columns = reported !== undefined && reported > 20 ? reported : 100;
  let shown = false;
  let last = 0;
  const clear = (): void => {
    if (shown) stream.write('\r\x1b[2K');
    shown = false;
  };
  return {
    phase(text) {
      clear();
      stream.write(`${text}\n`);
    },
    update(text) {
      if (!tty) return;
      const t = now();
      if (t - last < 100) return;
      last = t;
      stream.write(`\r\x1b[2K${text.slice(0, columns - 1)}`);
      shown = true;
    },
    done: clear,
  };
}

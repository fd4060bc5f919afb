/**
 * Pure parsers for FFmpeg's stderr (at `-loglevel info`). Tested on real captured lines in
 * test/fixtures/ffmpeg/.
 */

/** What the scanner learned from one line. */
export type StderrFact =
  /** `Duration: N/A, start: 1764225600.123456, ...` of input #0: x11grab/gdigrab's first frame, epoch seconds. */
  | { readonly kind: 'inputStart'; readonly seconds: number }
  /** The encoded video size, from the output stream line. */
  | { readonly kind: 'outputSize'; readonly width: number; readonly height: number };

const startPattern = /^\s*Duration: [^,]+, start: (-?\d+(?:\.\d+)?)/;
const videoSizePattern = /^\s*Stream #\d+:\d+.*?: Video: .*?, (\d{2,5})x(\d{2,5})[\s,[]/;

/** The `start:` of a `Duration:` line, in seconds, or null. */
export function parseStartSeconds(line: string): number | null {
  const match = startPattern.exec(line);
  return match?.[1] === undefined ? null : Number(match[1]);
}

/** The WxH of a `Stream #i:j: Video: ...` line, or null. */
export function parseVideoSize(line: string): { width: number; height: number } | null {
  const match = videoSizePattern.exec(line);
  if (match?.[1] === undefined || match[2] === undefined) return null;
  return { width: Number(match[1]), height: Number(match[2]) };
}

/**
 * A wall-clock first frame from an input `start:` value, or null when the value is not one:
 * x11grab and gdigrab stamp frames with the wall clock; lavfi starts at 0 and avfoundation at
 * host uptime. Plausible means within `toleranceMs` of when FFmpeg was spawned.
 */
export function firstFrameAtMs(startSeconds: number, spawnedAtMs: number, toleranceMs = 60_000): number | null {
  const ms = Math.round(startSeconds * 1000);
  return Math.abs(ms - spawnedAtMs) <= toleranceMs ? ms : null;
}

/**
 * Splits stderr into lines (`\n` or `\r`: progress lines end in `\r`), keeps a bounded tail for
 * error messages, and reports facts from the input/output headers. Feed it chunks as they come.
 */
export class StderrScanner {
  private partial = '';
  private readonly lines: string[] = [];
  private tailChars = 0;
  private section: 'none' | 'input' | 'output' = 'none';
  private sawInputStart = false;
  private sawOutputSize = false;

  /** Keep at most `maxTailChars` characters (whole lines, newest last) in the tail. */
  constructor(private readonly maxTailChars = 4000) {}

  push(chunk: string | Buffer): StderrFact[] {
    const text = this.partial + chunk.toString();
    const parts = text.split(/\r\n|\r|\n/);
    this.partial = (parts.pop() ?? '').slice(-this.maxTailChars);
    const facts: StderrFact[] = [];
    for (const line of parts) {
      if (line.trim() === '') continue;
      this.remember(line);
      const fact = this.scan(line);
      if (fact) facts.push(fact);
    }
    return facts;
  }

  /** Flush a last line without a newline (call at exit). */
  end(): StderrFact[] {
    const rest = this.partial;
    this.partial = '';
    return rest === '' ? [] : this.push(`${rest}\n`);
  }

  /** The last lines, joined with `\n`, at most `maxTailChars` characters. */
  tail(): string {
    const pending = this.partial.trim() === '' ? [] : [this.partial];
    return [...this.lines, ...pending].join('\n').slice(-this.maxTailChars);
  }

  private remember(line: string): void {
    const bounded = line.slice(0, this.maxTailChars);
    this.lines.push(bounded);
    this.tailChars += bounded.length + 1;
    while (this.tailChars > this.maxTailChars && this.lines.length > 1) {
      this.tailChars -= (this.lines.shift() as string).length + 1;
    }
  }

  private scan(line: string): StderrFact | null {
    if (/^Input #0,/.test(line)) this.section = 'input';
    else if (/^(Input #[1-9]|Stream mapping:)/.test(line)) this.section = 'none';
    else if (/^Output #0,/.test(line)) this.section = 'output';
    if (this.section === 'input' && !this.sawInputStart) {
      const seconds = parseStartSeconds(line);
      if (seconds !== null) {
        this.sawInputStart = true;
        return { kind: 'inputStart', seconds };
      }
    }
    if (this.section === 'output' && !this.sawOutputSize) {
      const size = parseVideoSize(line);
      if (size) {
        this.sawOutputSize = true;
        return { kind: 'outputSize', ...size };
      }
    }
    return null;
  }
}

/**
 * The lines of a stderr tail that explain a failure (errors, not the header), newest last; the
 * last few lines of the tail when nothing looks like an error.
 */
export function errorSummary(tail: string, maxLines = 5): string {
  const lines = tail.split('\n').filter((l) => l.trim() !== '');
  const errors = lines.filter((l) =>
    /error|invalid|cannot|can't|could not|failed|no such|not found|permission denied|unable|refused|killed|broken pipe|x io|no space left|read-only file system/i.test(l));
  return (errors.length > 0 ? errors : lines).slice(-maxLines).join('\n');
}

/**
 * Pure parser of FFmpeg's segment list (`-segment_list_type csv`): one line per CLOSED segment,
 * `name,start,end` with start/end in seconds from the run's first frame. FFmpeg quotes a name
 * that contains a comma, a quote or a newline (RFC 4180 style).
 */
export interface SegmentListEntry {
  /** File name as FFmpeg wrote it (relative to the list's directory). */
  readonly name: string;
  readonly startSeconds: number;
  readonly endSeconds: number;
}

export interface ParsedSegmentList {
  readonly entries: readonly SegmentListEntry[];
  /** Complete lines that did not parse (reported, never guessed at). */
  readonly badLines: readonly string[];
}

/**
 * Only whole lines count: text after the last newline may be half-written and is ignored, so
 * reading the file while FFmpeg appends to it is safe.
 */
export function parseSegmentList(text: string): ParsedSegmentList {
  const complete = text.slice(0, text.lastIndexOf('\n') + 1);
  const entries: SegmentListEntry[] = [];
  const badLines: string[] = [];
  for (const raw of complete.split('\n')) {
    const line = raw.replace(/\r$/, '');
    if (line === '') continue;
    const entry = parseLine(line);
    if (entry) entries.push(entry);
    else badLines.push(line);
  }
  return { entries, badLines };
}

function parseLine(line: string): SegmentListEntry | null {
  let name: string;
  let rest: string;
  if (line.startsWith('"')) {
    const match = /^"((?:[^"]|"")*)",(.*)$/.exec(line);
    if (!match || match[1] === undefined || match[2] === undefined) return null;
    name = match[1].replace(/""/g, '"');
    rest = match[2];
  } else {
    const comma = line.indexOf(',');
    if (comma <= 0) return null;
    name = line.slice(0, comma);
    rest = line.slice(comma + 1);
  }
  const fields = rest.split(',');
  if (fields.length !== 2) return null;
  const [start, end] = fields.map((f) => (/^-?\d+(\.\d+)?$/.test(f) ? Number(f) : NaN));
  if (start === undefined || end === undefined || Number.isNaN(start) || Number.isNaN(end) || end < start) return null;
  return { name, startSeconds: start, endSeconds: end };
}

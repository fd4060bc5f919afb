/**
 * Reads `NAME=value` / `export NAME="value"` assignments out of a shell script AS DATA. Nothing is
 * ever executed or expanded: `$VAR`, `$(cmd)` and backticks stay literal text. Quoting follows
 * POSIX sh (single quotes literal; double quotes with `\$ \` \" \\` and line continuation;
 * backslash outside quotes; `$(...)` and backticks kept whole, as text), plus bash's `$'...'`
 * with common escapes. Keywords (`if`, `then`...) make a statement "not plain": conditional
 * assignments are skipped, not guessed. A statement that is not
 * made only of assignments (or `export` followed by assignments) is skipped; so are redirections
 * and subshells. Later assignments win, as when sourcing.
 */
export interface ShellAssignments {
  readonly values: ReadonlyMap<string, string>;
  /** What was skipped and why, e.g. an unterminated quote (everything after it is ignored). */
  readonly problems: readonly string[];
}

const NAME_EQ = /^[A-Za-z_][A-Za-z0-9_]*=/;
const BLANK = new Set([' ', '\t']);
const SEPARATORS = new Set(['\n', ';', '&', '|']);
const SPECIAL = new Set(['<', '>', '(', ')']);
const ANSI_C: Readonly<Record<string, string>> = { n: '\n', t: '\t', r: '\r', '\\': '\\', "'": "'", '"': '"', a: '\x07', b: '\b', e: '\x1b', f: '\f', v: '\v', '0': '\0' };

interface Word {
  /** The word as written (to recognize `NAME=` and `export`, which must be unquoted). */
  readonly raw: string;
  /** The word after quote removal. */
  readonly value: string;
}

export function parseShellAssignments(text: string): ShellAssignments {
  const values = new Map<string, string>();
  const problems: string[] = [];
  let pos = 0;
  let line = 1;

  const readWord = (): Word | 'unterminated' => {
    const start = pos;
    let value = '';
    while (pos < text.length) {
      const c = text[pos] as string;
      if (BLANK.has(c) || SEPARATORS.has(c) || SPECIAL.has(c)) break;
      if ((c === '$' && text[pos + 1] === '(') || c === '`') {
        // Command substitution: kept as literal text, never run.
        const end = substitutionEnd(text, pos);
        if (end === -1) return 'unterminated';
        value += text.slice(pos, end);
        pos = end;
      } else if (c === "'") {
        const end = text.indexOf("'", pos + 1);
        if (end === -1) return 'unterminated';
        value += text.slice(pos + 1, end);
        pos = end + 1;
      } else if (c === '$' && text[pos + 1] === "'") {
        pos += 2;
        for (;;) {
          const d = text[pos];
          if (d === undefined) return 'unterminated';
          pos++;
          if (d === "'") break;
          if (d === '\\' && pos < text.length) {
            const e = text[pos] as string;
            pos++;
            value += ANSI_C[e] ?? `\\${e}`;
          } else value += d;
        }
      } else if (c === '"') {
        pos++;
        for (;;) {
          const d = text[pos];
          if (d === undefined) return 'unterminated';
          pos++;
          if (d === '"') break;
          if (d === '\\' && pos < text.length) {
            const e = text[pos] as string;
            pos++;
            if (e === '\n') continue;
            value += '$`"\\'.includes(e) ? e : `\\${e}`;
          } else value += d;
        }
      } else if (c === '\\') {
        const e = text[pos + 1];
        pos += 2;
        if (e !== undefined && e !== '\n') value += e;
      } else {
        value += c;
        pos++;
      }
    }
    return { raw: text.slice(start, pos), value };
  };

  while (pos < text.length) {
    // One statement: words up to an unquoted separator.
    const words: Word[] = [];
    let complex = false;
    const statementLine = line;
    for (;;) {
      while (pos < text.length && BLANK.has(text[pos] as string)) pos++;
      const c = text[pos];
      if (c === undefined || SEPARATORS.has(c)) break;
      if (c === '#' ) {
        while (pos < text.length && text[pos] !== '\n') pos++;
        break;
      }
      if (SPECIAL.has(c)) {
        complex = true;
        pos++;
        continue;
      }
      const word = readWord();
      if (word === 'unterminated') {
        problems.push(`line ${statementLine}: unterminated quote; the rest of the file is ignored`);
        return { values, problems };
      }
      line += countNewlines(word.raw);
      words.push(word);
    }
    if (text[pos] === '\n') line++;
    pos++;
    if (words.length === 0) continue;
    const isExport = words[0]?.raw === 'export';
    const rest = isExport ? words.slice(1).filter((w) => !w.raw.startsWith('-')) : words;
    const assignments = rest.filter((w) => NAME_EQ.test(w.raw));
    if (complex || (!isExport && assignments.length !== words.length)) {
      problems.push(`line ${statementLine}: not a plain assignment, skipped`);
      continue;
    }
    for (const word of assignments) {
      const name = word.raw.slice(0, word.raw.indexOf('='));
      values.set(name, word.value.slice(name.length + 1));
    }
  }
  return { values, problems };
}

/** Index just past the `$(...)` (nesting counted) or `...` starting at `start`; -1 if unterminated. */
function substitutionEnd(text: string, start: number): number {
  if (text[start] === '`') {
    for (let i = start + 1; i < text.length; i++) {
      if (text[i] === '\\') i++;
      else if (text[i] === '`') return i + 1;
    }
    return -1;
  }
  let depth = 0;
  for (let i = start + 1; i < text.length; i++) {
    if (text[i] === '\\') i++;
    else if (text[i] === '(') depth++;
    else if (text[i] === ')' && --depth === 0) return i + 1;
  }
  return -1;
}

function countNewlines(s: string): number {
  let n = 0;
  for (const c of s) if (c === '\n') n++;
  return n;
}

/**
 * Reads tesseract's TSV output (`tesseract list.txt stdout tsv`: one page per image of the list)
 * into text lines per page, each with the rows its words cover. Columns: level page_num block_num
 * par_num line_num word_num left top width height conf text; level 5 rows are words. Words are
 * joined with one space in the order tesseract gives them; rows that are not words, or words
 * without text, are skipped. Pure.
 */

export interface OcrLine {
  readonly text: string;
  /** Rows `[top, bottom)` of the image that the line's words cover. */
  readonly top: number;
  readonly bottom: number;
  /** Columns `[left, right)` from its first word's left to its last word's right. */
  readonly left: number;
  readonly right: number;
}

export interface OcrPage {
  /** 1-based: the position of the image in the list. */
  readonly page: number;
  readonly lines: readonly OcrLine[];
}

const WORD_LEVEL = '5';

/** Pages in order, each with its lines; a page without text has no lines (and may be absent). */
export function parseTesseractTsv(tsv: string): OcrPage[] {
  const pages = new Map<number, Map<string, { words: string[]; top: number; bottom: number; left: number; right: number }>>();
  for (const row of tsv.split('\n')) {
    const cols = row.replace(/\r$/, '').split('\t');
    if (cols.length < 12 || cols[0] !== WORD_LEVEL) continue;
    const page = Number(cols[1]);
    const text = cols.slice(11).join('\t').trim();
    const conf = Number(cols[10]);
    const left = Number(cols[6]);
    const top = Number(cols[7]);
    const width = Number(cols[8]);
    const height = Number(cols[9]);
    if (!Number.isInteger(page) || page < 1 || text === '' || !(conf >= 0)) continue;
    const lineKey = `${cols[2]}/${cols[3]}/${cols[4]}`;
    let lines = pages.get(page);
    if (lines === undefined) pages.set(page, (lines = new Map()));
    const box = [left, top, width, height].every(Number.isFinite) ? { top, bottom: top + height, left, right: left + width } : { top: 0, bottom: 0, left: 0, right: 0 };
    const line = lines.get(lineKey);
    if (line === undefined) lines.set(lineKey, { words: [text], ...box });
    else {
      line.words.push(text);
      line.top = Math.min(line.top, box.top);
      line.bottom = Math.max(line.bottom, box.bottom);
      line.left = Math.min(line.left, box.left);
      line.right = Math.max(line.right, box.right);
    }
  }
  return [...pages.entries()]
    .sort(([a], [b]) => a - b)
    .map(([page, lines]) => ({ page, lines: [...lines.values()].map((l) => ({ text: l.words.join(' '), top: l.top, bottom: l.bottom, left: l.left, right: l.right })) }));
}

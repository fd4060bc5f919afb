/**
 * Reads tesseract's TSV output (`tesseract list.txt stdout tsv`: one page per image of the list)
 * into text lines per page. Columns: level page_num block_num par_num line_num word_num left top
 * width height conf text; level 5 rows are words. Words are joined with one space in the order
 * tesseract gives them; rows that are not words, or words without text, are skipped. Pure.
 */

export interface OcrPage {
  /** 1-based: the position of the image in the list. */
  readonly page: number;
  readonly lines: readonly string[];
}

const WORD_LEVEL = '5';

/** Pages in order, each with its lines; a page without text has no lines (and may be absent). */
export function parseTesseractTsv(tsv: string): OcrPage[] {
  const pages = new Map<number, Map<string, string[]>>();
  for (const row of tsv.split('\n')) {
    const cols = row.replace(/\r$/, '').split('\t');
    if (cols.length < 12 || cols[0] !== WORD_LEVEL) continue;
    const page = Number(cols[1]);
    const text = cols.slice(11).join('\t').trim();
    const conf = Number(cols[10]);
    if (!Number.isInteger(page) || page < 1 || text === '' || !(conf >= 0)) continue;
    const lineKey = `${cols[2]}/${cols[3]}/${cols[4]}`;
    let lines = pages.get(page);
    if (lines === undefined) pages.set(page, (lines = new Map()));
    const words = lines.get(lineKey);
    if (words === undefined) lines.set(lineKey, [text]);
    else words.push(text);
  }
  return [...pages.entries()]
    .sort(([a], [b]) => a - b)
    .map(([page, lines]) => ({ page, lines: [...lines.values()].map((w) => w.join(' ')) }));
}

/**
 * Regenerates the parts of README.md that are derived from code (the configuration table), so
 * the README cannot drift from the option table. `npm run docs`; test/readme.test.ts checks it.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { renderOptionsMarkdown } from '../src/config/optionRendering';

const START = /<!-- options:start[^>]*-->/;
const END = '<!-- options:end -->';

export function renderReadme(readme: string): string {
  const start = START.exec(readme);
  const end = readme.indexOf(END);
  if (!start || end < start.index) throw new Error('README.md lacks the options:start/options:end markers');
  const head = readme.slice(0, start.index + start[0].length);
  return `${head}\n${renderOptionsMarkdown()}${readme.slice(end)}`;
}

if (require.main === module) {
  const path = join(__dirname, '..', 'README.md');
  writeFileSync(path, renderReadme(readFileSync(path, 'utf8')));
}

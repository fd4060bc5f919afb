import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { renderReadme } from '../scripts/render-readme';

test('the README configuration table is the option table (run `npm run docs` after changing options)', () => {
  const readme = readFileSync(join(__dirname, '..', 'README.md'), 'utf8');
  expect(readme).toBe(renderReadme(readme));
});

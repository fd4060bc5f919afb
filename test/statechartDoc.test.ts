import { readFileSync } from 'node:fs';
import { REGENERATE_STATECHART, renderStatechartDoc, STATECHART_DOC } from '../scripts/render-statechart';

test('docs/statechart.md is generated from the recorder machine', () => {
  const written = readFileSync(STATECHART_DOC, 'utf8');
  if (written !== renderStatechartDoc()) {
    throw new Error(`docs/statechart.md is out of date with src/machines/recorderMachine.ts: run \`${REGENERATE_STATECHART}\` and commit the result.`);
  }
});

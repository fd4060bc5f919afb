/**
 * Regenerates docs/statechart.md from the recorder machine (`npm run docs:statechart`);
 * test/statechartDoc.test.ts fails when the machine changed and this was not run.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { buildMachineGraph } from '../src/inspector/machineGraph';
import { renderStatechartMarkdown } from '../src/inspector/statechartDoc';
import { recorderMachine } from '../src/machines/recorderMachine';

export const STATECHART_DOC = join(__dirname, '..', 'docs', 'statechart.md');
export const REGENERATE_STATECHART = 'npm run docs:statechart';

export function renderStatechartDoc(): string {
  return renderStatechartMarkdown(buildMachineGraph(recorderMachine), REGENERATE_STATECHART);
}

if (require.main === module) writeFileSync(STATECHART_DOC, renderStatechartDoc());

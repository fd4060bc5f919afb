/**
 * The inspector page's script (bundled by esbuild into dist/browser/inspector.js; see
 * tsconfig.browser.json). It draws the laid-out statechart (graph.json) as SVG, then follows
 * /events. A standalone copy (page.ts: standalonePageHtml) inlines the data instead.
 */
import { setupZoom } from './camera';
import { setText } from './dom';
import { setupLogFilter } from './eventLog';
import { connect, loadGraph, standalone, type GraphData } from './live';
import { tick } from './status';

setupLogFilter();
setupZoom();
setInterval(tick, 1000);
const inline = document.getElementById('inspector-data');
if (inline) {
  standalone(JSON.parse(inline.textContent ?? '') as GraphData);
} else {
  setText('sub', `${location.host} · read-only`);
  connect();
  fetch('graph.json')
    .then((r) => {
      if (!r.ok) throw new Error(`graph.json: HTTP ${r.status}`);
      return r.json() as Promise<GraphData>;
    })
    .then(loadGraph)
    .catch((err: Error) => setText('sub', `could not load the statechart: ${err.message}`));
}

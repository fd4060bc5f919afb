import type { GraphLayout } from './graphLayout';
import type { TransitionRecord } from './inspectionStream';
import type { InspectorStatus } from './inspectorStatus';
import type { MachineGraph } from './machineGraph';
import { pageStyle } from './pageStyle';

/**
 * The inspector page's HTML. Its style is in pageStyle.ts; its script is TypeScript in browser/,
 * bundled into dist/browser/inspector.js by the build (see src/pageScripts.ts). The page needs
 * nothing from the network: no CDN, no web fonts.
 */
export interface PageOptions {
  readonly title: string;
}

/** The live page: loads /app.css and /app.js, then /graph.json and /events. */
export function pageHtml(options: PageOptions): string {
  return shell(options.title, '<link rel="stylesheet" href="app.css">', '<script src="app.js" defer></script>');
}

export interface StandaloneData {
  readonly graph: MachineGraph;
  readonly layout: GraphLayout;
  readonly history?: readonly TransitionRecord[];
  readonly status?: InspectorStatus;
}

/**
 * One self-contained file (style, script, graph and layout inlined) that works from file://
 * with no server: it shows the statechart and replays an events.jsonl file opened in it.
 * `script` is the page's bundled script (readPageScript('inspector')).
 */
export function standalonePageHtml(options: PageOptions, data: StandaloneData, script: string): string {
  const json = JSON.stringify(data).replace(/</g, '\\u003c');
  return shell(
    options.title,
    `<style>${pageStyle}</style>`,
    `<script type="application/json" id="inspector-data">${json}</script>\n<script>${script.replace(/<\/script/gi, '<\\/script')}</script>`,
  );
}

function shell(title: string, head: string, scripts: string): string {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="color-scheme" content="light">
<title>${escapeHtml(title)}</title>
${head}
</head>
<body data-phase="waiting">
<header class="top">
  <div class="brand"><span class="logo" aria-hidden="true"></span><div><div class="name">${escapeHtml(title)}</div><div class="sub" id="sub">connecting…</div></div></div>
  <div class="now" id="now" data-phase="waiting">
    <span class="dot" aria-hidden="true"></span>
    <span class="state" id="state-text" data-testid="current-state">waiting</span>
    <span class="since" id="state-since"></span>
  </div>
  <dl class="chips">
    <div><dt>segments</dt><dd id="t-segments">0</dd></div>
    <div><dt>uploaded</dt><dd id="t-bytes">0 B</dd></div>
    <div><dt>display</dt><dd id="t-display">–</dd></div>
    <div><dt>elapsed</dt><dd id="t-elapsed">–</dd></div>
  </dl>
  <div class="conn" id="conn" data-conn="connecting"><span class="dot" aria-hidden="true"></span><span id="conn-text">connecting</span></div>
</header>
<main class="grid">
  <section class="panel diagram" aria-label="Statechart">
    <div class="toolbar">
      <span class="legend"><i class="sw sw-active"></i>current state <i class="sw sw-fired"></i>last transition <i class="sw sw-visited"></i>visited <i class="sw sw-guard"></i>[guard] <i class="sw sw-after"></i>timer</span>
      <span class="zoom"><button id="follow" class="toggle" title="Keep the current state in view">Follow</button><button id="zoom-out" title="Zoom out">−</button><button id="zoom-fit" title="Show the whole statechart">Fit</button><button id="zoom-in" title="Zoom in">+</button></span>
    </div>
    <div class="canvas" id="canvas"><svg id="chart" role="img" aria-label="Statechart of the recorder"></svg><div class="tip" id="tip" hidden></div></div>
  </section>
  <aside class="side">
    <section class="panel card" id="ffmpeg-card" aria-label="FFmpeg">
      <h2><span class="h-dot" id="ffmpeg-dot"></span>FFmpeg <span class="badge" id="ffmpeg-state">not started</span></h2>
      <dl class="kv">
        <dt>PID</dt><dd id="ff-pid">–</dd>
        <dt>Run</dt><dd id="ff-run">–</dd>
        <dt>Running for</dt><dd id="ff-since">–</dd>
        <dt>Writing</dt><dd id="ff-seg">–</dd>
        <dt>Runs</dt><dd id="ff-runs">0</dd>
        <dt>Last exit</dt><dd id="ff-exit">–</dd>
      </dl>
    </section>
    <section class="panel card" aria-label="Upload queue">
      <h2>Upload queue <span class="badge" id="up-bytes">0 B</span></h2>
      <div class="stats">
        <div><b id="up-pending">0</b><span>pending</span></div>
        <div><b id="up-flight">0</b><span>in flight</span></div>
        <div><b id="up-done">0</b><span>done</span></div>
        <div><b id="up-failed">0</b><span>failed tries</span></div>
      </div>
      <ul class="queue" id="up-list"></ul>
      <div class="foot" id="up-last"></div>
      <div class="drain" id="drain" hidden>
        <div class="drain-head"><span>Drain budget</span><span id="drain-text"></span></div>
        <div class="bar"><i id="drain-bar"></i></div>
        <div class="foot" id="drain-reason"></div>
      </div>
    </section>
    <section class="panel log" aria-label="Event log">
      <div class="toolbar"><h2>Event log</h2><span class="count" id="t-events"></span><label class="only" title="Hide events that did not change the state"><input type="checkbox" id="only-changes"> changes only</label></div>
      <div class="file" id="file-box" hidden><label class="button">Open events.jsonl<input type="file" id="file" accept=".jsonl,.json,.ndjson,application/json"></label></div>
      <ol class="rows" id="log"></ol>
    </section>
  </aside>
</main>
${scripts}
</body>
</html>
`;
}

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

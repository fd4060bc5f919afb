/**
 * The page's style. Fonts are the system's (DejaVu on Debian): the layout's text metrics in
 * graphLayout.ts assume 14 px bold titles and 11 px monospace labels.
 */
export const pageStyle = String.raw`
:root {
  --bg: #f3f5f8; --panel: #ffffff; --line: #e2e6ec; --line-strong: #c9d0da;
  --text: #18202c; --muted: #5f6b7a; --faint: #8b95a3;
  --sans: system-ui, -apple-system, "Segoe UI", "DejaVu Sans", "Helvetica Neue", Arial, sans-serif;
  --mono: ui-monospace, "SFMono-Regular", "DejaVu Sans Mono", Menlo, Consolas, monospace;
  /* Phase colours fill the current state's box under white text, and colour text on their soft
     tint: each is dark enough for 4.5:1 on both (WCAG AA; the page test measures it). */
  --waiting: #4b5563; --idle: #4b5563; --recording: #b91c1c; --restarting: #b45309;
  --draining: #1d4ed8; --finished: #047857; --error: #9f1239;
  --phase: var(--waiting);
  --phase-soft: #f1f3f6;
}
* { box-sizing: border-box; }
html, body { height: 100%; margin: 0; }
body { background: var(--bg); color: var(--text); font: 13px/1.45 var(--sans); display: flex; flex-direction: column; min-width: 980px; }
[data-phase="idle"] { --phase: var(--idle); --phase-soft: #f1f3f6; }
[data-phase="recording"] { --phase: var(--recording); --phase-soft: #fdecec; }
[data-phase="restarting"] { --phase: var(--restarting); --phase-soft: #fdf3e3; }
[data-phase="draining"] { --phase: var(--draining); --phase-soft: #e9f0fe; }
[data-phase="finished"] { --phase: var(--finished); --phase-soft: #e6f6f0; }
[data-phase="error"] { --phase: var(--error); --phase-soft: #fde8ee; }

.top { display: flex; align-items: center; gap: 20px; padding: 10px 18px; background: var(--panel); border-bottom: 1px solid var(--line); }
.brand { display: flex; align-items: center; gap: 10px; min-width: 260px; }
.logo { width: 26px; height: 26px; border-radius: 7px; background: #18202c; position: relative; }
.logo::after { content: ""; position: absolute; left: 8px; top: 8px; width: 10px; height: 10px; border-radius: 50%; background: #ef4444; }
.name { font-weight: 650; font-size: 14px; letter-spacing: .01em; }
.sub { color: var(--muted); font-size: 12px; }
.now { display: flex; align-items: center; gap: 10px; padding: 6px 14px 6px 12px; border-radius: 999px; background: var(--phase-soft); border: 1px solid color-mix(in srgb, var(--phase) 35%, transparent); transition: background .3s, border-color .3s; }
.now .dot { width: 10px; height: 10px; border-radius: 50%; background: var(--phase); }
.now[data-phase="recording"] .dot { animation: rec 1.2s ease-in-out infinite; }
.now .state { font: 600 14px var(--mono); color: var(--phase); }
.now .since { color: var(--muted); font-variant-numeric: tabular-nums; }
@keyframes rec { 50% { opacity: .25; } }
.chips { display: flex; gap: 18px; margin: 0 0 0 8px; }
.chips div { display: flex; flex-direction: column; }
.chips dt { font-size: 10.5px; text-transform: uppercase; letter-spacing: .06em; color: var(--faint); }
.chips dd { margin: 0; font: 600 13px var(--mono); font-variant-numeric: tabular-nums; white-space: nowrap; }
.conn { margin-left: auto; display: flex; align-items: center; gap: 7px; color: var(--muted); font-size: 12px; }
.conn .dot { width: 8px; height: 8px; border-radius: 50%; background: #9ca3af; }
.conn[data-conn="live"] .dot { background: #10b981; box-shadow: 0 0 0 3px #d1fae5; }
.conn[data-conn="reconnecting"] .dot { background: #f59e0b; }
.conn[data-conn="ended"] .dot, .conn[data-conn="offline"] .dot { background: #6b7280; }

.grid { flex: 1; min-height: 0; display: grid; grid-template-columns: minmax(0, 1fr) 340px; gap: 12px; padding: 12px; }
.panel { background: var(--panel); border: 1px solid var(--line); border-radius: 10px; min-height: 0; }
.diagram { display: flex; flex-direction: column; overflow: hidden; }
.side { display: flex; flex-direction: column; gap: 12px; min-height: 0; }
.side > .card { flex: none; }
.log { flex: 1; display: flex; flex-direction: column; overflow: hidden; }
.toolbar { display: flex; align-items: center; gap: 12px; padding: 7px 12px; border-bottom: 1px solid var(--line); color: var(--muted); font-size: 12px; }
.toolbar h2 { margin: 0; }
h2 { font-size: 12px; font-weight: 650; text-transform: uppercase; letter-spacing: .06em; color: var(--muted); margin: 0 0 8px; display: flex; align-items: center; gap: 7px; }
.legend { display: flex; align-items: center; gap: 6px; }
.sw { display: inline-block; width: 14px; height: 10px; border-radius: 3px; margin-left: 8px; }
.sw-active { background: var(--phase, #dc2626); }
.sw-fired { height: 3px; background: #111827; }
.sw-visited { border: 1.5px dashed #94a3b8; }
.sw-guard, .sw-after { width: 8px; height: 8px; border-radius: 50%; }
.sw-guard { background: #7c3aed; } .sw-after { background: #b45309; }
button.toggle[aria-pressed="true"] { background: #18202c; color: #fff; border-color: #18202c; }
.zoom { margin-left: auto; display: flex; gap: 4px; }
button, .button { font: 500 12px var(--sans); color: var(--text); background: #fff; border: 1px solid var(--line-strong); border-radius: 6px; padding: 3px 10px; cursor: pointer; }
button:hover, .button:hover { background: #f3f4f6; }
.canvas { position: relative; flex: 1; min-height: 0; cursor: grab; background-image: radial-gradient(#e8ebf0 1px, transparent 1px); background-size: 16px 16px; }
.canvas.dragging { cursor: grabbing; }
#chart { width: 100%; height: 100%; display: block; user-select: none; }
.tip { position: absolute; max-width: 340px; padding: 8px 10px; background: #111827; color: #f9fafb; border-radius: 7px; font-size: 12px; line-height: 1.45; pointer-events: none; box-shadow: 0 6px 20px rgba(0,0,0,.18); z-index: 2; }
.tip b { font-family: var(--mono); font-weight: 600; }
.tip .m { color: #cbd5e1; font-family: var(--mono); font-size: 11px; }

/* statechart */
.node rect.box { fill: #fff; stroke: var(--line-strong); stroke-width: 1.2; transition: fill .35s, stroke .35s; }
.node.compound > rect.box { fill: #fafbfc; }
.node.compound.depth-0 > rect.box { fill: #fcfdfe; stroke: #d9dee5; }
.node.compound.depth-2 > rect.box { fill: #f4f6f9; }
.node .title { font: 600 14px var(--sans); fill: var(--text); }
.node .line { font: 11px var(--mono); fill: var(--muted); }
.node .line.actor { fill: #0f766e; }
.node .line.flash { fill: #111827; font-weight: 700; }
.node rect.inner { fill: none; stroke: var(--line-strong); stroke-width: 1; }
.node.visited > rect.box { stroke: #94a3b8; stroke-dasharray: 4 3; }
.node.active > rect.box { stroke: var(--phase); stroke-width: 2; stroke-dasharray: none; fill: var(--phase-soft); }
.node.active.leaf > rect.box { fill: var(--phase); stroke: var(--phase); }
.node.active.leaf .title { fill: #fff; }
.node.active.leaf .line { fill: rgba(255,255,255,.86); }
.node.active.leaf rect.inner { stroke: rgba(255,255,255,.8); }
.node.active .title { fill: var(--phase); }
.node.active.leaf .title { fill: #fff; }
.node.entered.leaf > rect.box { animation: enter .9s ease-out; }
@keyframes enter { 0% { filter: drop-shadow(0 0 0 var(--phase)); } 35% { filter: drop-shadow(0 0 10px var(--phase)); } 100% { filter: drop-shadow(0 0 0 transparent); } }
.marker { fill: #374151; }
.edge path { fill: none; stroke: #9aa4b2; stroke-width: 1.3; }
.edge.initial path { stroke: #374151; }
.edge .label rect { fill: #fff; opacity: .92; }
.edge .label text { font: 11px var(--mono); fill: #374151; }
.edge .label .guard { fill: #7c3aed; }
.edge .label .after { fill: #b45309; }
.edge.fired path { stroke: #111827; stroke-width: 2.6; stroke-dasharray: 7 5; animation: flow .6s linear infinite; }
.edge.fired .label rect { fill: #111827; opacity: 1; }
.edge.fired .label text, .edge.fired .label .guard, .edge.fired .label .after { fill: #fff; }
.edge.recent path { stroke: #475569; stroke-width: 2; }
@keyframes flow { to { stroke-dashoffset: -12; } }

/* side cards */
.card { padding: 12px 14px; }
.h-dot { width: 8px; height: 8px; border-radius: 50%; background: #cbd5e1; }
.h-dot.on { background: #10b981; box-shadow: 0 0 0 3px #d1fae5; }
.badge { margin-left: auto; text-transform: none; letter-spacing: 0; font: 500 11px var(--mono); padding: 1px 8px; border-radius: 999px; background: #f1f5f9; color: var(--muted); }
.badge.on { background: #ecfdf5; color: #047857; }
.kv { display: grid; grid-template-columns: 96px 1fr; gap: 4px 10px; margin: 0; }
.kv dt { color: var(--muted); }
.kv dd { margin: 0; font-family: var(--mono); font-size: 12px; font-variant-numeric: tabular-nums; overflow: hidden; text-overflow: ellipsis; white-space: nowrap; }
.stats { display: grid; grid-template-columns: repeat(4, 1fr); gap: 6px; margin-bottom: 8px; }
.stats div { background: #f7f8fa; border-radius: 8px; padding: 6px 4px; text-align: center; }
.stats b { display: block; font: 600 20px var(--sans); font-variant-numeric: tabular-nums; }
.stats span { font-size: 11px; color: var(--muted); }
.stats .hot b { color: #2563eb; }
.stats .bad b { color: #b91c1c; }
.queue { list-style: none; margin: 0; padding: 0; max-height: 110px; overflow: auto; }
.queue li { display: flex; gap: 8px; align-items: center; font: 11px var(--mono); padding: 3px 0; border-top: 1px solid #f0f2f5; }
.queue li .k { flex: 1; overflow: hidden; text-overflow: ellipsis; white-space: nowrap; direction: rtl; text-align: left; }
.queue li .t { color: var(--muted); }
.queue li.retry .t { color: #b45309; }
.queue .spin { width: 8px; height: 8px; border-radius: 50%; border: 2px solid #2563eb; border-right-color: transparent; animation: spin .8s linear infinite; }
.queue li.retry .spin { border-color: #d97706; border-right-color: transparent; animation-duration: 2s; }
@keyframes spin { to { transform: rotate(360deg); } }
.foot { color: var(--muted); font-size: 11px; margin-top: 6px; overflow: hidden; text-overflow: ellipsis; white-space: nowrap; }
.drain { margin-top: 10px; padding-top: 9px; border-top: 1px solid var(--line); }
.drain .foot { white-space: normal; }
.drain-head { display: flex; justify-content: space-between; font-weight: 600; margin-bottom: 5px; }
.drain-head span:last-child { font: 12px var(--mono); color: var(--muted); font-weight: 400; }
.bar { height: 6px; background: #eef1f5; border-radius: 3px; overflow: hidden; }
.bar i { display: block; height: 100%; width: 0; background: var(--draining); transition: width .5s linear; }

/* log */
.log .toolbar { padding: 9px 12px 8px; }
.count { color: var(--faint); font-size: 11px; white-space: nowrap; }
.log h2 { white-space: nowrap; }
.only { margin-left: auto; display: flex; align-items: center; gap: 5px; cursor: pointer; white-space: nowrap; }
.file { padding: 8px 12px; border-bottom: 1px solid var(--line); }
.file input { display: none; }
.rows { flex: 1; overflow: auto; list-style: none; margin: 0; padding: 0; }
.rows li { display: grid; grid-template-columns: 84px auto minmax(0, 1fr); column-gap: 8px; align-items: baseline; padding: 4px 12px; border-bottom: 1px solid #f1f3f6; }
.rows li .t { font: 11px var(--mono); color: var(--faint); font-variant-numeric: tabular-nums; }
.rows li .e { font: 600 11.5px var(--mono); white-space: nowrap; }
.rows li .d { font: 11px var(--mono); color: var(--muted); overflow: hidden; text-overflow: ellipsis; white-space: nowrap; }
.rows li .s { grid-column: 1 / -1; font: 11px var(--mono); margin-top: 3px; padding-left: 6px; white-space: nowrap; overflow: hidden; text-overflow: ellipsis; }
.rows li.changed { background: #fbfcfe; }
.rows li.fresh { animation: fresh 1.6s ease-out; }
.only-changes li.same { display: none; }
@keyframes fresh { from { background: #fff7d6; } }
.chip { display: inline-block; padding: 0 6px; border-radius: 4px; background: #eef1f5; color: var(--muted); }
.chip[data-phase] { background: var(--phase-soft); color: var(--phase); font-weight: 600; }
.arrow { color: var(--faint); padding: 0 5px; }
.ev-ffmpeg { color: #b91c1c; } .ev-segment, .ev-segments { color: #0f766e; } .ev-upload { color: #1d4ed8; }
.ev-sentinel, .ev-recorder { color: #7c3aed; } .ev-display { color: #a16207; } .ev-xstate, .ev-inspector, .ev-after { color: #6b7280; }
.rows .empty { display: block; color: var(--faint); text-align: center; padding: 18px; border: 0; }
`;

/** The viewer's style sheet: system fonts, no external assets. */
export const viewerStyle = `
:root {
  --bg: #0e1217; --panel: #161b22; --panel-2: #1c232c; --line: #2a323d; --text: #e6e9ee; --muted: #8b96a5;
  --accent: #4da3ff; --ok: #3fb950; --warn: #d29922; --bad: #f85149; --idle: #4b5563;
  color-scheme: dark;
}
* { box-sizing: border-box; }
html, body { margin: 0; background: var(--bg); color: var(--text); font: 14px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif; }
button, input { font: inherit; color: inherit; }
button { background: var(--panel-2); border: 1px solid var(--line); border-radius: 6px; padding: 5px 10px; cursor: pointer; }
button:hover { border-color: var(--accent); }
button.quiet { background: transparent; }
input { background: var(--bg); border: 1px solid var(--line); border-radius: 6px; padding: 5px 8px; min-width: 0; }
input:focus, button:focus-visible, .timeline:focus-visible { outline: 2px solid var(--accent); outline-offset: 1px; }
a { color: var(--accent); text-decoration: none; }
[hidden] { display: none !important; }
.muted { color: var(--muted); font-weight: normal; }
.spacer { flex: 1; }

.top { display: flex; align-items: center; gap: 14px; padding: 10px 20px; background: var(--panel); border-bottom: 1px solid var(--line); }
.brand { color: var(--text); font-weight: 650; font-size: 16px; }
.destination { color: var(--muted); font-family: ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; font-size: 12.5px; }
.view { padding: 16px 20px 24px; }

.search { display: flex; flex-wrap: wrap; gap: 10px; align-items: center; margin-bottom: 10px; }
.search input { width: min(560px, 100%); height: 34px; }
.search-results { list-style: none; margin: 0 0 14px; padding: 0; border: 1px solid var(--line); border-radius: 8px; max-height: 320px; overflow: auto; }
.search-results li + li { border-top: 1px solid var(--line); }
.search-hit { display: block; padding: 7px 12px; color: var(--text); }
.search-hit:hover { background: var(--panel-2); }
.search-text { display: block; white-space: pre; overflow: hidden; text-overflow: ellipsis; font-family: ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; font-size: 12.5px; }
.filters { display: flex; flex-wrap: wrap; gap: 12px; align-items: flex-end; margin-bottom: 10px; }
.filters label { display: flex; flex-direction: column; gap: 3px; font-size: 12px; color: var(--muted); }
.filters input { width: 170px; height: 32px; color: var(--text); }
.filters input[type=date] { width: 150px; }
.count { color: var(--muted); margin: 6px 0 10px; }
.table-wrap { overflow: auto; border: 1px solid var(--line); border-radius: 8px; }
table.sessions { width: 100%; border-collapse: collapse; }
.sessions th { text-align: left; font-weight: 600; font-size: 12px; color: var(--muted); background: var(--panel); padding: 8px 12px; position: sticky; top: 0; border-bottom: 1px solid var(--line); }
.sessions td { padding: 8px 12px; border-bottom: 1px solid var(--line); white-space: nowrap; max-width: 260px; overflow: hidden; text-overflow: ellipsis; }
.sessions tbody tr { cursor: pointer; }
.sessions tbody tr:hover, .sessions tbody tr:focus { background: var(--panel-2); outline: none; }
.sessions .num, .sessions th.num { text-align: right; font-variant-numeric: tabular-nums; }
.mono { font-family: ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; font-size: 12.5px; }

.badge { display: inline-block; padding: 1px 8px; border-radius: 999px; font-size: 12px; border: 1px solid; margin-right: 4px; }
.badge.ok { color: var(--ok); border-color: rgba(63,185,80,.5); background: rgba(63,185,80,.08); }
.badge.warn { color: var(--warn); border-color: rgba(210,153,34,.5); background: rgba(210,153,34,.08); }
.badge.bad { color: var(--bad); border-color: rgba(248,81,73,.5); background: rgba(248,81,73,.08); }

.player-head { display: flex; align-items: baseline; gap: 16px; margin-bottom: 12px; flex-wrap: wrap; }
.player-head h1 { font-size: 18px; font-weight: 600; margin: 0; }
.player-grid { display: grid; grid-template-columns: minmax(0, 1fr) 320px; gap: 18px; }
@media (max-width: 1000px) { .player-grid { grid-template-columns: 1fr; } }

.stage { position: relative; background: #000; border-radius: 8px; overflow: hidden; aspect-ratio: 16 / 9; }
.stage video { position: absolute; inset: 0; width: 100%; height: 100%; object-fit: contain; background: #000; visibility: hidden; }
.stage video.active { visibility: visible; }
.stage-bar { display: flex; gap: 12px; padding: 6px 2px 0; color: var(--muted); font-size: 12.5px; font-variant-numeric: tabular-nums; }
.stage-bar #clock { color: var(--text); }
.stage-message { position: absolute; left: 0; right: 0; top: 45%; text-align: center; color: var(--muted); font-size: 15px; }

.controls { display: flex; align-items: center; gap: 8px; padding: 10px 0 8px; flex-wrap: wrap; }
.controls .play { width: 44px; font-size: 16px; }
.time { font-variant-numeric: tabular-nums; margin-left: 6px; min-width: 120px; }
.speeds { display: inline-flex; border: 1px solid var(--line); border-radius: 6px; overflow: hidden; }
.speeds button { border: 0; border-radius: 0; background: transparent; padding: 5px 9px; }
.speeds button + button { border-left: 1px solid var(--line); }
.speeds button.on { background: var(--accent); color: #06101c; font-weight: 600; }
.toggle { display: inline-flex; align-items: center; gap: 6px; color: var(--muted); margin: 0 4px; cursor: pointer; user-select: none; }

.timeline { position: relative; height: 34px; background: var(--panel); border: 1px solid var(--line); border-radius: 6px; cursor: pointer; overflow: hidden; }
.track { position: absolute; inset: 0; }
.track .span { position: absolute; top: 7px; bottom: 7px; }
.track .span.video { border-radius: 2px; }
.track .span.idle { background: var(--idle) !important; }
.track .span.gap { top: 0; bottom: 0; background: repeating-linear-gradient(135deg, rgba(248,81,73,.55) 0 4px, rgba(248,81,73,.15) 4px 8px); }
.track .layout { position: absolute; top: 0; bottom: 0; width: 2px; background: var(--warn); }
.track .layout span { position: absolute; top: 1px; left: 4px; padding: 0 4px; border-radius: 3px; background: rgba(14,18,23,.85); font-size: 10px; line-height: 14px; color: var(--warn); white-space: nowrap; }
.track .seg-tick { position: absolute; top: 7px; bottom: 7px; width: 1px; background: rgba(0,0,0,.45); }
.playhead { position: absolute; top: 0; bottom: 0; width: 2px; margin-left: -1px; background: #fff; box-shadow: 0 0 0 1px rgba(0,0,0,.5); pointer-events: none; }
.hover { position: absolute; bottom: 100%; transform: translateX(-50%); }
.timeline .hover { top: 2px; bottom: auto; padding: 1px 6px; font-size: 11px; background: rgba(0,0,0,.8); border-radius: 4px; white-space: nowrap; pointer-events: none; }
.ticks { position: relative; height: 18px; font-size: 11px; color: var(--muted); font-variant-numeric: tabular-nums; }
.ticks span { position: absolute; transform: translateX(-50%); white-space: nowrap; }
.ticks span:first-child { transform: none; }
.ticks span:last-child { transform: translateX(-100%); }
.legend { display: flex; flex-wrap: wrap; gap: 14px; margin-top: 6px; font-size: 12px; color: var(--muted); }
.legend .sw { display: inline-block; width: 12px; height: 10px; border-radius: 2px; margin-right: 5px; vertical-align: -1px; }
.sw.video { background: var(--accent); } .sw.idle { background: var(--idle); }
.sw.gap { background: repeating-linear-gradient(135deg, rgba(248,81,73,.8) 0 3px, rgba(248,81,73,.2) 3px 6px); }
.sw.layout { background: var(--warn); width: 3px; }
.legend .keys { margin-left: auto; }

.details { background: var(--panel); border: 1px solid var(--line); border-radius: 8px; padding: 6px 16px 14px; align-self: start; max-height: calc(100vh - 120px); overflow: auto; }
.details h2 { font-size: 12px; text-transform: uppercase; letter-spacing: .06em; color: var(--muted); margin: 14px 0 8px; }
.details dl { display: grid; grid-template-columns: auto 1fr; gap: 4px 12px; margin: 0; }
.details dt { color: var(--muted); }
.details dd { margin: 0; overflow-wrap: anywhere; }
.verified-note { color: var(--ok); font-size: 13px; }
.problems { margin: 6px 0 0; padding-left: 18px; color: var(--warn); font-size: 12.5px; }
.segments { list-style: none; margin: 0; padding: 0; font-size: 12.5px; font-variant-numeric: tabular-nums; }
.segments li { display: flex; gap: 8px; padding: 3px 6px; border-radius: 4px; cursor: pointer; }
.segments li:hover { background: var(--panel-2); }
.segments li.current { background: rgba(77,163,255,.18); color: #fff; }
.segments li .n { color: var(--muted); width: 28px; text-align: right; }
.segments li .tag { color: var(--muted); margin-left: auto; }
`;

import type { LaidOutEdge } from '../graphLayout';
import { camera, setFollow } from './camera';
import { byId, svg } from './dom';
import { ui } from './pageState';
import { paintActive } from './status';

/** Draws the laid-out statechart as SVG: nested state boxes, arrows with labels, tooltips. */

type Point = { readonly x: number; readonly y: number };

/** An orthogonal polyline with its corners rounded to radius `r`. */
function roundedPath(pts: readonly Point[], r: number): string {
  const first = pts[0];
  const last = pts[pts.length - 1];
  if (pts.length < 2 || !first || !last) return '';
  let d = `M${first.x} ${first.y}`;
  for (let i = 1; i < pts.length - 1; i++) {
    const a = pts[i - 1]!;
    const b = pts[i]!;
    const c = pts[i + 1]!;
    const d1 = Math.hypot(b.x - a.x, b.y - a.y);
    const d2 = Math.hypot(c.x - b.x, c.y - b.y);
    const rr = Math.min(r, d1 / 2, d2 / 2);
    if (rr < 0.5) {
      d += ` L${b.x} ${b.y}`;
      continue;
    }
    const p = { x: b.x + ((a.x - b.x) * rr) / d1, y: b.y + ((a.y - b.y) * rr) / d1 };
    const q = { x: b.x + ((c.x - b.x) * rr) / d2, y: b.y + ((c.y - b.y) * rr) / d2 };
    d += ` L${p.x} ${p.y} Q${b.x} ${b.y} ${q.x} ${q.y}`;
  }
  return `${d} L${last.x} ${last.y}`;
}

/** A cubic Bézier from (start, control, control, end). */
function curvePath(p: readonly Point[]): string {
  const [a, b, c, d] = p;
  if (!a || !b || !c || !d) return '';
  return `M${a.x} ${a.y} C${b.x} ${b.y} ${c.x} ${c.y} ${d.x} ${d.y}`;
}

function labelLine(parent: SVGGElement, text: string, x: number, y: number): SVGTextElement {
  // "  [guard]" continues the line above: indented so it reads as that transition's guard
  const t = svg('text', { x: /^\s/.test(text) ? x + 10 : x, y }, parent);
  const m = /^(.*?)(\s*\[[^\]]*\])?$/.exec(text);
  const main = m ? (m[1] ?? '') : text;
  const guard = m && m[2] ? m[2] : '';
  if (main) svg('tspan', { class: /^after /.test(main) ? 'after' : null }, t, main);
  if (guard) svg('tspan', { class: 'guard' }, t, (main ? ' ' : '') + guard.trim());
  return t;
}

export function renderGraph(): void {
  const graph = ui.graph;
  const layout = ui.layout;
  if (!graph || !layout) return;
  const chart = byId('chart');
  while (chart.firstChild) chart.removeChild(chart.firstChild);
  const defs = svg('defs', {}, chart);
  for (const [id, fill] of [['arrow', '#9aa4b2'], ['arrow-dark', '#374151'], ['arrow-fired', '#111827']] as const) {
    const mk = svg('marker', { id, viewBox: '0 0 10 10', refX: 9, refY: 5, markerWidth: 7, markerHeight: 7, orient: 'auto-start-reverse', markerUnits: 'userSpaceOnUse' }, defs);
    svg('path', { d: 'M0 0 L10 5 L0 10 z', fill }, mk);
  }
  const vp = svg('g', { id: 'viewport' }, chart);
  const nodeLayer = svg('g', { class: 'nodes' }, vp);
  const edgeLayer = svg('g', { class: 'edges' }, vp);
  ui.nodes = {};
  ui.nodeEls = {};
  ui.edgeEls = {};
  ui.owner = {};
  ui.lineEls = [];
  for (const n of graph.nodes) ui.nodes[n.id] = n;
  const depth = (id: string): number => ui.nodes[id]?.depth ?? 0;
  const laid = [...layout.nodes].sort((a, b) => depth(a.id) - depth(b.id));
  for (const ln of laid) {
    const n = ui.nodes[ln.id];
    const compound = graph.nodes.some((c) => c.parent === ln.id);
    const g = svg('g', {
      class: `node ${compound ? 'compound' : 'atomic'} depth-${n?.depth ?? 0}${n?.type === 'final' ? ' final' : ''}`,
      'data-id': ln.id,
      'data-state': ln.id.split('.').slice(1).join('.') || ln.id,
    }, nodeLayer);
    svg('rect', { class: 'box', x: ln.x, y: ln.y, width: ln.width, height: ln.height, rx: compound ? 12 : 9 }, g);
    if (n?.type === 'final') svg('rect', { class: 'inner', x: ln.x + 4, y: ln.y + 4, width: ln.width - 8, height: ln.height - 8, rx: 6 }, g);
    const single = !compound && ln.lines.length === 0;
    const ty = single ? ln.y + ln.height / 2 + 5 : ln.y + 21;
    svg('text', { class: 'title', x: single ? ln.x + ln.width / 2 : ln.x + 14, y: ty, 'text-anchor': single ? 'middle' : 'start' }, g, ln.title);
    ln.lines.forEach((line, i) => {
      const t = svg('text', { class: `line ${line.kind}`, x: ln.x + 14, y: ln.y + 21 + (i + 1) * 15 }, g, line.text);
      if (line.edgeIds.length) ui.lineEls.push({ el: t, ids: line.edgeIds });
    });
    if (ln.initialMarker) svg('circle', { class: 'marker', cx: ln.initialMarker.x, cy: ln.initialMarker.y, r: 5 }, g);
    hoverTip(g, () => nodeTip(ln.id));
    ui.nodeEls[ln.id] = g;
  }
  for (const le of layout.edges) {
    const g = svg('g', { class: `edge${le.initial ? ' initial' : ''}`, 'data-id': le.id, 'data-events': le.label ? le.label.lines.join('|') : '' }, edgeLayer);
    const path = svg('path', { d: le.curve ? curvePath(le.points) : roundedPath(le.points, 7), 'marker-end': le.initial ? 'url(#arrow-dark)' : 'url(#arrow)' }, g);
    if (le.label) {
      const lg = svg('g', { class: 'label' }, g);
      svg('rect', { x: le.label.x - 1, y: le.label.y, width: le.label.width, height: le.label.height, rx: 3 }, lg);
      const { x, y } = le.label;
      le.label.lines.forEach((line, i) => labelLine(lg, line, x + 3, y + 13 + i * 14));
    }
    for (const id of le.edgeIds) ui.owner[id] = le.id;
    hoverTip(g, () => edgeTip(le));
    ui.edgeEls[le.id] = { g, path, initial: le.initial };
  }
  if (ui.status) paintActive(ui.status.active, false);
  // The first view is the whole chart: following zooms past the canvas and cuts off its edges.
  setFollow(false);
  camera(0);
}

function nodeTip(id: string): string {
  const n = ui.nodes[id];
  const graph = ui.graph;
  if (!n || !graph) return '';
  const parts = [`<b>${esc(id === graph.rootId ? graph.machineId : id.split('.').slice(1).join('.'))}</b>`];
  if (n.description) parts.push(esc(n.description));
  const m: string[] = [];
  if (n.invokes.length) m.push(`invokes ${n.invokes.map((i) => i.src).join(', ')}`);
  if (n.spawns.length) m.push(`spawns ${n.spawns.join(', ')}`);
  if (n.entry.length) m.push(`entry: ${n.entry.join(', ')}`);
  if (n.exit.length) m.push(`exit: ${n.exit.join(', ')}`);
  if (m.length) parts.push(`<span class="m">${esc(m.join(' · '))}</span>`);
  return parts.join('<br>');
}

function edgeTip(le: LaidOutEdge): string {
  if (le.initial) return 'initial state';
  const lines: string[] = [];
  for (const id of le.edgeIds) {
    const e = ui.graph?.edges.find((x) => x.id === id);
    if (!e) continue;
    lines.push(`<b>${esc(e.label || 'always')}</b>${e.actions.length ? `<br><span class="m">/ ${esc(e.actions.join(', '))}</span>` : ''}`);
  }
  return lines.join('<br>');
}

/** Names and descriptions come from the machine's code, but are escaped all the same. */
function esc(s: string): string {
  return String(s).replace(/[&<>"]/g, (c) => `&#${c.charCodeAt(0)};`);
}

function hoverTip(target: SVGGElement, html: () => string): void {
  target.addEventListener('mouseenter', (ev) => showTip(ev, html()));
  target.addEventListener('mousemove', moveTip);
  target.addEventListener('mouseleave', hideTip);
}

function showTip(ev: MouseEvent, html: string): void {
  if (!html) return;
  const t = byId('tip');
  t.innerHTML = html;
  t.hidden = false;
  moveTip(ev);
}

function moveTip(ev: MouseEvent): void {
  const t = byId('tip');
  const r = byId('canvas').getBoundingClientRect();
  let x = ev.clientX - r.left + 14;
  let y = ev.clientY - r.top + 14;
  if (x + t.offsetWidth > r.width - 8) x = ev.clientX - r.left - t.offsetWidth - 14;
  if (y + t.offsetHeight > r.height - 8) y = ev.clientY - r.top - t.offsetHeight - 14;
  t.style.left = `${x}px`;
  t.style.top = `${y}px`;
}

function hideTip(): void {
  byId('tip').hidden = true;
}

/**
 * Draws the laid-out statechart as SVG: nested state boxes, arrows with labels, tooltips.
 * Part of the page's script (see pageScript.ts): plain ES2020 for the browser, in a string.
 */
export const pageScriptDiagram = String.raw`
  // ---------- diagram ----------
  function roundedPath(pts, r) {
    if (pts.length < 2) return '';
    var d = 'M' + pts[0].x + ' ' + pts[0].y;
    for (var i = 1; i < pts.length - 1; i++) {
      var a = pts[i - 1], b = pts[i], c = pts[i + 1];
      var d1 = Math.hypot(b.x - a.x, b.y - a.y), d2 = Math.hypot(c.x - b.x, c.y - b.y);
      var rr = Math.min(r, d1 / 2, d2 / 2);
      if (rr < 0.5) { d += ' L' + b.x + ' ' + b.y; continue; }
      var p = { x: b.x + (a.x - b.x) * rr / d1, y: b.y + (a.y - b.y) * rr / d1 };
      var q = { x: b.x + (c.x - b.x) * rr / d2, y: b.y + (c.y - b.y) * rr / d2 };
      d += ' L' + p.x + ' ' + p.y + ' Q' + b.x + ' ' + b.y + ' ' + q.x + ' ' + q.y;
    }
    var last = pts[pts.length - 1];
    return d + ' L' + last.x + ' ' + last.y;
  }
  function curvePath(p) { return 'M' + p[0].x + ' ' + p[0].y + ' C' + p[1].x + ' ' + p[1].y + ' ' + p[2].x + ' ' + p[2].y + ' ' + p[3].x + ' ' + p[3].y; }

  function labelLine(parent, text, x, y) {
    // "  [guard]" continues the line above: indented so it reads as that transition's guard
    var t = el('text', { x: /^\s/.test(text) ? x + 10 : x, y: y }, parent);
    var m = /^(.*?)(\s*\[[^\]]*\])?$/.exec(text);
    var main = m ? m[1] : text, guard = m && m[2] ? m[2] : '';
    if (main) el('tspan', { 'class': /^after /.test(main) ? 'after' : null }, t, main);
    if (guard) el('tspan', { 'class': 'guard' }, t, (main ? ' ' : '') + guard.trim());
    return t;
  }

  function renderGraph() {
    var svg = $('chart');
    while (svg.firstChild) svg.removeChild(svg.firstChild);
    var defs = el('defs', {}, svg);
    [['arrow', '#9aa4b2'], ['arrow-dark', '#374151'], ['arrow-fired', '#111827']].forEach(function (m) {
      var mk = el('marker', { id: m[0], viewBox: '0 0 10 10', refX: 9, refY: 5, markerWidth: 7, markerHeight: 7, orient: 'auto-start-reverse', markerUnits: 'userSpaceOnUse' }, defs);
      el('path', { d: 'M0 0 L10 5 L0 10 z', fill: m[1] }, mk);
    });
    var vp = el('g', { id: 'viewport' }, svg);
    var nodeLayer = el('g', { 'class': 'nodes' }, vp);
    var edgeLayer = el('g', { 'class': 'edges' }, vp);
    S.nodes = {}; S.nodeEls = {}; S.edgeEls = {}; S.owner = {}; S.lineEls = [];
    S.graph.nodes.forEach(function (n) { S.nodes[n.id] = n; });
    var laid = S.layout.nodes.slice().sort(function (a, b) { return (S.nodes[a.id] ? S.nodes[a.id].depth : 0) - (S.nodes[b.id] ? S.nodes[b.id].depth : 0); });
    laid.forEach(function (ln) {
      var n = S.nodes[ln.id] || { type: 'atomic', depth: 0 };
      var compound = S.graph.nodes.some(function (c) { return c.parent === ln.id; });
      var g = el('g', { 'class': 'node ' + (compound ? 'compound' : 'atomic') + ' depth-' + n.depth + (n.type === 'final' ? ' final' : ''), 'data-id': ln.id, 'data-state': ln.id.split('.').slice(1).join('.') || ln.id }, nodeLayer);
      el('rect', { 'class': 'box', x: ln.x, y: ln.y, width: ln.width, height: ln.height, rx: compound ? 12 : 9 }, g);
      if (n.type === 'final') el('rect', { 'class': 'inner', x: ln.x + 4, y: ln.y + 4, width: ln.width - 8, height: ln.height - 8, rx: 6 }, g);
      var single = !compound && ln.lines.length === 0;
      var ty = single ? ln.y + ln.height / 2 + 5 : ln.y + 21;
      el('text', { 'class': 'title', x: single ? ln.x + ln.width / 2 : ln.x + 14, y: ty, 'text-anchor': single ? 'middle' : 'start' }, g, ln.title);
      ln.lines.forEach(function (line, i) {
        var t = el('text', { 'class': 'line ' + line.kind, x: ln.x + 14, y: ln.y + 21 + (i + 1) * 15 }, g, line.text);
        if (line.edgeIds.length) S.lineEls.push({ el: t, ids: line.edgeIds });
      });
      if (ln.initialMarker) el('circle', { 'class': 'marker', cx: ln.initialMarker.x, cy: ln.initialMarker.y, r: 5 }, g);
      g.addEventListener('mouseenter', function (ev) { showTip(ev, nodeTip(ln.id)); });
      g.addEventListener('mousemove', moveTip);
      g.addEventListener('mouseleave', hideTip);
      S.nodeEls[ln.id] = g;
    });
    S.layout.edges.forEach(function (le) {
      var g = el('g', { 'class': 'edge' + (le.initial ? ' initial' : ''), 'data-id': le.id, 'data-events': le.label ? le.label.lines.join('|') : '' }, edgeLayer);
      var p = el('path', { d: le.curve ? curvePath(le.points) : roundedPath(le.points, 7), 'marker-end': le.initial ? 'url(#arrow-dark)' : 'url(#arrow)' }, g);
      g._path = p; g._initial = le.initial;
      if (le.label) {
        var lg = el('g', { 'class': 'label' }, g);
        el('rect', { x: le.label.x - 1, y: le.label.y, width: le.label.width, height: le.label.height, rx: 3 }, lg);
        le.label.lines.forEach(function (line, i) { labelLine(lg, line, le.label.x + 3, le.label.y + 13 + i * 14); });
      }
      le.edgeIds.forEach(function (id) { S.owner[id] = le.id; });
      g.addEventListener('mouseenter', function (ev) { showTip(ev, edgeTip(le)); });
      g.addEventListener('mousemove', moveTip);
      g.addEventListener('mouseleave', hideTip);
      S.edgeEls[le.id] = g;
    });
    if (S.status) paintActive(S.status.active || [], false);
    // The first view is the whole chart: following zooms past the canvas and cuts off its edges.
    setFollow(false);
    camera(0);
  }

  function nodeTip(id) {
    var n = S.nodes[id];
    if (!n) return '';
    var parts = ['<b>' + esc(id === S.graph.rootId ? S.graph.machineId : id.split('.').slice(1).join('.')) + '</b>'];
    if (n.description) parts.push(esc(n.description));
    var m = [];
    if (n.invokes.length) m.push('invokes ' + n.invokes.map(function (i) { return i.src; }).join(', '));
    if (n.spawns.length) m.push('spawns ' + n.spawns.join(', '));
    if (n.entry.length) m.push('entry: ' + n.entry.join(', '));
    if (n.exit.length) m.push('exit: ' + n.exit.join(', '));
    if (m.length) parts.push('<span class="m">' + esc(m.join(' · ')) + '</span>');
    return parts.join('<br>');
  }
  function edgeTip(le) {
    if (le.initial) return 'initial state';
    var lines = [];
    le.edgeIds.forEach(function (id) {
      var e = S.graph.edges.filter(function (x) { return x.id === id; })[0];
      if (!e) return;
      lines.push('<b>' + esc(e.label || 'always') + '</b>' + (e.actions.length ? '<br><span class="m">/ ' + esc(e.actions.join(', ')) + '</span>' : ''));
    });
    return lines.join('<br>');
  }
  function esc(s) { return String(s).replace(/[&<>"]/g, function (c) { return '&#' + c.charCodeAt(0) + ';'; }); }
  function showTip(ev, html) { if (!html) return; var t = $('tip'); t.innerHTML = html; t.hidden = false; moveTip(ev); }
  function moveTip(ev) {
    var t = $('tip'), r = $('canvas').getBoundingClientRect();
    var x = ev.clientX - r.left + 14, y = ev.clientY - r.top + 14;
    if (x + t.offsetWidth > r.width - 8) x = ev.clientX - r.left - t.offsetWidth - 14;
    if (y + t.offsetHeight > r.height - 8) y = ev.clientY - r.top - t.offsetHeight - 14;
    t.style.left = x + 'px'; t.style.top = y + 'px';
  }
  function hideTip() { $('tip').hidden = true; }
`;

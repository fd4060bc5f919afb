/**
 * The page's script: plain ES2020 run by the browser, kept as a string so `tsc` ships it.
 * It draws the laid-out statechart (graph.json) as SVG, then follows /events (server-sent
 * events: pushed, never polled). In a standalone copy (page.ts: standalonePageHtml) it reads the
 * inlined data instead and replays an events.jsonl file the user opens.
 * No backticks or template placeholders below: this is the body of a TypeScript template string.
 */
export const pageScript = String.raw`
(function () {
  'use strict';
  var NS = 'http://www.w3.org/2000/svg';
  function $(id) { return document.getElementById(id); }
  var S = {
    graph: null, layout: null, status: null, nodes: {}, nodeEls: {}, edgeEls: {}, owner: {}, lineEls: [],
    active: {}, visited: {}, view: { k: 1, x: 0, y: 0 }, userZoomed: false, follow: false, top: null, anim: 0, ended: false, rows: 0
  };
  var MAX_ROWS = 500;

  // ---------- helpers ----------
  function el(tag, attrs, parent, text) {
    var e = document.createElementNS(NS, tag);
    for (var k in attrs) if (attrs[k] !== undefined && attrs[k] !== null) e.setAttribute(k, String(attrs[k]));
    if (text !== undefined) e.textContent = text;
    if (parent) parent.appendChild(e);
    return e;
  }
  function h(tag, cls, text) {
    var e = document.createElement(tag);
    if (cls) e.className = cls;
    if (text !== undefined) e.textContent = text;
    return e;
  }
  function pad(n, w) { var s = String(n); while (s.length < (w || 2)) s = '0' + s; return s; }
  function clock(t) { var d = new Date(t); return pad(d.getHours()) + ':' + pad(d.getMinutes()) + ':' + pad(d.getSeconds()) + '.' + pad(d.getMilliseconds(), 3); }
  function bytes(n) {
    if (n === null || n === undefined) return '–';
    if (n < 1024) return n + ' B';
    var u = ['kB', 'MB', 'GB', 'TB'], v = n / 1024, i = 0;
    while (v >= 1024 && i < u.length - 1) { v /= 1024; i++; }
    return (v >= 100 ? v.toFixed(0) : v.toFixed(1)) + ' ' + u[i];
  }
  function duration(ms) {
    if (ms === null || ms === undefined || !isFinite(ms) || ms < 0) return '–';
    var s = Math.floor(ms / 1000);
    if (s < 60) return (ms / 1000).toFixed(ms < 10000 ? 1 : 0) + ' s';
    var m = Math.floor(s / 60); s = s % 60;
    if (m < 60) return m + ' min ' + pad(s) + ' s';
    return Math.floor(m / 60) + ' h ' + pad(m % 60) + ' min';
  }
  function phaseOf(stateText, status) {
    if (status === 'error') return 'error';
    if (!stateText) return 'waiting';
    return stateText.split('.')[0];
  }
  function prettyEvent(type) {
    var m = /^xstate\.after\.([^.]+)\./.exec(type);
    if (m) return 'after ' + m[1];
    if (type === 'xstate.init') return 'start';
    return type;
  }
  function activeFromText(text) {
    var ids = [];
    if (!S.graph || !text) return ids;
    var parts = text.split('.'), id = S.graph.rootId;
    for (var i = 0; i < parts.length; i++) { id = id + '.' + parts[i]; ids.push(id); }
    return ids;
  }

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
    var t = el('text', { x: x, y: y }, parent);
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
    setFollow(fitScale() < READABLE);
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

  // zoom, pan and follow: when the whole chart is too small to read, the view follows the
  // current top-level state at a readable scale; any manual zoom or pan stops following.
  var READABLE = 0.62;
  function applyView() { var vp = $('viewport'); if (vp) vp.setAttribute('transform', 'translate(' + S.view.x + ' ' + S.view.y + ') scale(' + S.view.k + ')'); }
  function canvasSize() { var r = $('canvas').getBoundingClientRect(); return { w: r.width, h: r.height }; }
  function fitScale() { var c = canvasSize(); return Math.min((c.w - 16) / S.layout.width, (c.h - 16) / S.layout.height, 1.4); }
  function animateTo(view, ms) {
    var from = { k: S.view.k, x: S.view.x, y: S.view.y }, start = performance.now();
    var canvas = $('canvas');
    cancelAnimationFrame(S.anim);
    if (!ms) { S.view = view; applyView(); canvas.removeAttribute('data-moving'); return; }
    canvas.setAttribute('data-moving', '');
    function step(now) {
      var t = Math.min(1, (now - start) / ms), e = t < 0.5 ? 2 * t * t : 1 - Math.pow(-2 * t + 2, 2) / 2;
      S.view = { k: from.k + (view.k - from.k) * e, x: from.x + (view.x - from.x) * e, y: from.y + (view.y - from.y) * e };
      applyView();
      if (t < 1) S.anim = requestAnimationFrame(step);
      else canvas.removeAttribute('data-moving');
    }
    S.anim = requestAnimationFrame(step);
  }
  function fitView() {
    var c = canvasSize(), k = fitScale();
    return { k: k, x: (c.w - S.layout.width * k) / 2, y: (c.h - S.layout.height * k) / 2 };
  }
  function followView() {
    var c = canvasSize(), fk = fitScale();
    var ids = Object.keys(S.active).filter(function (id) { return S.nodes[id] && S.nodes[id].parent === S.graph.rootId; });
    var box = ids.length ? S.layout.nodes.filter(function (n) { return n.id === ids[0]; })[0] : null;
    // Nothing to follow before the start and after the end: show the whole journey.
    if (!box || !S.status || S.status.status === 'done' || S.status.status === 'stopped') return fitView();
    var k = Math.max(fk, Math.min(0.8, (c.w - 60) / box.width, (c.h - 60) / box.height));
    if (k <= fk + 0.01) return fitView();
    var cx = box.x + box.width / 2, cy = box.y + box.height / 2;
    var x = c.w / 2 - cx * k, y = c.h / 2 - cy * k;
    // keep the chart's edges from drifting into the middle of the panel
    x = Math.min(16, Math.max(c.w - 16 - S.layout.width * k, x));
    y = Math.min(16, Math.max(c.h - 16 - S.layout.height * k, y));
    return { k: k, x: x, y: y };
  }
  function setFollow(on) { S.follow = on; $('follow').setAttribute('aria-pressed', on ? 'true' : 'false'); }
  function camera(ms) { if (!S.layout) return; animateTo(S.follow ? followView() : fitView(), ms); }
  function fit() { if (!S.layout) return; setFollow(false); S.userZoomed = false; animateTo(fitView(), 350); }
  function zoomAt(factor, cx, cy) {
    cancelAnimationFrame(S.anim);
    $('canvas').removeAttribute('data-moving');
    var k = Math.max(0.2, Math.min(4, S.view.k * factor));
    S.view.x = cx - (cx - S.view.x) * (k / S.view.k);
    S.view.y = cy - (cy - S.view.y) * (k / S.view.k);
    S.view.k = k; S.userZoomed = true; setFollow(false); applyView();
  }
  function setupZoom() {
    var c = $('canvas'), drag = null;
    c.addEventListener('wheel', function (ev) { ev.preventDefault(); var r = c.getBoundingClientRect(); zoomAt(Math.exp(-ev.deltaY * 0.0015), ev.clientX - r.left, ev.clientY - r.top); }, { passive: false });
    c.addEventListener('mousedown', function (ev) { if (ev.target.closest && ev.target.closest('.drain')) return; drag = { x: ev.clientX, y: ev.clientY, vx: S.view.x, vy: S.view.y, moved: false }; c.classList.add('dragging'); });
    window.addEventListener('mousemove', function (ev) {
      if (!drag) return;
      if (!drag.moved && Math.abs(ev.clientX - drag.x) + Math.abs(ev.clientY - drag.y) < 4) return;
      drag.moved = true; cancelAnimationFrame(S.anim); c.removeAttribute('data-moving');
      S.view.x = drag.vx + ev.clientX - drag.x; S.view.y = drag.vy + ev.clientY - drag.y; S.userZoomed = true; setFollow(false); applyView();
    });
    window.addEventListener('mouseup', function () { drag = null; c.classList.remove('dragging'); });
    $('zoom-in').addEventListener('click', function () { var r = c.getBoundingClientRect(); zoomAt(1.25, r.width / 2, r.height / 2); });
    $('zoom-out').addEventListener('click', function () { var r = c.getBoundingClientRect(); zoomAt(0.8, r.width / 2, r.height / 2); });
    $('zoom-fit').addEventListener('click', fit);
    $('follow').addEventListener('click', function () { setFollow(!S.follow); S.userZoomed = false; camera(450); });
    window.addEventListener('resize', function () { if (!S.userZoomed) camera(0); });
  }

  // ---------- live state ----------
  function paintActive(activeIds, animate) {
    var now = {};
    activeIds.forEach(function (id) { now[id] = true; S.visited[id] = true; });
    Object.keys(S.nodeEls).forEach(function (id) {
      var g = S.nodeEls[id], on = !!now[id];
      var leaf = on && !activeIds.some(function (o) { return o.indexOf(id + '.') === 0; });
      g.classList.toggle('active', on);
      g.classList.toggle('leaf', leaf);
      g.classList.toggle('visited', !on && !!S.visited[id]);
      if (animate && on && !S.active[id]) {
        g.classList.remove('entered'); void g.getBBox(); g.classList.add('entered');
        setTimeout(function () { g.classList.remove('entered'); }, 1000);
      }
    });
    S.active = now;
  }

  function fire(edgeIds) {
    if (!edgeIds || !edgeIds.length) return;
    var drawn = {};
    edgeIds.forEach(function (id) { if (S.owner[id]) drawn[S.owner[id]] = true; });
    if (Object.keys(drawn).length) {
      Object.keys(S.edgeEls).forEach(function (id) {
        var g = S.edgeEls[id];
        if (drawn[id] || !(g.classList.contains('recent') || g.classList.contains('fired'))) return;
        clearTimeout(g._t);
        g.classList.remove('recent', 'fired');
        g._path.setAttribute('marker-end', g._initial ? 'url(#arrow-dark)' : 'url(#arrow)');
      });
    }
    Object.keys(drawn).forEach(function (id) {
      var g = S.edgeEls[id];
      if (!g) return;
      g.parentNode.appendChild(g);
      g.classList.remove('recent'); g.classList.add('fired');
      g._path.setAttribute('marker-end', 'url(#arrow-fired)');
      clearTimeout(g._t);
      g._t = setTimeout(function () { g.classList.remove('fired'); g.classList.add('recent'); }, 1800);
    });
    S.lineEls.forEach(function (l) {
      if (!l.ids.some(function (id) { return edgeIds.indexOf(id) >= 0; })) return;
      l.el.classList.add('flash');
      clearTimeout(l._t);
      l._t = setTimeout(function () { l.el.classList.remove('flash'); }, 1200);
    });
  }

  function setText(id, text, title) { var e = $(id); if (!e) return; e.textContent = text; if (title !== undefined) e.title = title; }

  function applyStatus(st, animate) {
    S.status = st;
    var phase = st.status === 'waiting' ? 'waiting' : phaseOf(st.state, st.status);
    document.body.setAttribute('data-phase', phase);
    $('now').setAttribute('data-phase', phase);
    setText('state-text', st.state || st.status);
    var top = (st.state || '').split('.')[0];
    paintActive(st.active || [], animate);
    var key = top + '|' + st.status;
    if (S.follow && S.layout && key !== S.top) camera(animate ? 600 : 0);
    S.top = key;
    var f = st.ffmpeg;
    if (f) {
      $('ffmpeg-dot').className = 'h-dot' + (f.running ? ' on' : '');
      var badge = $('ffmpeg-state');
      badge.textContent = f.running ? 'running' : (f.runs > 0 ? 'stopped' : 'not started');
      badge.className = 'badge' + (f.running ? ' on' : '');
      setText('ff-pid', f.pid === null ? '–' : String(f.pid));
      setText('ff-run', f.runId || '–');
      setText('ff-seg', f.writingSegment === null ? '–' : 'segment #' + f.writingSegment);
      setText('ff-runs', String(f.runs) + (f.consecutiveFailures ? ' · ' + f.consecutiveFailures + ' failing' : '') + (f.restartReason ? ' · last restart: ' + f.restartReason : ''));
      var ex = f.lastExit;
      setText('ff-exit', ex ? (ex.signal ? 'signal ' + ex.signal : 'code ' + ex.code) + (ex.message ? ' · ' + ex.message : '') : '–', ex && ex.message ? ex.message : '');
    }
    var u = st.uploads;
    if (u) {
      setText('up-pending', String(u.pending));
      setText('up-flight', String(u.inFlight.length));
      setText('up-done', String(u.done));
      setText('up-failed', String(u.failedAttempts));
      $('up-pending').parentNode.className = u.pending > 0 ? 'hot' : '';
      $('up-failed').parentNode.className = u.failedAttempts > 0 ? 'bad' : '';
      var list = $('up-list');
      while (list.firstChild) list.removeChild(list.firstChild);
      u.inFlight.forEach(function (x) {
        var li = h('li'); li.appendChild(h('span', 'spin')); var k = h('span', 'k', x.key); k.title = x.key; li.appendChild(k);
        var t = h('span', 't', 'try ' + x.attempt); t.setAttribute('data-since', x.since); li.appendChild(t); list.appendChild(li);
      });
      u.retrying.forEach(function (x) {
        var li = h('li', 'retry'); li.appendChild(h('span', 'spin')); var k = h('span', 'k', x.key); k.title = x.message; li.appendChild(k);
        var t = h('span', 't', 'retry · try ' + x.attempt); t.setAttribute('data-retry', x.retryAt); t.setAttribute('data-attempt', x.attempt); li.appendChild(t); list.appendChild(li);
      });
      if (!u.inFlight.length && !u.retrying.length) list.appendChild(h('li', 'empty', u.pending > 0 ? u.pending + ' waiting for the uploader' : 'nothing waiting'));
      setText('up-last', u.lastKey ? 'last durable: ' + u.lastKey : (u.bytes ? '' : 'no segment uploaded yet'), u.lastKey || '');
    }
    var t = st.totals;
    if (t) {
      var disp = st.display || {};
      setText('t-display', disp.size ? disp.size + (disp.monitors > 1 ? ' ×' + disp.monitors : '') : (disp.problem ? 'lost' : '–'), disp.problem || '');
      setText('t-segments', t.segmentsUploaded + ' / ' + t.segmentsClosed, t.segmentsClosed + ' closed, ' + t.segmentsUploaded + ' uploaded');
      setText('t-bytes', bytes(t.bytesUploaded), bytes(t.bytesClosed) + ' closed, ' + bytes(t.bytesUploaded) + ' uploaded');
      setText('t-events', t.events + ' events', t.transitions + ' state changes');
      if (u) setText('up-bytes', bytes(u.bytes));
    }
    var d = st.drain;
    if (d && d.startedAt !== null) {
      $('drain').hidden = false;
      var parts = [];
      if (d.stopReason) parts.push('because ' + d.stopReason);
      if (st.status === 'done') parts.push('exit ' + d.exitCode + (d.leftInSpool ? ' · ' + d.leftInSpool + ' left in spool' : ' · everything durable'));
      setText('drain-reason', parts.join(' · '), d.stopReason || '');
    }
    tick();
  }

  function tick() {
    var st = S.status, now = Date.now();
    if (!st) return;
    var done = st.status === 'done' || st.status === 'stopped';
    var end = done ? (st.updatedAt || now) : now;
    setText('state-since', done ? (st.startedAt ? 'after ' + duration(end - st.startedAt) : '') : (st.stateSince ? 'for ' + duration(end - st.stateSince) : ''));
    setText('ff-since', st.ffmpeg && st.ffmpeg.runningSince ? duration(now - st.ffmpeg.runningSince) : '–');
    setText('t-elapsed', st.startedAt ? duration(end - st.startedAt) : '–');
    var d = st.drain;
    if (d && d.startedAt !== null) {
      var used = end - d.startedAt;
      setText('drain-text', duration(used) + (d.budgetMs ? ' of ' + duration(d.budgetMs) : ''));
      $('drain-bar').style.width = d.budgetMs ? Math.min(100, used / d.budgetMs * 100).toFixed(1) + '%' : '0';
    }
    Array.prototype.forEach.call(document.querySelectorAll('[data-retry]'), function (e) {
      var left = Number(e.getAttribute('data-retry')) - now;
      e.textContent = (left > 0 ? 'retry in ' + duration(left) : 'retrying') + ' · try ' + e.getAttribute('data-attempt');
    });
  }

  // ---------- event log ----------
  function detailText(detail) {
    var out = [];
    Object.keys(detail || {}).forEach(function (k) {
      var v = detail[k];
      if (v === null || v === undefined) return;
      switch (k) {
        case 'bytes': out.push(bytes(v)); break;
        case 'seconds': out.push(v + ' s'); break;
        case 'retryInMs': out.push('retry in ' + duration(v)); break;
        case 'index': out.push('#' + v); break;
        case 'pid': out.push('pid ' + v); break;
        case 'attempt': out.push('try ' + v); break;
        case 'code': out.push('code ' + v); break;
        case 'complete': if (!v) out.push('partial'); break;
        case 'run': case 'key': case 'signal': case 'size': case 'message': case 'reason': case 'path': out.push(String(v)); break;
        case 'delay': break;
        default: out.push(k + ' ' + v);
      }
    });
    return out.join(' · ');
  }
  function chip(text) {
    var c = h('span', 'chip', text || '–');
    var p = phaseOf(text, '');
    if (text && ['idle', 'recording', 'restarting', 'draining', 'finished'].indexOf(p) >= 0) c.setAttribute('data-phase', p);
    return c;
  }
  /** "draining.flushing.settling" → "…settling" when the target shares its parent. */
  function shortFrom(from, to) {
    var a = from.split('.'), b = to.split('.');
    var same = 0;
    while (same < a.length - 1 && same < b.length - 1 && a[same] === b[same]) same++;
    return same > 0 ? '…' + a.slice(same).join('.') : from;
  }
  function addRow(r, fresh) {
    var list = $('log');
    var empty = list.querySelector('.empty'); if (empty) empty.remove();
    var li = h('li', (r.changed ? 'changed' : 'same') + (fresh ? ' fresh' : ''));
    li.setAttribute('data-event', r.event); li.setAttribute('data-to', r.to); li.setAttribute('data-seq', r.seq);
    li.appendChild(h('span', 't', clock(r.time)));
    var pe = prettyEvent(r.event);
    li.appendChild(h('span', 'e ev-' + pe.split(/[. ]/)[0], pe));
    var d = h('span', 'd', detailText(r.detail)); d.title = d.textContent; li.appendChild(d);
    if (r.changed) {
      var s = h('span', 's');
      if (r.from) { var fromChip = chip(shortFrom(r.from, r.to)); fromChip.title = r.from; s.appendChild(fromChip); s.appendChild(h('span', 'arrow', '→')); }
      s.appendChild(chip(r.to));
      s.title = (r.from ? r.from + ' → ' : '') + r.to;
      li.appendChild(s);
    }
    list.insertBefore(li, list.firstChild);
    S.rows++;
    while (S.rows > MAX_ROWS && list.lastChild) { list.removeChild(list.lastChild); S.rows--; }
  }
  function resetLog(records) {
    var list = $('log');
    while (list.firstChild) list.removeChild(list.firstChild);
    S.rows = 0;
    if (!records.length) list.appendChild(h('li', 'empty', 'No events yet.'));
    records.forEach(function (r) { addRow(r, false); });
  }
  $('only-changes').addEventListener('change', function (ev) { $('log').classList.toggle('only-changes', ev.target.checked); });

  // ---------- connection ----------
  function setConn(state, text) { $('conn').setAttribute('data-conn', state); setText('conn-text', text); }

  function connect() {
    if (typeof EventSource === 'undefined') { setConn('offline', 'no EventSource in this browser'); return; }
    var es = new EventSource('events');
    es.onopen = function () { if (!S.ended) setConn('live', 'live'); };
    es.onerror = function () { if (S.ended) return; setConn('reconnecting', es.readyState === 2 ? 'disconnected' : 'reconnecting…'); };
    es.addEventListener('init', function (ev) {
      var data = JSON.parse(ev.data);
      resetLog(data.history);
      applyStatus(data.status, false);
      setConn('live', 'live');
    });
    es.addEventListener('transition', function (ev) {
      var u = JSON.parse(ev.data);
      addRow(u.record, true);
      fire(u.record.edges);
      applyStatus(u.status, true);
    });
    es.addEventListener('end', function (ev) {
      S.ended = true;
      es.close();
      var data = JSON.parse(ev.data);
      if (data.status) applyStatus(data.status, false);
      setConn('ended', 'recorder stopped · stream closed');
    });
  }

  function loadGraph(data) {
    S.graph = data.graph; S.layout = data.layout;
    renderGraph();
  }

  // ---------- standalone (file://) ----------
  function statusFromRecords(records) {
    var last = records[records.length - 1];
    var text = last ? last.to : '';
    return {
      machine: S.graph.machineId, status: text === 'finished' ? 'done' : (text ? 'active' : 'waiting'), state: text,
      active: activeFromText(text), stateSince: null, startedAt: records.length ? records[0].time : null, updatedAt: last ? last.time : null
    };
  }
  function replay(records) {
    resetLog(records);
    applyStatus(statusFromRecords(records), false);
    if (records.length) fire(records[records.length - 1].edges);
  }
  function standalone(data) {
    setConn('offline', 'offline copy');
    setText('sub', 'standalone page · open an events.jsonl to replay it');
    $('file-box').hidden = false;
    loadGraph(data);
    if (data.status) applyStatus(data.status, false);
    replay(data.history || []);
    $('file').addEventListener('change', function (ev) {
      var file = ev.target.files && ev.target.files[0];
      if (!file) return;
      file.text().then(function (text) {
        var records = text.split('\n').filter(function (l) { return l.trim(); }).map(function (l) { return JSON.parse(l); })
          .map(function (r) { return r.record ? r.record : r; });
        setText('sub', file.name + ' · ' + records.length + ' events');
        replay(records);
      });
    });
  }

  setupZoom();
  setInterval(tick, 1000);
  var inline = document.getElementById('inspector-data');
  if (inline) { standalone(JSON.parse(inline.textContent)); return; }
  setText('sub', location.host + ' · read-only');
  connect();
  fetch('graph.json').then(function (r) { if (!r.ok) throw new Error('graph.json: HTTP ' + r.status); return r.json(); })
    .then(loadGraph)
    .catch(function (err) { setText('sub', 'could not load the statechart: ' + err.message); });
})();
`;

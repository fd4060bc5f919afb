/**
 * Zoom, pan, and "follow": the view keeps the current top-level state in sight at a readable scale.
 * Part of the page's script (see pageScript.ts): plain ES2020 for the browser, in a string.
 */
export const pageScriptCamera = String.raw`
  // zoom, pan and follow: the page opens on the whole chart; "Follow" keeps the current
  // top-level state in view at a readable scale; any manual zoom or pan stops following.
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
`;

/**
 * Applies a status to the page: highlights the active states, animates the transitions taken, fills the FFmpeg, upload and session panels.
 * Part of the page's script (see pageScript.ts): plain ES2020 for the browser, in a string.
 */
export const pageScriptStatus = String.raw`
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
`;

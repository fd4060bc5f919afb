/** The timeline, session details, routing between list and player, keys and start-up. Part of the viewer page script (see pageScript.ts). */
export const timelineScript = String.raw`
// timeline
var timeline = $('timeline');
function pct(t) { return (P.view.timeline.totalSeconds ? 100 * t / P.view.timeline.totalSeconds : 0) + '%'; }
function timeAtEvent(e) {
  var r = timeline.getBoundingClientRect();
  return Math.max(0, Math.min(1, (e.clientX - r.left) / r.width)) * P.view.timeline.totalSeconds;
}
var dragging = false;
timeline.addEventListener('pointerdown', function (e) { dragging = true; timeline.setPointerCapture(e.pointerId); seek(timeAtEvent(e)); });
timeline.addEventListener('pointermove', function (e) {
  if (!P.view) return;
  var t = timeAtEvent(e), hover = $('hover');
  hover.hidden = false; hover.style.left = pct(t);
  hover.textContent = clockText(t) + ' · ' + utc(wallAt(P.view.timeline.start, t)).slice(11) + ' UTC';
  if (dragging) seek(t);
});
timeline.addEventListener('pointerup', function () { dragging = false; });
timeline.addEventListener('pointerleave', function () { $('hover').hidden = true; });

var PALETTE = ['#4da3ff', '#a371f7', '#3fb950', '#db61a2', '#39c5cf'];
function renderTimeline() {
  var tl = P.view.timeline, track = $('track'), layouts = {};
  track.textContent = '';
  tl.layoutChanges.forEach(function (c) { var k = c.width + 'x' + c.height; if (!(k in layouts)) layouts[k] = PALETTE[Object.keys(layouts).length % PALETTE.length]; });
  // Runs of segments with the same layout and idleness become one span: few elements even for long sessions.
  var run = null;
  function flush() {
    if (!run) return;
    var el = h('div', { cls: 'span video' + (run.idle ? ' idle' : ''), title: run.idle ? 'idle' : run.layout });
    el.style.left = pct(run.from); el.style.width = pct(run.to - run.from); el.style.background = layouts[run.layout];
    track.appendChild(el); run = null;
  }
  P.segs.forEach(function (s) {
    var layout = s.width + 'x' + s.height;
    if (run && run.layout === layout && run.idle === s.idle && s.offset - run.to < 0.01) run.to = s.offset + s.duration;
    else { flush(); run = { from: s.offset, to: s.offset + s.duration, layout: layout, idle: s.idle }; }
  });
  flush();
  if (P.segs.length <= 400) P.segs.slice(1).forEach(function (s) { var t = h('div', { cls: 'seg-tick' }); t.style.left = pct(s.offset); track.appendChild(t); });
  tl.gaps.forEach(function (g) {
    var el = h('div', { cls: 'span gap', title: 'gap: ' + (g.to - g.from).toFixed(1) + ' s without video' });
    el.style.left = pct(g.from); el.style.width = 'max(3px, ' + pct(g.to - g.from) + ')';
    track.appendChild(el);
  });
  tl.layoutChanges.slice(1).forEach(function (c) {
    var el = h('div', { cls: 'layout', title: 'resolution ' + c.width + '×' + c.height }, [h('span', { text: c.width + '×' + c.height })]);
    el.style.left = pct(c.at); track.appendChild(el);
  });
  var ticks = $('ticks'); ticks.textContent = '';
  [0, 0.25, 0.5, 0.75, 1].forEach(function (f) {
    var t = f * tl.totalSeconds, el = h('span', { text: clockText(t) + ' · ' + utc(wallAt(tl.start, t)).slice(11, 19) });
    el.style.left = (f * 100) + '%'; ticks.appendChild(el);
  });
}
function renderSegmentInfo() {
  var s = P.segs[P.cur]; if (!s) return;
  $('segment-label').textContent = 'Segment ' + (P.cur + 1) + ' of ' + P.segs.length + ' · ' + s.width + '×' + s.height + (s.idle ? ' · idle' : '');
  Array.from($('segments').children).forEach(function (li, i) { li.classList.toggle('current', i === P.cur); });
  var li = $('segments').children[P.cur];
  if (li && li.scrollIntoView) li.scrollIntoView({ block: 'nearest' });
}
function tick() {
  if (P.view && P.segs.length) {
    var t = globalTime(), tl = P.view.timeline;
    $('playhead').style.left = pct(t);
    $('time').textContent = clockText(t) + ' / ' + clockText(tl.totalSeconds);
    $('clock').textContent = utc(wallAt(tl.start, t)) + ' UTC';
    if (P.playing && activeEl().paused && !activeEl().seeking && activeEl().readyState >= 2 && !activeEl().ended) activeEl().play().catch(function () {});
  }
  requestAnimationFrame(tick);
}
requestAnimationFrame(tick);

function fact(dl, name, value) { if (value == null || value === '') return; dl.appendChild(h('dt', { text: name })); dl.appendChild(h('dd', { text: String(value) })); }
function renderDetails(view) {
  var s = view.summary, m = view.metadata || {}, dl = $('facts');
  $('title').textContent = (s.user || 'unknown user') + ' · ' + s.stack + ' / ' + s.fleet;
  var badges = $('badges'); badges.textContent = ''; statusBadges(s).forEach(function (b) { badges.appendChild(b); });
  dl.textContent = '';
  fact(dl, 'User', s.user || '-'); fact(dl, 'Stack', s.stack); fact(dl, 'Fleet', s.fleet); fact(dl, 'Session', s.sessionId);
  fact(dl, 'Host', m.hostname); fact(dl, 'Instance', m.instanceId); fact(dl, 'Started', utc(s.start) + ' UTC'); fact(dl, 'Ended', s.end ? utc(s.end) + ' UTC' : 'open');
  fact(dl, 'Duration', clockText(s.durationSeconds)); fact(dl, 'Recorded', clockText(s.recordedSeconds)); fact(dl, 'Size', bytesText(s.bytes));
  fact(dl, 'Layouts', (s.layouts || []).join(', ').replace(/x/g, '×')); fact(dl, 'End reason', s.endReason);
  var gaps = view.timeline.gaps, idle = view.timeline.idle;
  fact(dl, 'Gaps', gaps.length ? gaps.length + ' (' + gaps.reduce(function (a, g) { return a + g.to - g.from; }, 0).toFixed(1) + ' s)' : 'none');
  fact(dl, 'Idle', idle.length ? clockText(idle.reduce(function (a, g) { return a + g.to - g.from; }, 0)) : 'none detected');
  var integrity = $('integrity'); integrity.textContent = '';
  if (s.verified) integrity.appendChild(h('div', { cls: 'verified-note', text: '✓ Verified: hash chain, segment sizes, metadata and end marker check out.' }));
  else integrity.appendChild(h('ul', { cls: 'problems' }, (s.problems || []).map(function (p) { return h('li', { text: p }); })));
  var list = $('segments'); list.textContent = '';
  $('segment-count').textContent = '(' + P.segs.length + ')';
  P.segs.forEach(function (seg, i) {
    list.appendChild(h('li', { onclick: function () { show(i, 0); } }, [
      h('span', { cls: 'n', text: String(i + 1) }), h('span', { text: utc(seg.start).slice(11) }),
      h('span', { text: seg.duration.toFixed(1) + ' s' }), h('span', { text: bytesText(seg.bytes) }),
      h('span', { cls: 'tag', text: (seg.idle ? 'idle · ' : '') + seg.width + '×' + seg.height }),
    ]));
  });
}
function openSession(prefix) {
  pause();
  P.els.forEach(function (el) { el.removeAttribute('src'); el.dataset.index = '-1'; el.load(); });
  P.view = null; P.segs = []; P.cur = -1; P.prefix = prefix;
  $('list-view').hidden = true; $('player-view').hidden = false;
  $('title').textContent = 'Loading…'; message('Loading session…');
  return getJson('/api/session?prefix=' + encodeURIComponent(prefix)).then(function (view) {
    if (P.prefix !== prefix) return;
    P.view = view; P.segs = view.timeline.segments;
    renderDetails(view); renderTimeline();
    if (!P.segs.length) { message('This session has no video yet.'); return; }
    message(null); show(0, 0);
  }).catch(function (e) { message('Could not open the session: ' + e.message); });
}
function showList() {
  pause();
  P.prefix = null;
  $('player-view').hidden = true; $('list-view').hidden = false;
  if (!sessions.length) loadSessions(false);
}
function route() {
  var m = /^#session=(.+)$/.exec(location.hash);
  if (m) openSession(decodeURIComponent(m[1])); else showList();
}
window.addEventListener('hashchange', route);
$('refresh').addEventListener('click', function () { if (P.prefix) openSession(P.prefix); else loadSessions(true); });

document.addEventListener('keydown', function (e) {
  if ($('player-view').hidden || e.target.tagName === 'INPUT' || e.ctrlKey || e.metaKey || e.altKey) return;
  var big = e.shiftKey ? 30 : 5;
  switch (e.key) {
    case ' ': case 'k': e.preventDefault(); P.playing ? pause() : play(); break;
    case 'ArrowLeft': e.preventDefault(); seek(globalTime() - big); break;
    case 'ArrowRight': e.preventDefault(); seek(globalTime() + big); break;
    case 'ArrowUp': case ']': e.preventDefault(); stepRate(1); break;
    case 'ArrowDown': case '[': e.preventDefault(); stepRate(-1); break;
    case 'n': case 'N': if (nextIndex(P.cur) >= 0) show(nextIndex(P.cur), 0); break;
    case 'p': case 'P': if (P.cur > 0) show(P.cur - 1, 0); break;
    case 'Home': seek(0); break;
    case 'End': if (P.view) seek(P.view.timeline.totalSeconds); break;
    case 'i': case 'I': $('skip-idle').click(); break;
    case 'f': case 'F': $('fullscreen').click(); break;
    case 'Escape': if (!document.fullscreenElement) location.hash = ''; break;
  }
});

// For tests and for the curious: the player's state, read-only, plus the same actions as the keys.
window.viewer = {
  state: function () {
    var el = activeEl();
    return {
      prefix: P.prefix, segment: P.cur, segments: P.segs.length, globalTime: globalTime(), currentTime: el.currentTime,
      loaded: P.els.map(function (v) { return Number(v.dataset.index); }), activeSrc: el.currentSrc, readyState: el.readyState,
      paused: el.paused, seeking: el.seeking, rate: P.rate, playing: P.playing,
    };
  },
  seek: seek, play: play, pause: pause, setRate: setRate, activeVideo: activeEl,
};

setRate(1);
getJson('/api/info').then(function (info) {
  $('destination').textContent = info.destination;
  if (info.session && !location.hash) location.hash = '#session=' + encodeURIComponent(info.session);
  route();
}).catch(function (e) { $('count').textContent = 'The viewer is not answering: ' + e.message; });
$('home').addEventListener('click', function (e) { e.preventDefault(); location.hash = ''; });
$('back').addEventListener('click', function (e) { e.preventDefault(); location.hash = ''; });
`;

/**
 * The viewer page's script (plain browser JavaScript, served as /app.js). Everything from the
 * store is untrusted text and goes into the page with textContent, never as HTML.
 *
 * The player: two <video> elements, the current segment and the next one preloaded; the global
 * time is the segment's offset on the timeline plus the element's currentTime. At a segment's end
 * the preloaded element takes over (gaps are skipped, idle segments too when asked), and seeking
 * maps a global time to (segment, offset) with `locate` from timeline.ts, sent here as source.
 * Only two segments are ever loaded, so memory stays flat however long the session is.
 */
import { locate } from './timeline';

const SCRIPT = String.raw`
'use strict';
var locate = __LOCATE__;
var $ = function (id) { return document.getElementById(id); };
function h(tag, attrs, children) {
  var el = document.createElement(tag);
  if (attrs) for (var k in attrs) {
    if (k === 'text') el.textContent = attrs[k];
    else if (k === 'cls') el.className = attrs[k];
    else if (k.slice(0, 2) === 'on') el.addEventListener(k.slice(2), attrs[k]);
    else el.setAttribute(k, attrs[k]);
  }
  (children || []).forEach(function (c) { if (c != null) el.appendChild(typeof c === 'string' ? document.createTextNode(c) : c); });
  return el;
}
function two(n) { return (n < 10 ? '0' : '') + n; }
function clockText(seconds) {
  var s = Math.max(0, Math.floor(seconds)), hh = Math.floor(s / 3600), mm = Math.floor(s % 3600 / 60), ss = s % 60;
  return hh > 0 ? hh + ':' + two(mm) + ':' + two(ss) : mm + ':' + two(ss);
}
function utc(iso) { return iso ? iso.slice(0, 10) + ' ' + iso.slice(11, 19) : '-'; }
function wallAt(startIso, offsetSeconds) { return new Date(Date.parse(startIso) + offsetSeconds * 1000).toISOString(); }
function bytesText(b) {
  if (b < 1024) return b + ' B';
  var u = ['KiB', 'MiB', 'GiB', 'TiB'], v = b / 1024, i = 0;
  while (v >= 1024 && i < u.length - 1) { v /= 1024; i++; }
  return v.toFixed(v < 10 ? 1 : 0) + ' ' + u[i];
}
function getJson(url) {
  return fetch(url).then(function (r) {
    return r.json().then(function (body) { if (!r.ok) throw new Error(body.error || r.statusText); return body; });
  });
}

// ---------- session list ----------
var sessions = [];
var filters = $('filters');
function filterValues() {
  var f = new FormData(filters), o = {};
  f.forEach(function (v, k) { o[k] = String(v).trim(); });
  return o;
}
function matches(s, f) {
  var has = function (value, wanted) { return !wanted || String(value || '').toLowerCase().indexOf(wanted.toLowerCase()) >= 0; };
  if (!has(s.stack, f.stack) || !has(s.fleet, f.fleet) || !has(s.user, f.user)) return false;
  var start = s.start ? Date.parse(s.start) : 0, end = s.end ? Date.parse(s.end) : start;
  if (f.since && end < Date.parse(f.since + 'T00:00:00Z')) return false;
  if (f.until && start >= Date.parse(f.until + 'T00:00:00Z') + 86400000) return false;
  return true;
}
function statusBadges(s) {
  return [
    h('span', { cls: 'badge ' + (s.complete ? 'ok' : 'warn'), text: s.complete ? 'complete' : 'open' }),
    h('span', { cls: 'badge ' + (s.verified ? 'ok' : 'bad'), text: s.verified ? 'verified' : 'not verified', title: (s.problems || []).join('\n') }),
  ];
}
function fillDatalist(id, values) {
  var list = $(id); list.textContent = '';
  Array.from(new Set(values.filter(Boolean))).sort().forEach(function (v) { list.appendChild(h('option', { value: v })); });
}
function renderList() {
  var f = filterValues(), body = $('sessions').tBodies[0], shown = sessions.filter(function (s) { return matches(s, f); });
  body.textContent = '';
  shown.slice().reverse().forEach(function (s) {
    var row = h('tr', { tabindex: '0', 'data-prefix': s.prefix }, [
      h('td', { cls: 'mono', text: utc(s.start) }), h('td', { text: s.user || '-' }), h('td', { text: s.stack }), h('td', { text: s.fleet }),
      h('td', { cls: 'mono', text: s.sessionId, title: s.prefix }), h('td', { cls: 'num', text: clockText(s.durationSeconds) }),
      h('td', { cls: 'num', text: String(s.segments) }), h('td', { cls: 'num', text: bytesText(s.bytes) }), h('td', null, statusBadges(s)),
    ]);
    var go = function () { location.hash = '#session=' + encodeURIComponent(s.prefix); };
    row.addEventListener('click', go);
    row.addEventListener('keydown', function (e) { if (e.key === 'Enter') go(); });
    body.appendChild(row);
  });
  $('count').textContent = shown.length === sessions.length ? sessions.length + ' session(s), newest first'
    : shown.length + ' of ' + sessions.length + ' session(s) match';
}
function loadSessions(refresh) {
  $('count').textContent = 'Reading sessions…';
  return getJson('/api/sessions' + (refresh ? '?refresh=1' : '')).then(function (data) {
    sessions = data.sessions;
    fillDatalist('stacks', sessions.map(function (s) { return s.stack; }));
    fillDatalist('fleets', sessions.map(function (s) { return s.fleet; }));
    fillDatalist('users', sessions.map(function (s) { return s.user; }));
    renderList();
  }).catch(function (e) { $('count').textContent = 'Could not read sessions: ' + e.message; });
}
filters.addEventListener('input', renderList);
filters.addEventListener('reset', function () { setTimeout(renderList, 0); });
filters.addEventListener('submit', function (e) { e.preventDefault(); });

// ---------- player ----------
var SPEEDS = [1, 2, 4, 8, 16];
var P = { view: null, prefix: null, segs: [], cur: -1, els: [$('video-a'), $('video-b')], active: 0, rate: 1, playing: false, skipIdle: false };
P.els.forEach(function (el) {
  el.dataset.index = '-1';
  el.addEventListener('loadedmetadata', function () {
    if (el._seekTo != null) { el.currentTime = el._seekTo; el._seekTo = null; }
  });
  el.addEventListener('ended', function () { if (el === activeEl()) advance(); });
  el.addEventListener('error', function () {
    if (el !== activeEl()) return;
    message('Segment ' + (P.cur + 1) + ' could not be played' + (el.error ? ' (' + el.error.message + ')' : '') + '; skipping it.');
    setTimeout(advance, 800);
  });
  el.addEventListener('playing', function () { message(null); });
});
function activeEl() { return P.els[P.active]; }
function spareEl() { return P.els[1 - P.active]; }
function mediaUrl(i) { return '/media?prefix=' + encodeURIComponent(P.prefix) + '&i=' + i; }
function message(text) { var m = $('stage-message'); m.hidden = !text; m.textContent = text || ''; }
function loadInto(el, i) {
  if (Number(el.dataset.index) === i) return;
  el.dataset.index = String(i);
  el._seekTo = null;
  el.src = mediaUrl(i);
  el.load();
}
function setTime(el, t) {
  if (el.readyState >= 1) el.currentTime = t; else el._seekTo = t;
}
function playable(i) { return P.segs[i] && !(P.skipIdle && P.segs[i].idle); }
function nextIndex(i) { for (var j = i + 1; j < P.segs.length; j++) if (playable(j)) return j; return -1; }
function show(i, within) {
  if (Number(activeEl().dataset.index) !== i && Number(spareEl().dataset.index) === i) P.active = 1 - P.active;
  var el = activeEl(), spare = spareEl();
  loadInto(el, i);
  P.cur = i;
  el.playbackRate = P.rate; el.defaultPlaybackRate = P.rate;
  setTime(el, within);
  el.classList.add('active'); spare.classList.remove('active');
  spare.pause();
  var n = nextIndex(i);
  if (n >= 0) { loadInto(spare, n); setTime(spare, 0); }
  if (P.playing) el.play().catch(function () {});
  renderSegmentInfo();
}
function advance() {
  var n = nextIndex(P.cur);
  if (n < 0) { P.playing = false; activeEl().pause(); updatePlayButton(); return; }
  show(n, 0);
}
function globalTime() {
  var s = P.segs[P.cur];
  if (!s) return 0;
  return s.offset + Math.min(activeEl().currentTime || 0, s.duration);
}
function seek(t) {
  if (!P.segs.length) return;
  var total = P.view.timeline.totalSeconds;
  t = Math.max(0, Math.min(t, total));
  var at = locate(P.segs, t);
  if (P.skipIdle && P.segs[at.index].idle) { var n = nextIndex(at.index); if (n >= 0) at = { index: n, within: 0 }; }
  show(at.index, at.within);
}
function play() {
  if (!P.segs.length) return;
  P.playing = true;
  var s = P.segs[P.cur];
  if (activeEl().ended || (s && globalTime() >= s.offset + s.duration - 0.01 && nextIndex(P.cur) < 0)) { seek(0); }
  if (!playable(P.cur)) { advance(); }
  activeEl().play().catch(function () {});
  updatePlayButton();
}
function pause() { P.playing = false; activeEl().pause(); updatePlayButton(); }
function updatePlayButton() { $('play').textContent = P.playing ? '❚❚' : '▶'; }
function setRate(r) {
  P.rate = r;
  P.els.forEach(function (el) { el.playbackRate = r; el.defaultPlaybackRate = r; });
  Array.from($('speeds').children).forEach(function (b) { b.classList.toggle('on', Number(b.dataset.rate) === r); });
}
SPEEDS.forEach(function (r) {
  $('speeds').appendChild(h('button', { type: 'button', 'data-rate': String(r), text: r + '×', onclick: function () { setRate(r); } }));
});
function stepRate(d) { var i = SPEEDS.indexOf(P.rate) + d; if (i >= 0 && i < SPEEDS.length) setRate(SPEEDS[i]); }
$('play').addEventListener('click', function () { P.playing ? pause() : play(); });
$('back10').addEventListener('click', function () { seek(globalTime() - 10); });
$('fwd10').addEventListener('click', function () { seek(globalTime() + 10); });
$('skip-idle').addEventListener('change', function (e) {
  P.skipIdle = e.target.checked;
  if (P.skipIdle && P.segs[P.cur] && P.segs[P.cur].idle) advance(); else if (P.cur >= 0) show(P.cur, activeEl().currentTime || 0);
});
$('fullscreen').addEventListener('click', function () {
  if (document.fullscreenElement) document.exitFullscreen(); else $('stage').requestFullscreen().catch(function () {});
});

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

/** The script with `locate` (tested in Node) inlined. */
export function viewerScript(): string {
  return SCRIPT.replace('__LOCATE__', () => locate.toString());
}

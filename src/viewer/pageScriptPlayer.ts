/** The player: two <video> elements, seeking across segments, speed and the control buttons. Part of the viewer page script (see pageScript.ts). */
export const playerScript = String.raw`
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

`;

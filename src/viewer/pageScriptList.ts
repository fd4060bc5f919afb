/** The session list: filters, badges, loading and rendering the rows. Part of the viewer page script (see pageScript.ts). */
export const sessionListScript = String.raw`
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
    h('span', {
      cls: 'badge ' + (s.coverage == null ? 'warn' : (s.coverageProblems || []).length ? 'bad' : 'ok'),
      text: s.coverage == null ? 'coverage unknown' : 'coverage ' + (Math.floor(s.coverage * 1000) / 10).toFixed(1) + ' %',
      title: (s.coverageProblems || []).join('\n'),
    }),
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

`;

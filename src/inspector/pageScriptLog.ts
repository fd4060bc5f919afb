/**
 * The event log: one row per event (time, event, details), with from → to when the state changed.
 * Part of the page's script (see pageScript.ts): plain ES2020 for the browser, in a string.
 */
export const pageScriptLog = String.raw`
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
`;

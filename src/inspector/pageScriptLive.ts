/**
 * Follows the live stream (server-sent events), or, in a standalone copy, replays an events.jsonl; then starts the page.
 * Part of the page's script (see pageScript.ts): plain ES2020 for the browser, in a string.
 */
export const pageScriptLive = String.raw`
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
    replay(data.history || []);
    if (data.status) applyStatus(data.status, false);
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
`;

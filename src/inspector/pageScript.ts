/**
 * The page's script: plain ES2020 run by the browser, kept as a string so `tsc` ships it.
 * It draws the laid-out statechart (graph.json) as SVG, then follows /events (server-sent
 * events: pushed, never polled). In a standalone copy (page.ts: standalonePageHtml) it reads the
 * inlined data instead and replays an events.jsonl file the user opens.
 * Split by concern into pageScript*.ts; the parts share the helpers and the state `S` below.
 * No backticks or template placeholders in the parts: they are TypeScript template strings.
 */
import { pageScriptCamera } from './pageScriptCamera';
import { pageScriptDiagram } from './pageScriptDiagram';
import { pageScriptLive } from './pageScriptLive';
import { pageScriptLog } from './pageScriptLog';
import { pageScriptStatus } from './pageScriptStatus';

const core = String.raw`
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
`;

export const pageScript = ['(function () {', core, pageScriptDiagram, pageScriptCamera, pageScriptStatus, pageScriptLog, pageScriptLive, '})();', ''].join('\n');

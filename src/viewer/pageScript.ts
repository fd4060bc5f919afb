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

import { sessionListScript } from './pageScriptList';
import { playerScript } from './pageScriptPlayer';
import { timelineScript } from './pageScriptTimeline';

/** Shared helpers: element building, time and size formatting, JSON fetching. */
const COMMON = String.raw`
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

`;

/** The script with `locate` (tested in Node) inlined. */
export function viewerScript(): string {
  return [COMMON, sessionListScript, playerScript, timelineScript].join('\n').replace('__LOCATE__', () => locate.toString());
}

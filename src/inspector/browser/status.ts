import type { InspectorStatus } from '../inspectorStatus';
import { camera } from './camera';
import { byId, html, setText } from './dom';
import { bytes, duration, phaseOf } from './format';
import { ui, type ShownStatus } from './pageState';

/**
 * Applies a status to the page: highlights the active states, animates the transitions taken,
 * fills the FFmpeg, upload and session panels.
 */

export function paintActive(activeIds: readonly string[], animate: boolean): void {
  const now: Record<string, true> = {};
  for (const id of activeIds) {
    now[id] = true;
    ui.visited[id] = true;
  }
  for (const [id, g] of Object.entries(ui.nodeEls)) {
    const on = now[id] === true;
    const leaf = on && !activeIds.some((o) => o.startsWith(`${id}.`));
    g.classList.toggle('active', on);
    g.classList.toggle('leaf', leaf);
    g.classList.toggle('visited', !on && ui.visited[id] === true);
    if (animate && on && !ui.active[id]) {
      g.classList.remove('entered');
      void g.getBBox(); // restarts the CSS animation
      g.classList.add('entered');
      setTimeout(() => g.classList.remove('entered'), 1000);
    }
  }
  ui.active = now;
}

/** Marks the arrows of the transitions just taken (and fades the previous ones to "recent"). */
export function fire(edgeIds: readonly string[] | undefined): void {
  if (!edgeIds || !edgeIds.length) return;
  const drawn = new Set<string>();
  for (const id of edgeIds) {
    const owner = ui.owner[id];
    if (owner) drawn.add(owner);
  }
  if (drawn.size) {
    for (const [id, arrow] of Object.entries(ui.edgeEls)) {
      const { g } = arrow;
      if (drawn.has(id) || !(g.classList.contains('recent') || g.classList.contains('fired'))) continue;
      clearTimeout(arrow.timer);
      g.classList.remove('recent', 'fired');
      arrow.path.setAttribute('marker-end', arrow.initial ? 'url(#arrow-dark)' : 'url(#arrow)');
    }
  }
  for (const id of drawn) {
    const arrow = ui.edgeEls[id];
    if (!arrow) continue;
    const { g } = arrow;
    g.parentNode?.appendChild(g); // on top of the others
    g.classList.remove('recent');
    g.classList.add('fired');
    arrow.path.setAttribute('marker-end', 'url(#arrow-fired)');
    clearTimeout(arrow.timer);
    arrow.timer = window.setTimeout(() => {
      g.classList.remove('fired');
      g.classList.add('recent');
    }, 1800);
  }
  for (const line of ui.lineEls) {
    if (!line.ids.some((id) => edgeIds.includes(id))) continue;
    line.el.classList.add('flash');
    clearTimeout(line.timer);
    line.timer = window.setTimeout(() => line.el.classList.remove('flash'), 1200);
  }
}

export function applyStatus(st: ShownStatus, animate: boolean): void {
  ui.status = st;
  const phase = st.status === 'waiting' ? 'waiting' : phaseOf(st.state, st.status);
  document.body.setAttribute('data-phase', phase);
  byId('now').setAttribute('data-phase', phase);
  setText('state-text', st.state || st.status);
  const top = (st.state || '').split('.')[0];
  paintActive(st.active, animate);
  const key = `${top}|${st.status}`;
  if (ui.follow && ui.layout && key !== ui.top) camera(animate ? 600 : 0);
  ui.top = key;
  if (st.ffmpeg) showFfmpeg(st.ffmpeg);
  if (st.uploads) showUploads(st.uploads);
  const t = st.totals;
  if (t) {
    const disp = st.display;
    setText('t-display', disp?.size ? disp.size + (disp.monitors > 1 ? ` ×${disp.monitors}` : '') : disp?.problem ? 'lost' : '–', disp?.problem ?? '');
    setText('t-segments', `${t.segmentsUploaded} / ${t.segmentsClosed}`, `${t.segmentsClosed} closed, ${t.segmentsUploaded} uploaded`);
    setText('t-bytes', bytes(t.bytesUploaded), `${bytes(t.bytesClosed)} closed, ${bytes(t.bytesUploaded)} uploaded`);
    setText('t-events', `${t.events} events`, `${t.transitions} state changes`);
    if (st.uploads) setText('up-bytes', bytes(st.uploads.bytes));
  }
  const d = st.drain;
  if (d && d.startedAt !== null) {
    byId('drain').hidden = false;
    const parts: string[] = [];
    if (d.stopReason) parts.push(`because ${d.stopReason}`);
    if (st.status === 'done') parts.push(`exit ${d.exitCode}${d.leftInSpool ? ` · ${d.leftInSpool} left in spool` : ' · everything durable'}`);
    setText('drain-reason', parts.join(' · '), d.stopReason ?? '');
  }
  tick();
}

function showFfmpeg(f: InspectorStatus['ffmpeg']): void {
  byId('ffmpeg-dot').className = `h-dot${f.running ? ' on' : ''}`;
  const badge = byId('ffmpeg-state');
  badge.textContent = f.running ? 'running' : f.runs > 0 ? 'stopped' : 'not started';
  badge.className = `badge${f.running ? ' on' : ''}`;
  setText('ff-pid', f.pid === null ? '–' : String(f.pid));
  setText('ff-run', f.runId || '–');
  setText('ff-seg', f.writingSegment === null ? '–' : `segment #${f.writingSegment}`);
  setText('ff-runs', String(f.runs) + (f.consecutiveFailures ? ` · ${f.consecutiveFailures} failing` : '') + (f.restartReason ? ` · last restart: ${f.restartReason}` : ''));
  const ex = f.lastExit;
  setText('ff-exit', ex ? (ex.signal ? `signal ${ex.signal}` : `code ${ex.code}`) + (ex.message ? ` · ${ex.message}` : '') : '–', ex?.message ?? '');
}

function showUploads(u: InspectorStatus['uploads']): void {
  setText('up-pending', String(u.pending));
  setText('up-flight', String(u.inFlight.length));
  setText('up-done', String(u.done));
  setText('up-failed', String(u.failedAttempts));
  const pendingBox = byId('up-pending').parentElement;
  if (pendingBox) pendingBox.className = u.pending > 0 ? 'hot' : '';
  const failedBox = byId('up-failed').parentElement;
  if (failedBox) failedBox.className = u.failedAttempts > 0 ? 'bad' : '';
  const list = byId('up-list');
  while (list.firstChild) list.removeChild(list.firstChild);
  for (const x of u.inFlight) {
    const li = html('li');
    li.appendChild(html('span', 'spin'));
    const k = html('span', 'k', x.key);
    k.title = x.key;
    li.appendChild(k);
    const t = html('span', 't', `try ${x.attempt}`);
    t.setAttribute('data-since', String(x.since));
    li.appendChild(t);
    list.appendChild(li);
  }
  for (const x of u.retrying) {
    const li = html('li', 'retry');
    li.appendChild(html('span', 'spin'));
    const k = html('span', 'k', x.key);
    k.title = x.message;
    li.appendChild(k);
    const t = html('span', 't', `retry · try ${x.attempt}`);
    t.setAttribute('data-retry', String(x.retryAt));
    t.setAttribute('data-attempt', String(x.attempt));
    li.appendChild(t);
    list.appendChild(li);
  }
  if (!u.inFlight.length && !u.retrying.length) list.appendChild(html('li', 'empty', u.pending > 0 ? `${u.pending} waiting for the uploader` : 'nothing waiting'));
  setText('up-last', u.lastKey ? `last durable: ${u.lastKey}` : u.bytes ? '' : 'no segment uploaded yet', u.lastKey ?? '');
}

/** Once a second (and after every status): the clocks that run by themselves. */
export function tick(): void {
  const st = ui.status;
  const now = Date.now();
  if (!st) return;
  const done = st.status === 'done' || st.status === 'stopped';
  const end = done ? (st.updatedAt || now) : now;
  setText('state-since', done ? (st.startedAt ? `after ${duration(end - st.startedAt)}` : '') : st.stateSince ? `for ${duration(end - st.stateSince)}` : '');
  setText('ff-since', st.ffmpeg?.runningSince ? duration(now - st.ffmpeg.runningSince) : '–');
  setText('t-elapsed', st.startedAt ? duration(end - st.startedAt) : '–');
  const d = st.drain;
  if (d && d.startedAt !== null) {
    const used = end - d.startedAt;
    setText('drain-text', duration(used) + (d.budgetMs ? ` of ${duration(d.budgetMs)}` : ''));
    byId('drain-bar').style.width = d.budgetMs ? `${Math.min(100, (used / d.budgetMs) * 100).toFixed(1)}%` : '0';
  }
  for (const e of document.querySelectorAll('[data-retry]')) {
    const left = Number(e.getAttribute('data-retry')) - now;
    e.textContent = `${left > 0 ? `retry in ${duration(left)}` : 'retrying'} · try ${e.getAttribute('data-attempt')}`;
  }
}

import type { EventDetail } from '../eventSummary';
import type { TransitionRecord } from '../inspectionStream';
import { byId, html } from './dom';
import { bytes, clock, duration, phaseOf, prettyEvent } from './format';
import { ui } from './pageState';

/** The event log: one row per event (time, event, details), with from → to when the state changed. */

/** Rows kept; older ones are dropped from the bottom. */
const MAX_ROWS = 500;

const PHASES = ['idle', 'recording', 'restarting', 'draining', 'finished'];

function detailText(detail: EventDetail | undefined): string {
  const out: string[] = [];
  for (const [k, v] of Object.entries(detail ?? {})) {
    if (v === null || v === undefined) continue;
    switch (k) {
      case 'bytes': out.push(bytes(Number(v))); break;
      case 'seconds': out.push(`${v} s`); break;
      case 'retryInMs': out.push(`retry in ${duration(Number(v))}`); break;
      case 'index': out.push(`#${v}`); break;
      case 'pid': out.push(`pid ${v}`); break;
      case 'attempt': out.push(`try ${v}`); break;
      case 'code': out.push(`code ${v}`); break;
      case 'complete': if (!v) out.push('partial'); break;
      case 'run': case 'key': case 'signal': case 'size': case 'message': case 'reason': case 'path': out.push(String(v)); break;
      case 'delay': break;
      default: out.push(`${k} ${v}`);
    }
  }
  return out.join(' · ');
}

function chip(text: string): HTMLSpanElement {
  const c = html('span', 'chip', text || '–');
  const p = phaseOf(text, '');
  if (text && PHASES.includes(p)) c.setAttribute('data-phase', p);
  return c;
}

/** "draining.flushing.settling" → "…settling" when the target shares its parent. */
function shortFrom(from: string, to: string): string {
  const a = from.split('.');
  const b = to.split('.');
  let same = 0;
  while (same < a.length - 1 && same < b.length - 1 && a[same] === b[same]) same++;
  return same > 0 ? `…${a.slice(same).join('.')}` : from;
}

export function addRow(r: TransitionRecord, fresh: boolean): void {
  const list = byId('log');
  list.querySelector('.empty')?.remove();
  const li = html('li', (r.changed ? 'changed' : 'same') + (fresh ? ' fresh' : ''));
  li.setAttribute('data-event', r.event);
  li.setAttribute('data-to', r.to);
  li.setAttribute('data-seq', String(r.seq));
  li.appendChild(html('span', 't', clock(r.time)));
  const pe = prettyEvent(r.event);
  li.appendChild(html('span', `e ev-${pe.split(/[. ]/)[0]}`, pe));
  const d = html('span', 'd', detailText(r.detail));
  d.title = d.textContent ?? '';
  li.appendChild(d);
  if (r.changed) {
    const s = html('span', 's');
    if (r.from) {
      const fromChip = chip(shortFrom(r.from, r.to));
      fromChip.title = r.from;
      s.appendChild(fromChip);
      s.appendChild(html('span', 'arrow', '→'));
    }
    s.appendChild(chip(r.to));
    s.title = (r.from ? `${r.from} → ` : '') + r.to;
    li.appendChild(s);
  }
  list.insertBefore(li, list.firstChild);
  ui.rows++;
  while (ui.rows > MAX_ROWS && list.lastChild) {
    list.removeChild(list.lastChild);
    ui.rows--;
  }
}

export function resetLog(records: readonly TransitionRecord[]): void {
  const list = byId('log');
  while (list.firstChild) list.removeChild(list.firstChild);
  ui.rows = 0;
  if (!records.length) list.appendChild(html('li', 'empty', 'No events yet.'));
  for (const r of records) addRow(r, false);
}

export function setupLogFilter(): void {
  const only = byId<HTMLInputElement>('only-changes');
  only.addEventListener('change', () => byId('log').classList.toggle('only-changes', only.checked));
}

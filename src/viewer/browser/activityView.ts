import type { ActivityLane, WindowStretch } from '../activityLane';
import { stretchAt } from '../activityLane';
import { byId, getJson, h } from './dom';
import { clockText } from './format';
import { player, seek } from './player';

/**
 * The activity lane under the timeline (window in front, user idle, not observed, objects that
 * failed their check) and the line under the player saying what was in front at the current time.
 * Titles are the recorded user's text: they go in with textContent and attributes, never as HTML.
 */

let lane: ActivityLane | null = null;
let generation = 0;
let nowKey = '';

/** Light colours that dark text reads on; one per window title, the same in every session. */
const COLORS = ['#7cc4ff', '#c9a7ff', '#7ee2a8', '#ffb3d1', '#8de3ea', '#ffd37a', '#b6c2ff', '#f3a683'];

function colorFor(s: WindowStretch): string {
  const key = `${s.app ?? ''}\n${s.title}`;
  let hash = 0;
  for (let i = 0; i < key.length; i++) hash = (hash * 31 + key.charCodeAt(i)) >>> 0;
  return COLORS[hash % COLORS.length] ?? '#7cc4ff';
}

function describe(s: WindowStretch): string {
  if (s.how === 'none') return 'no window';
  const title = s.title === '' ? '(untitled window)' : s.title;
  return `${title}${s.app ? ` — ${s.app}` : ''}${s.how === 'top' ? ' (top window; none focused)' : ''}`;
}

function place(el: HTMLElement, from: number, to: number): HTMLElement {
  const total = player.view?.timeline.totalSeconds ?? 0;
  const a = Math.max(0, Math.min(from, total));
  const b = Math.max(a, Math.min(to, total));
  el.style.left = `${total ? (100 * a) / total : 0}%`;
  el.style.width = `max(2px, ${total ? (100 * (b - a)) / total : 0}%)`;
  return el;
}

export function clearActivity(): void {
  generation += 1;
  lane = null;
  nowKey = '';
  byId('lane').hidden = true;
  byId('lane').textContent = '';
  byId('lane-note').hidden = true;
  byId('lane-legend').hidden = true;
  byId('now-activity').hidden = true;
}

/** Reads the session's lane (again: a live session's grows) and draws it. */
export function loadActivity(prefix: string): Promise<void> {
  const mine = ++generation;
  return getJson<ActivityLane>(`/api/session/activity?prefix=${encodeURIComponent(prefix)}`)
    .then((data) => {
      if (mine !== generation || player.prefix !== prefix) return;
      lane = data;
      nowKey = '';
      renderLane();
    })
    .catch((e: Error) => {
      if (mine !== generation) return;
      const note = byId('lane-note');
      note.hidden = false;
      note.className = 'lane-note bad';
      note.textContent = `The activity track could not be read: ${e.message}`;
    });
}

function noteText(l: ActivityLane): string {
  const parts: string[] = [];
  if (l.segmentsWithActivity < l.segments) parts.push(`Activity recorded for ${l.segmentsWithActivity} of ${l.segments} segments.`);
  if (l.problems.length > 0) {
    parts.push(`${l.problems.length} activity object(s) failed their check and are not shown (red on the lane): ${l.problems[0]?.problem ?? ''}`);
  }
  if (l.truncated) parts.push(`Too many changes to draw: only the first ${l.windows.length} window stretches (and as many idle and unobserved ones) are shown.`);
  return parts.join(' ');
}

export function renderLane(): void {
  const el = byId('lane');
  const note = byId('lane-note');
  el.textContent = '';
  if (lane === null) return;
  if (!lane.available) {
    el.hidden = true;
    byId('lane-legend').hidden = true;
    byId('now-activity').hidden = true;
    note.hidden = false;
    note.className = 'lane-note';
    note.textContent = 'No activity track for this session: window titles and idle time were not recorded (recorded with --no-activity, or by a recorder without it).';
    return;
  }
  el.hidden = false;
  byId('lane-legend').hidden = false;
  byId('now-activity').hidden = false;
  for (const s of lane.windows) {
    const w = place(h('div', { cls: `w${s.how === 'none' ? ' none' : ''}`, title: `${describe(s)}\n${clockText(s.from)} – ${clockText(s.to)}`, text: s.how === 'none' ? '' : s.title }), s.from, s.to);
    if (s.how !== 'none') w.style.background = colorFor(s);
    el.appendChild(w);
  }
  for (const s of lane.idle) el.appendChild(place(h('div', { cls: 'idle-mark', title: `user idle ${clockText(s.from)} – ${clockText(s.to)}` }), s.from, s.to));
  for (const s of lane.unobserved) el.appendChild(place(h('div', { cls: 'unobserved', title: `not observed: ${s.cause}` }), s.from, s.to));
  for (const p of lane.problems) el.appendChild(place(h('div', { cls: 'bad', title: p.problem }), p.from, p.to));
  const text = noteText(lane);
  note.hidden = text === '';
  note.className = lane.problems.length > 0 ? 'lane-note bad' : 'lane-note';
  note.textContent = text;
}

/** What the lane says at `t`, in one line (for the timeline's hover); '' without a lane. */
export function activityAt(t: number): string {
  if (lane === null || !lane.available) return '';
  const bad = stretchAt(lane.problems, t);
  if (bad) return 'activity not trusted (failed its check)';
  const unobserved = stretchAt(lane.unobserved, t);
  if (unobserved) return `not observed: ${unobserved.cause}`;
  const s = stretchAt(lane.windows, t);
  return s ? `${describe(s)}${stretchAt(lane.idle, t) ? ' · user idle' : ''}` : '';
}

/** The line under the player: the window in front at `t`; touches the page only when it changes. */
export function renderNowActivity(t: number): void {
  if (lane === null || !lane.available) return;
  const s = stretchAt(lane.windows, t);
  const idle = stretchAt(lane.idle, t) !== undefined;
  const unobserved = stretchAt(lane.unobserved, t);
  const bad = stretchAt(lane.problems, t);
  const key = `${s ? `${s.from}` : '-'}|${idle}|${unobserved?.from ?? '-'}|${bad?.from ?? '-'}`;
  if (key === nowKey) return;
  nowKey = key;
  const line = byId('now-activity');
  line.textContent = '';
  line.appendChild(h('span', { cls: 'label', text: 'In front:' }));
  if (bad) line.appendChild(h('span', { cls: 'state unobserved', text: 'activity failed its check: not shown' }));
  else if (s === undefined || s.how === 'none') line.appendChild(h('span', { cls: 'title muted', text: unobserved ? '—' : 'no window' }));
  else {
    line.appendChild(h('span', { cls: 'title', id: 'now-title', text: s.title === '' ? '(untitled window)' : s.title }));
    if (s.app) line.appendChild(h('span', { cls: 'app', text: s.app }));
  }
  if (idle) line.appendChild(h('span', { cls: 'state idle', text: 'user idle' }));
  if (unobserved && !bad) line.appendChild(h('span', { cls: 'state unobserved', text: `not observed: ${unobserved.cause}` }));
}

export function setupActivity(): void {
  const el = byId('lane');
  el.addEventListener('pointerdown', (e) => {
    const r = el.getBoundingClientRect();
    seek(Math.max(0, Math.min(1, (e.clientX - r.left) / r.width)) * (player.view?.timeline.totalSeconds ?? 0));
  });
}

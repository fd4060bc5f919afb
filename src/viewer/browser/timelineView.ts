import { byId, h } from './dom';
import { clockText, utc, wallAt } from './format';
import { activeEl, globalTime, player, seek } from './player';
import { activityAt, renderNowActivity } from './activityView';

/** The timeline under the video: recorded spans by layout, idle, gaps, resolution changes, the playhead. */

const PALETTE = ['#4da3ff', '#a371f7', '#3fb950', '#db61a2', '#39c5cf'];

function pct(t: number): string {
  const total = player.view?.timeline.totalSeconds ?? 0;
  return `${total ? (100 * t) / total : 0}%`;
}

function timeAtEvent(e: PointerEvent): number {
  const r = byId('timeline').getBoundingClientRect();
  return Math.max(0, Math.min(1, (e.clientX - r.left) / r.width)) * (player.view?.timeline.totalSeconds ?? 0);
}

export function renderTimeline(): void {
  const tl = player.view?.timeline;
  if (!tl) return;
  const track = byId('track');
  const layouts: Record<string, string> = {};
  track.textContent = '';
  for (const c of tl.layoutChanges) {
    const k = `${c.width}x${c.height}`;
    if (!(k in layouts)) layouts[k] = PALETTE[Object.keys(layouts).length % PALETTE.length] ?? '';
  }
  // Runs of segments with the same layout and idleness become one span: few elements even for long sessions.
  let run: { from: number; to: number; layout: string; idle: boolean } | null = null;
  const flush = (): void => {
    if (!run) return;
    const el = h('div', { cls: `span video${run.idle ? ' idle' : ''}`, title: run.idle ? 'idle' : run.layout });
    el.style.left = pct(run.from);
    el.style.width = pct(run.to - run.from);
    el.style.background = layouts[run.layout] ?? '';
    track.appendChild(el);
    run = null;
  };
  for (const s of player.segs) {
    const layout = `${s.width}x${s.height}`;
    if (run && run.layout === layout && run.idle === s.idle && s.offset - run.to < 0.01) run.to = s.offset + s.duration;
    else {
      flush();
      run = { from: s.offset, to: s.offset + s.duration, layout, idle: s.idle };
    }
  }
  flush();
  if (player.segs.length <= 400) {
    for (const s of player.segs.slice(1)) {
      const t = h('div', { cls: 'seg-tick' });
      t.style.left = pct(s.offset);
      track.appendChild(t);
    }
  }
  for (const g of tl.gaps) {
    const el = h('div', { cls: 'span gap', title: `gap: ${(g.to - g.from).toFixed(1)} s without video` });
    el.style.left = pct(g.from);
    el.style.width = `max(3px, ${pct(g.to - g.from)})`;
    track.appendChild(el);
  }
  for (const c of tl.layoutChanges.slice(1)) {
    const el = h('div', { cls: 'layout', title: `resolution ${c.width}×${c.height}` }, [h('span', { text: `${c.width}×${c.height}` })]);
    el.style.left = pct(c.at);
    track.appendChild(el);
  }
  const ticks = byId('ticks');
  ticks.textContent = '';
  for (const f of [0, 0.25, 0.5, 0.75, 1]) {
    const t = f * tl.totalSeconds;
    const el = h('span', { text: `${clockText(t)} · ${utc(wallAt(tl.start, t)).slice(11, 19)}` });
    el.style.left = `${f * 100}%`;
    ticks.appendChild(el);
  }
}

/** Every frame: the playhead, the clocks, and a nudge to a video that should be playing but stalled. */
function tick(): void {
  const tl = player.view?.timeline;
  if (tl && player.segs.length) {
    const t = globalTime();
    byId('playhead').style.left = pct(t);
    byId('time').textContent = `${clockText(t)} / ${clockText(tl.totalSeconds)}`;
    byId('clock').textContent = `${utc(wallAt(tl.start, t))} UTC`;
    renderNowActivity(t);
    const el = activeEl();
    if (player.playing && el.paused && !el.seeking && el.readyState >= 2 && !el.ended) el.play().catch(() => undefined);
  }
  requestAnimationFrame(tick);
}

export function setupTimeline(): void {
  const timeline = byId('timeline');
  let dragging = false;
  timeline.addEventListener('pointerdown', (e) => {
    dragging = true;
    timeline.setPointerCapture(e.pointerId);
    seek(timeAtEvent(e));
  });
  timeline.addEventListener('pointermove', (e) => {
    const tl = player.view?.timeline;
    if (!tl) return;
    const t = timeAtEvent(e);
    const hover = byId('hover');
    hover.hidden = false;
    hover.style.left = pct(t);
    // Near an end, the label grows inward, so a long window title is not cut off by the edge.
    const at = tl.totalSeconds ? t / tl.totalSeconds : 0;
    hover.style.transform = at < 0.25 ? 'translateX(0)' : at > 0.75 ? 'translateX(-100%)' : 'translateX(-50%)';
    const activity = activityAt(t);
    hover.textContent = `${clockText(t)} · ${utc(wallAt(tl.start, t)).slice(11)} UTC${activity ? ` · ${activity}` : ''}`;
    if (dragging) seek(t);
  });
  timeline.addEventListener('pointerup', () => {
    dragging = false;
  });
  timeline.addEventListener('pointerleave', () => {
    byId('hover').hidden = true;
  });
  requestAnimationFrame(tick);
}

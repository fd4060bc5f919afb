import { byId } from './dom';
import { ui, type View } from './pageState';

/**
 * Zoom, pan and follow. The page opens on the whole chart; "Follow" keeps the current top-level
 * state in view at a readable scale; any manual zoom or pan stops following.
 */

function applyView(): void {
  const viewport = document.getElementById('viewport');
  if (viewport) viewport.setAttribute('transform', `translate(${ui.view.x} ${ui.view.y}) scale(${ui.view.k})`);
}

function canvasSize(): { w: number; h: number } {
  const r = byId('canvas').getBoundingClientRect();
  return { w: r.width, h: r.height };
}

function layoutSize(): { width: number; height: number } {
  return ui.layout ?? { width: 1, height: 1 };
}

function fitScale(): number {
  const c = canvasSize();
  const { width, height } = layoutSize();
  return Math.min((c.w - 16) / width, (c.h - 16) / height, 1.4);
}

function animateTo(view: View, ms: number): void {
  const from = { ...ui.view };
  const start = performance.now();
  const canvas = byId('canvas');
  cancelAnimationFrame(ui.anim);
  if (!ms) {
    ui.view = view;
    applyView();
    canvas.removeAttribute('data-moving');
    return;
  }
  canvas.setAttribute('data-moving', '');
  const step = (now: number): void => {
    const t = Math.min(1, (now - start) / ms);
    const e = t < 0.5 ? 2 * t * t : 1 - Math.pow(-2 * t + 2, 2) / 2;
    ui.view = { k: from.k + (view.k - from.k) * e, x: from.x + (view.x - from.x) * e, y: from.y + (view.y - from.y) * e };
    applyView();
    if (t < 1) ui.anim = requestAnimationFrame(step);
    else canvas.removeAttribute('data-moving');
  };
  ui.anim = requestAnimationFrame(step);
}

function fitView(): View {
  const c = canvasSize();
  const k = fitScale();
  const { width, height } = layoutSize();
  return { k, x: (c.w - width * k) / 2, y: (c.h - height * k) / 2 };
}

function followView(): View {
  const c = canvasSize();
  const fk = fitScale();
  const graph = ui.graph;
  const layout = ui.layout;
  if (!graph || !layout) return fitView();
  const ids = Object.keys(ui.active).filter((id) => ui.nodes[id] && ui.nodes[id]?.parent === graph.rootId);
  const box = ids.length ? layout.nodes.find((n) => n.id === ids[0]) : undefined;
  // Nothing to follow before the start and after the end: show the whole journey.
  if (!box || !ui.status || ui.status.status === 'done' || ui.status.status === 'stopped') return fitView();
  const k = Math.max(fk, Math.min(0.8, (c.w - 60) / box.width, (c.h - 60) / box.height));
  if (k <= fk + 0.01) return fitView();
  const cx = box.x + box.width / 2;
  const cy = box.y + box.height / 2;
  // keep the chart's edges from drifting into the middle of the panel
  const x = Math.min(16, Math.max(c.w - 16 - layout.width * k, c.w / 2 - cx * k));
  const y = Math.min(16, Math.max(c.h - 16 - layout.height * k, c.h / 2 - cy * k));
  return { k, x, y };
}

export function setFollow(on: boolean): void {
  ui.follow = on;
  byId('follow').setAttribute('aria-pressed', on ? 'true' : 'false');
}

/** Moves the view to the whole chart, or to the current state when following. */
export function camera(ms: number): void {
  if (!ui.layout) return;
  animateTo(ui.follow ? followView() : fitView(), ms);
}

function fit(): void {
  if (!ui.layout) return;
  setFollow(false);
  ui.userZoomed = false;
  animateTo(fitView(), 350);
}

function zoomAt(factor: number, cx: number, cy: number): void {
  cancelAnimationFrame(ui.anim);
  byId('canvas').removeAttribute('data-moving');
  const k = Math.max(0.2, Math.min(4, ui.view.k * factor));
  ui.view.x = cx - (cx - ui.view.x) * (k / ui.view.k);
  ui.view.y = cy - (cy - ui.view.y) * (k / ui.view.k);
  ui.view.k = k;
  ui.userZoomed = true;
  setFollow(false);
  applyView();
}

export function setupZoom(): void {
  const c = byId('canvas');
  let drag: { x: number; y: number; vx: number; vy: number; moved: boolean } | null = null;
  c.addEventListener('wheel', (ev) => {
    ev.preventDefault();
    const r = c.getBoundingClientRect();
    zoomAt(Math.exp(-ev.deltaY * 0.0015), ev.clientX - r.left, ev.clientY - r.top);
  }, { passive: false });
  c.addEventListener('mousedown', (ev) => {
    if (ev.target instanceof Element && ev.target.closest('.drain')) return;
    drag = { x: ev.clientX, y: ev.clientY, vx: ui.view.x, vy: ui.view.y, moved: false };
    c.classList.add('dragging');
  });
  window.addEventListener('mousemove', (ev) => {
    if (!drag) return;
    if (!drag.moved && Math.abs(ev.clientX - drag.x) + Math.abs(ev.clientY - drag.y) < 4) return;
    drag.moved = true;
    cancelAnimationFrame(ui.anim);
    c.removeAttribute('data-moving');
    ui.view.x = drag.vx + ev.clientX - drag.x;
    ui.view.y = drag.vy + ev.clientY - drag.y;
    ui.userZoomed = true;
    setFollow(false);
    applyView();
  });
  window.addEventListener('mouseup', () => {
    drag = null;
    c.classList.remove('dragging');
  });
  byId('zoom-in').addEventListener('click', () => {
    const r = c.getBoundingClientRect();
    zoomAt(1.25, r.width / 2, r.height / 2);
  });
  byId('zoom-out').addEventListener('click', () => {
    const r = c.getBoundingClientRect();
    zoomAt(0.8, r.width / 2, r.height / 2);
  });
  byId('zoom-fit').addEventListener('click', fit);
  byId('follow').addEventListener('click', () => {
    setFollow(!ui.follow);
    ui.userZoomed = false;
    camera(450);
  });
  window.addEventListener('resize', () => {
    if (!ui.userZoomed) camera(0);
  });
}

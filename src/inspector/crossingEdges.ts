import type { LaidOutEdge } from './graphLayout';
import { labelSize } from './diagramText';

/**
 * Edges that cross a state's border (recording → restarting.waiting) are not routed by ELK,
 * which lays out each compound state on its own: they are drawn as curves, with the label put
 * where it covers no state and no other label.
 */
export interface Box {
  x: number;
  y: number;
  width: number;
  height: number;
}

/** A cubic curve from the side of `s` that faces `t` to the side of `t` that faces `s`. */
export function curveBetween(s: Box, t: Box): { x: number; y: number }[] {
  const sc = { x: s.x + s.width / 2, y: s.y + s.height / 2 };
  const tc = { x: t.x + t.width / 2, y: t.y + t.height / 2 };
  const dx = tc.x - sc.x;
  const dy = tc.y - sc.y;
  const vertical = Math.abs(dy) > Math.abs(dx) * 0.6;
  const start = vertical ? { x: sc.x + Math.sign(dx) * Math.min(s.width / 4, Math.abs(dx)), y: dy > 0 ? s.y + s.height : s.y } : { x: dx > 0 ? s.x + s.width : s.x, y: sc.y };
  const end = vertical ? { x: tc.x - Math.sign(dx) * Math.min(t.width / 4, Math.abs(dx)), y: dy > 0 ? t.y : t.y + t.height } : { x: dx > 0 ? t.x : t.x + t.width, y: tc.y };
  const pull = Math.max(40, (vertical ? Math.abs(end.y - start.y) : Math.abs(end.x - start.x)) * 0.45);
  const c1 = vertical ? { x: start.x, y: start.y + Math.sign(dy) * pull } : { x: start.x + Math.sign(dx) * pull, y: start.y };
  const c2 = vertical ? { x: end.x, y: end.y - Math.sign(dy) * pull } : { x: end.x - Math.sign(dx) * pull, y: end.y };
  return [start, c1, c2, end].map((p) => ({ x: round(p.x), y: round(p.y) }));
}

export function placeCurveLabel(points: readonly { x: number; y: number }[], lines: readonly string[], taken: readonly Box[]): LaidOutEdge['label'] {
  if (lines.length === 0) return null;
  const [p0, p1, p2, p3] = points as [{ x: number; y: number }, { x: number; y: number }, { x: number; y: number }, { x: number; y: number }];
  const { width, height } = labelSize(lines);
  const at = (t: number) => {
    const u = 1 - t;
    return { x: u * u * u * p0.x + 3 * u * u * t * p1.x + 3 * u * t * t * p2.x + t * t * t * p3.x, y: u * u * u * p0.y + 3 * u * u * t * p1.y + 3 * u * t * t * p2.y + t * t * t * p3.y };
  };
  const candidates: Box[] = [];
  // from the middle outwards, beside the curve on either side, then above or below it
  for (const d of [0, 0.05, 0.1, 0.15, 0.2, 0.25, 0.3, 0.35]) {
    for (const t of d === 0 ? [0.5] : [0.5 - d, 0.5 + d]) {
      const p = at(t);
      candidates.push(
        { x: p.x + 6, y: p.y - height / 2, width, height },
        { x: p.x - 6 - width, y: p.y - height / 2, width, height },
        { x: p.x - width / 2, y: p.y + 6, width, height },
        { x: p.x - width / 2, y: p.y - 6 - height, width, height },
      );
    }
  }
  const clear = (c: Box): Box => ({ x: c.x - 6, y: c.y - 6, width: c.width + 12, height: c.height + 12 });
  const free = candidates.find((c) => !taken.some((b) => overlaps(clear(c), b))) ?? candidates.find((c) => !taken.some((b) => overlaps(c, b))) ?? candidates[0];
  if (!free) return null;
  return { lines, x: round(free.x), y: round(free.y), width, height };
}

function overlaps(a: Box, b: Box): boolean {
  return a.x < b.x + b.width && b.x < a.x + a.width && a.y < b.y + b.height && b.y < a.y + a.height;
}

export function round(v: number): number {
  return Math.round(v * 10) / 10;
}

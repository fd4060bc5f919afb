import type { GraphLayout } from '../graphLayout';
import type { GraphNode, MachineGraph } from '../machineGraph';
import type { InspectorStatus } from '../inspectorStatus';

/** What the page knows and has drawn: one object, shared by the page's modules. */

/**
 * A status as the page shows it. The live page gets whole ones from the server; a standalone copy
 * replaying an events.jsonl knows only the state, so the panels' parts are optional.
 */
export type ShownStatus = Pick<InspectorStatus, 'machine' | 'status' | 'state' | 'active' | 'stateSince' | 'startedAt' | 'updatedAt'> &
  Partial<Pick<InspectorStatus, 'ffmpeg' | 'display' | 'uploads' | 'totals' | 'drain'>>;

/** A drawn arrow: its group, its path (whose marker changes when it fires), and its fade timer. */
export interface DrawnArrow {
  readonly g: SVGGElement;
  readonly path: SVGPathElement;
  readonly initial: boolean;
  timer?: number;
}

/** A line inside a state box that stands for transitions (flashes when one fires). */
export interface DrawnLine {
  readonly el: SVGTextElement;
  readonly ids: readonly string[];
  timer?: number;
}

/** The chart's pan and zoom: screen = chart * k + (x, y). */
export interface View {
  k: number;
  x: number;
  y: number;
}

export interface PageState {
  graph: MachineGraph | null;
  layout: GraphLayout | null;
  status: ShownStatus | null;
  nodes: Record<string, GraphNode>;
  nodeEls: Record<string, SVGGElement>;
  edgeEls: Record<string, DrawnArrow>;
  /** Graph edge id → id of the arrow that draws it (parallel transitions share one). */
  owner: Record<string, string>;
  lineEls: DrawnLine[];
  active: Record<string, true>;
  visited: Record<string, true>;
  view: View;
  userZoomed: boolean;
  follow: boolean;
  /** The top-level state and status last followed, so the camera moves only when it changes. */
  top: string | null;
  anim: number;
  ended: boolean;
  rows: number;
}

export const ui: PageState = {
  graph: null, layout: null, status: null, nodes: {}, nodeEls: {}, edgeEls: {}, owner: {}, lineEls: [],
  active: {}, visited: {}, view: { k: 1, x: 0, y: 0 }, userZoomed: false, follow: false, top: null, anim: 0, ended: false, rows: 0,
};

/** State node ids for "draining.flushing.stopping", ancestors included. */
export function activeFromText(text: string): string[] {
  const ids: string[] = [];
  if (!ui.graph || !text) return ids;
  let id = ui.graph.rootId;
  for (const part of text.split('.')) {
    id = `${id}.${part}`;
    ids.push(id);
  }
  return ids;
}

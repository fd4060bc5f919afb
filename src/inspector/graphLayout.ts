import type { ElkExtendedEdge, ElkNode } from 'elkjs/lib/elk-api';
import { curveBetween, placeCurveLabel, round, type Box } from './crossingEdges';
import { initialId, labelSize, mergeEdges, nodeLines, stateBoxSize, title, type DrawnEdge, type LaidOutLine } from './diagramText';
import { startElkRunner, type ElkRunner } from './elkWorker';
import type { GraphEdge, GraphNode, MachineGraph } from './machineGraph';

/**
 * Coordinates for the statechart, computed once in the server with ELK (layered, nested boxes for
 * compound states) so the page only draws SVG.
 */
export interface LaidOutNode {
  readonly id: string;
  readonly x: number;
  readonly y: number;
  readonly width: number;
  readonly height: number;
  readonly title: string;
  /** Small lines under the title: invoked/spawned actors and transitions that keep the state. */
  readonly lines: readonly LaidOutLine[];
  /** A compound state's small dot pointing at its initial child. */
  readonly initialMarker: { readonly x: number; readonly y: number } | null;
}

export interface LaidOutEdge {
  readonly id: string;
  readonly edgeIds: readonly string[];
  readonly source: string;
  readonly target: string;
  readonly initial: boolean;
  /** true: points are a cubic Bézier (start, control, control, end); false: an orthogonal polyline. */
  readonly curve: boolean;
  readonly points: readonly { readonly x: number; readonly y: number }[];
  readonly label: { readonly lines: readonly string[]; readonly x: number; readonly y: number; readonly width: number; readonly height: number } | null;
}

export interface GraphLayout {
  readonly width: number;
  readonly height: number;
  readonly nodes: readonly LaidOutNode[];
  readonly edges: readonly LaidOutEdge[];
}

export type Direction = 'RIGHT' | 'DOWN';

export interface LayoutOptions {
  /**
   * The area the page gives the diagram; the layout whose fitted scale is largest wins.
   * Default 1240x560 (the diagram panel of a 1280x800 window).
   */
  readonly viewport?: { readonly width: number; readonly height: number };
  /** Fix the flow direction per compound state id (the root included) instead of searching. */
  readonly directions?: Readonly<Record<string, Direction>>;
  /** Stops the layout worker (the promise then rejects). */
  readonly signal?: AbortSignal;
}

/**
 * Each compound state is laid out by ELK's layered algorithm on its own, in its own direction,
 * so long chains can run across while the level above stacks. Without fixed directions every
 * combination for up to 6 compound states is tried (about 0.1 s each, in a worker thread) and
 * the one that fits the viewport at the largest scale is kept.
 */
export async function layoutGraph(graph: MachineGraph, options: LayoutOptions = {}): Promise<GraphLayout> {
  const viewport = options.viewport ?? { width: 940, height: 690 };
  const compounds = graph.nodes.filter((n) => graph.nodes.some((c) => c.parent === n.id)).map((n) => n.id);
  const candidates: Record<string, Direction>[] = [];
  if (options.directions) candidates.push({ ...options.directions });
  else if (compounds.length > 6) candidates.push(Object.fromEntries(compounds.map((id, i) => [id, i % 2 === 0 ? 'DOWN' : 'RIGHT'])));
  else {
    for (let mask = 0; mask < 2 ** compounds.length; mask += 1) {
      candidates.push(Object.fromEntries(compounds.map((id, i) => [id, (mask >> i) & 1 ? 'RIGHT' : 'DOWN'])));
    }
  }
  options.signal?.throwIfAborted();
  const elk = startElkRunner();
  const stop = (): void => void elk.close();
  options.signal?.addEventListener('abort', stop, { once: true });
  try {
    const layouts = await Promise.all(candidates.map((directions) => layoutOnce(elk, graph, directions)));
    let best: { layout: GraphLayout; scale: number } | null = null;
    for (const layout of layouts) {
      const scale = Math.min(viewport.width / layout.width, viewport.height / layout.height);
      if (best === null || scale > best.scale + 1e-6) best = { layout, scale };
    }
    if (best === null) throw new Error('layoutGraph: no layout candidate');
    return best.layout;
  } finally {
    options.signal?.removeEventListener('abort', stop);
    await elk.close();
  }
}

async function layoutOnce(elk: ElkRunner, graph: MachineGraph, directions: Readonly<Record<string, Direction>>): Promise<GraphLayout> {
  const byId = new Map(graph.nodes.map((n) => [n.id, n]));
  const children = new Map<string, GraphNode[]>();
  for (const n of graph.nodes) if (n.parent !== null) children.set(n.parent, [...(children.get(n.parent) ?? []), n]);
  const linesOf = new Map<string, LaidOutLine[]>();
  for (const n of graph.nodes) linesOf.set(n.id, nodeLines(n, graph.edges.filter((e) => e.source === n.id && e.target === null)));

  // Edges between siblings are routed by ELK inside their parent. An edge that crosses a box
  // border is drawn as a curve by the page; ELK gets a proxy between the ancestors that are
  // siblings so the boxes still line up along it.
  const drawn = mergeEdges(graph);
  const containerEdges = new Map<string, ElkExtendedEdge[]>();
  const crossing: DrawnEdge[] = [];
  const addEdge = (container: string, edge: ElkExtendedEdge): void => {
    containerEdges.set(container, [...(containerEdges.get(container) ?? []), edge]);
  };
  for (const d of drawn) {
    const s = byId.get(d.source);
    const t = byId.get(d.target);
    const sourceParent = s ? s.parent : d.source.slice(0, -'.__initial'.length);
    const targetParent = t?.parent ?? null;
    if (sourceParent !== null && sourceParent === targetParent) {
      addEdge(sourceParent, { id: d.id, sources: [d.source], targets: [d.target], labels: elkLabels(d.lines) });
      continue;
    }
    crossing.push(d);
    const sa = ancestors(byId, d.source);
    const ta = ancestors(byId, d.target);
    const lca = sa.find((a) => ta.includes(a));
    if (lca === undefined) continue;
    const sBelow = [d.source, ...sa][sa.indexOf(lca)];
    const tBelow = [d.target, ...ta][ta.indexOf(lca)];
    if (sBelow !== undefined && tBelow !== undefined && sBelow !== tBelow && sBelow !== lca && tBelow !== lca) {
      addEdge(lca, { id: `proxy:${d.id}`, sources: [sBelow], targets: [tBelow] });
    }
  }

  const toElk = (n: GraphNode): ElkNode => {
    const lines = linesOf.get(n.id) ?? [];
    const { minWidth, header } = stateBoxSize(n, graph, lines);
    const kids = children.get(n.id) ?? [];
    if (kids.length === 0) return { id: n.id, width: Math.max(minWidth, 116), height: Math.max(header + 8, 44) };
    return {
      id: n.id,
      layoutOptions: {
        ...layeredOptions(directions[n.id] ?? 'RIGHT'),
        'elk.padding': `[top=${header + 12},left=18,bottom=18,right=18]`,
        'elk.nodeSize.constraints': 'MINIMUM_SIZE',
        'elk.nodeSize.minimum': `(${minWidth}, ${header + 40})`,
      },
      children: [...(n.initial === null ? [] : [{ id: initialId(n.id), width: 10, height: 10 }]), ...kids.map(toElk)],
      edges: containerEdges.get(n.id) ?? [],
    };
  };

  const root = byId.get(graph.rootId);
  if (!root) throw new Error(`layoutGraph: the graph has no root node "${graph.rootId}"`);
  const out = await elk.layout({
    id: '__canvas',
    layoutOptions: { ...layeredOptions('RIGHT'), 'elk.padding': '[top=6,left=6,bottom=6,right=6]' },
    children: [toElk(root)],
  });

  const nodes: LaidOutNode[] = [];
  const boxes = new Map<string, Box>();
  const markers = new Map<string, { x: number; y: number }>();
  const place = (e: ElkNode): void => {
    for (const c of e.children ?? []) {
      const box = { x: c.x ?? 0, y: c.y ?? 0, width: c.width ?? 0, height: c.height ?? 0 };
      boxes.set(c.id, box);
      if (c.id.endsWith('.__initial')) markers.set(c.id.slice(0, -'.__initial'.length), { x: box.x + 5, y: box.y + 5 });
      place(c);
    }
  };
  place(out);
  for (const n of graph.nodes) {
    const box = boxes.get(n.id);
    if (!box) continue;
    nodes.push({ id: n.id, ...box, title: title(n, graph), lines: linesOf.get(n.id) ?? [], initialMarker: markers.get(n.id) ?? null });
  }

  const laidEdges: LaidOutEdge[] = [];
  const gather = (e: ElkNode): void => {
    for (const edge of (e.edges ?? []) as ElkExtendedEdge[]) {
      const d = drawn.find((x) => x.id === edge.id);
      if (!d) continue;
      const points = (edge.sections ?? []).flatMap((s) => [s.startPoint, ...(s.bendPoints ?? []), s.endPoint]);
      const l = edge.labels?.[0];
      laidEdges.push({
        ...d,
        curve: false,
        points: points.map((p) => ({ x: round(p.x), y: round(p.y) })),
        label: l ? { lines: d.lines, x: round(l.x ?? 0), y: round(l.y ?? 0), width: l.width ?? 0, height: l.height ?? 0 } : null,
      });
    }
    for (const c of e.children ?? []) gather(c);
  };
  gather(out);
  // Curves get their label at the first spot along them that covers no state and no other label.
  const atomicBoxes = graph.nodes.filter((n) => !children.has(n.id)).flatMap((n) => boxes.get(n.id) ?? []);
  const taken: Box[] = [...atomicBoxes, ...laidEdges.flatMap((e) => (e.label ? [e.label] : []))];
  for (const d of crossing) {
    const s = boxes.get(d.source);
    const t = boxes.get(d.target);
    if (!s || !t) continue;
    const points = curveBetween(s, t);
    const label = placeCurveLabel(points, d.lines, taken);
    if (label) taken.push(label);
    laidEdges.push({ ...d, curve: true, points, label });
  }
  return { width: Math.ceil(out.width ?? 0), height: Math.ceil(out.height ?? 0), nodes, edges: laidEdges };
}

function layeredOptions(direction: Direction): Record<string, string> {
  return {
    'elk.algorithm': 'layered',
    'elk.direction': direction,
    'elk.hierarchyHandling': 'SEPARATE_CHILDREN',
    'elk.edgeRouting': 'ORTHOGONAL',
    'elk.layered.spacing.nodeNodeBetweenLayers': '24',
    'elk.layered.spacing.edgeNodeBetweenLayers': '12',
    'elk.layered.spacing.edgeEdgeBetweenLayers': '8',
    'elk.spacing.nodeNode': '16',
    'elk.spacing.edgeNode': '12',
    'elk.spacing.edgeEdge': '8',
    'elk.spacing.edgeLabel': '3',
    // Straight chains (stopping → terminating → killing) read better than the most compact placement.
    'elk.layered.nodePlacement.strategy': 'LINEAR_SEGMENTS',
    'elk.edgeLabels.placement': 'CENTER',
    'elk.json.edgeCoords': 'ROOT',
    'elk.json.shapeCoords': 'ROOT',
  };
}

function elkLabels(lines: readonly string[]): ElkExtendedEdge['labels'] {
  return lines.length === 0 ? [] : [{ text: lines.join('\n'), ...labelSize(lines) }];
}

/** Ancestor ids of a node (or an initial marker), nearest first. */
function ancestors(byId: ReadonlyMap<string, GraphNode>, id: string): string[] {
  const out: string[] = [];
  let parent = byId.get(id)?.parent ?? (id.endsWith('.__initial') ? id.slice(0, -'.__initial'.length) : null);
  while (parent !== null) {
    out.push(parent);
    parent = byId.get(parent)?.parent ?? null;
  }
  return out;
}


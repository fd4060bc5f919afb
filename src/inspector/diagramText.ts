import type { GraphEdge, GraphNode, MachineGraph } from './machineGraph';

/**
 * What the diagram says, and how much room it takes: state titles, the small lines inside a
 * state (actors, transitions that keep the state), arrow labels. Pure; sizes are estimated for
 * the page's fonts (DejaVu Sans / Sans Mono, or the system's equivalents), generously.
 */
export interface LaidOutLine {
  readonly kind: 'actor' | 'internal';
  readonly text: string;
  /** Graph edge ids the line stands for (internal transitions), for highlighting. */
  readonly edgeIds: readonly string[];
}

/** One drawn arrow: transitions with the same source and target share it, one label line each. */
/** Font metrics the page uses (see pageStyle.ts): keep in step. */
export const metrics = {
  titleSize: 14,
  titleCharWidth: 8.8,
  lineSize: 11,
  lineCharWidth: 6.7,
  lineHeight: 15,
  labelSize: 11,
  labelCharWidth: 6.7,
  labelLineHeight: 14,
  padX: 14,
  /** Height of the title band of a state box. */
  titleBand: 30,
} as const;

export const maxLineChars = 46;

export interface DrawnEdge {
  id: string;
  source: string;
  target: string;
  edgeIds: string[];
  lines: string[];
  initial: boolean;
}

/** One arrow per (source, target); initial markers get an unlabelled arrow to their target. */
export function mergeEdges(graph: MachineGraph): DrawnEdge[] {
  const drawn = new Map<string, DrawnEdge>();
  for (const n of graph.nodes) {
    if (n.initial === null) continue;
    const id = `${initialId(n.id)}->${n.initial}`;
    drawn.set(id, { id, source: initialId(n.id), target: n.initial, edgeIds: [], lines: [], initial: true });
  }
  for (const e of graph.edges) {
    if (e.target === null) continue;
    const id = `${e.source}->${e.target}`;
    const d = drawn.get(id) ?? { id, source: e.source, target: e.target, edgeIds: [], lines: [], initial: false };
    d.edgeIds.push(e.id);
    for (const line of labelLines(e)) if (!d.lines.includes(line)) d.lines.push(line);
    drawn.set(id, d);
  }
  return [...drawn.values()];
}

/** A long label breaks before its guard: "ffmpeg.exited" over "[isCurrentRun]". */
function labelLines(e: GraphEdge): string[] {
  if (e.label === '') return [];
  if (e.guard === null || e.label.length <= 20) return [e.label];
  const guard = `[${e.guard}]`;
  const head = e.label.slice(0, e.label.length - guard.length).trim();
  return head === '' ? [guard] : [head, `  ${guard}`];
}

export function nodeLines(n: GraphNode, internal: readonly GraphEdge[]): LaidOutLine[] {
  const lines: LaidOutLine[] = [];
  const actors = [...n.invokes.map((i) => i.src), ...n.spawns];
  if (actors.length > 0) {
    const verb = n.invokes.length > 0 ? 'invokes' : 'spawns';
    const tokens = actors.map((a, i) => ({ text: i === 0 ? `${verb} ${a}` : a, edgeIds: [] as string[] }));
    for (const line of wrapTokens(tokens, '', '  ')) lines.push({ kind: 'actor', ...line });
  }
  // Transitions that keep the state (actions only), each line marked ↻: short ones share a line.
  const tokens = internal.map((e) => ({ text: e.label, edgeIds: [e.id] }));
  for (const line of wrapTokens(tokens, '↻ ', '↻ ')) lines.push({ kind: 'internal', ...line });
  return lines;
}

/** Joins tokens with " · ", breaking lines at maxLineChars; `first`/`next` start the lines. */
function wrapTokens(tokens: readonly { text: string; edgeIds: readonly string[] }[], first: string, next: string): { text: string; edgeIds: string[] }[] {
  const out: { text: string; edgeIds: string[] }[] = [];
  let line: { text: string; edgeIds: string[] } | null = null;
  for (const t of tokens) {
    if (line !== null && line.text.length + 3 + t.text.length > maxLineChars) {
      out.push(line);
      line = null;
    }
    line = line === null
      ? { text: `${out.length > 0 ? next : first}${t.text}`, edgeIds: [...t.edgeIds] }
      : { text: `${line.text} · ${t.text}`, edgeIds: [...line.edgeIds, ...t.edgeIds] };
  }
  if (line !== null) out.push(line);
  return out;
}

export function title(n: GraphNode, graph: MachineGraph): string {
  return n.id === graph.rootId ? graph.machineId : n.key;
}

export function initialId(id: string): string {
  return `${id}.__initial`;
}

/** Room an arrow label takes. */
export function labelSize(lines: readonly string[]): { width: number; height: number } {
  return {
    width: Math.ceil(Math.max(0, ...lines.map((l) => l.length)) * metrics.labelCharWidth + 8),
    height: lines.length * metrics.labelLineHeight + 4,
  };
}

/** Smallest width of a state box, and the height of its title band with the lines under it. */
export function stateBoxSize(n: GraphNode, graph: MachineGraph, lines: readonly LaidOutLine[]): { minWidth: number; header: number } {
  const titleWidth = title(n, graph).length * metrics.titleCharWidth;
  const linesWidth = Math.max(0, ...lines.map((l) => l.text.length * metrics.lineCharWidth));
  return {
    minWidth: Math.ceil(Math.max(titleWidth, linesWidth) + 2 * metrics.padX + (n.type === 'final' ? 8 : 0)),
    header: metrics.titleBand + lines.length * metrics.lineHeight + (lines.length > 0 ? 6 : 0),
  };
}

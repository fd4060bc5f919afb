import type { AnyStateMachine, AnyStateNode, AnyTransitionDefinition, StateValue } from 'xstate';

/**
 * The statechart as plain data (nodes and edges), read from the machine's own definition so the
 * inspector can never drift from the code. Pure: no I/O, JSON-serializable.
 */
export interface GraphNode {
  /** XState's state node id, e.g. "recorder.draining.flushing.stopping". */
  readonly id: string;
  /** The last path segment, e.g. "stopping". */
  readonly key: string;
  readonly parent: string | null;
  readonly depth: number;
  readonly type: 'atomic' | 'compound' | 'parallel' | 'final' | 'history';
  /** Id of the initial child of a compound state. */
  readonly initial: string | null;
  readonly description: string | null;
  /** Actors invoked while the state is active. */
  readonly invokes: readonly { readonly id: string; readonly src: string }[];
  /** Actors spawned by the state's entry actions (`spawnChild` named in `setup()`). */
  readonly spawns: readonly string[];
  /** Named entry/exit actions (XState's built-in bookkeeping actions left out). */
  readonly entry: readonly string[];
  readonly exit: readonly string[];
}

export type EdgeKind = 'event' | 'after' | 'always';

export interface GraphEdge {
  readonly id: string;
  readonly source: string;
  /** null for a targetless transition (actions only, the state does not change). */
  readonly target: string | null;
  readonly kind: EdgeKind;
  /** The event type as XState sees it ("" for eventless, "xstate.after.<delay>.<id>" for delays). */
  readonly event: string;
  /** Named delay for `after` transitions, or "<n> ms". */
  readonly delay: string | null;
  readonly guard: string | null;
  readonly actions: readonly string[];
  readonly reenter: boolean;
  /** What a person reads on the arrow: "ffmpeg.exited [isCurrentRun]", "after stopTimeout". */
  readonly label: string;
}

export interface MachineGraph {
  readonly machineId: string;
  readonly rootId: string;
  readonly nodes: readonly GraphNode[];
  readonly edges: readonly GraphEdge[];
}

export function buildMachineGraph(machine: AnyStateMachine): MachineGraph {
  const nodes: GraphNode[] = [];
  const edges: GraphEdge[] = [];
  const usedEdgeIds = new Set<string>();
  const actions = (machine.implementations.actions ?? {}) as Record<string, unknown>;

  const visit = (node: AnyStateNode, depth: number): void => {
    nodes.push({
      id: node.id,
      key: node.key,
      parent: node.parent?.id ?? null,
      depth,
      type: node.type,
      initial: node.type === 'compound' ? (node.initial.target[0]?.id ?? null) : null,
      description: node.description ?? null,
      invokes: node.invoke.map((inv) => ({ id: inv.id, src: typeof inv.src === 'string' ? inv.src : inv.id })),
      spawns: actionNames(node.entry).flatMap((name) => spawnedSource(actions[name])),
      entry: actionNames(node.entry),
      exit: actionNames(node.exit),
    });
    const transitions: [EdgeKind, AnyTransitionDefinition][] = [
      ...Object.values(node.on as Record<string, AnyTransitionDefinition[]>)
        .flat()
        .map((t): [EdgeKind, AnyTransitionDefinition] => ['delay' in t ? 'after' : 'event', t]),
      ...(node.always ?? []).map((t): [EdgeKind, AnyTransitionDefinition] => ['always', t]),
    ];
    for (const [kind, t] of transitions) {
      const targets: (string | null)[] = t.target && t.target.length > 0 ? t.target.map((s) => s.id) : [null];
      for (const target of targets) {
        const edge = toEdge(node.id, target, kind, t);
        let id = edge.id;
        for (let n = 2; usedEdgeIds.has(id); n += 1) id = `${edge.id}#${n}`;
        usedEdgeIds.add(id);
        edges.push({ ...edge, id });
      }
    }
    for (const child of Object.values(node.states)) visit(child, depth + 1);
  };
  visit(machine.root, 0);
  return { machineId: machine.id, rootId: machine.root.id, nodes, edges };
}

function toEdge(source: string, target: string | null, kind: EdgeKind, t: AnyTransitionDefinition): GraphEdge {
  const guard = guardName(t.guard);
  const delay = kind === 'after' ? delayName((t as { delay?: unknown }).delay) : null;
  const event = String(t.eventType);
  const base = kind === 'after' ? `after ${delay}` : kind === 'always' ? (guard === null ? 'always' : '') : event;
  const label = [base, guard === null ? '' : `[${guard}]`].filter((s) => s !== '').join(' ');
  return {
    id: `${source}|${kind === 'always' ? 'always' : event}|${target ?? ''}`,
    source,
    target,
    kind,
    event,
    delay,
    guard,
    actions: actionNames(t.actions),
    reenter: t.reenter,
    label,
  };
}

/**
 * Edge ids for the transitions XState reports as taken (`@xstate.microstep`), matched on source,
 * event and target: a guarded and an unguarded transition to different targets stay distinct.
 */
export function takenEdgeIds(graph: MachineGraph, taken: readonly AnyTransitionDefinition[]): string[] {
  const ids: string[] = [];
  for (const t of taken) {
    const source = t.source.id;
    const targets: (string | null)[] = t.target && t.target.length > 0 ? t.target.map((s) => s.id) : [null];
    for (const target of targets) {
      const edge = graph.edges.find(
        (e) => e.source === source && e.target === target && (e.kind === 'always' ? t.eventType === '' : e.event === t.eventType),
      );
      if (edge && !ids.includes(edge.id)) ids.push(edge.id);
    }
  }
  return ids;
}

/** State node ids active in a state value, ancestors included (the root excluded). */
export function activeStateIds(rootId: string, value: StateValue): string[] {
  const ids: string[] = [];
  const walk = (prefix: string, v: StateValue): void => {
    if (typeof v === 'string') {
      ids.push(`${prefix}.${v}`);
      return;
    }
    for (const [key, child] of Object.entries(v)) {
      ids.push(`${prefix}.${key}`);
      if (child !== undefined) walk(`${prefix}.${key}`, child);
    }
  };
  walk(rootId, value);
  return ids;
}

/** "draining.flushing.stopping" for { draining: { flushing: 'stopping' } }. */
export function stateValueText(value: StateValue): string {
  if (typeof value === 'string') return value;
  return Object.entries(value)
    .map(([key, child]) => (child === undefined || (typeof child === 'object' && Object.keys(child).length === 0) ? key : `${key}.${stateValueText(child)}`))
    .join(', ');
}

function actionNames(list: readonly unknown[]): string[] {
  return list
    .map((a) => {
      if (typeof a === 'string') return a;
      // Built-in actions are functions carrying their type ("xstate.raise", "xstate.spawnChild").
      const type = (typeof a === 'object' || typeof a === 'function') && a !== null ? (a as { type?: unknown }).type : undefined;
      if (typeof type === 'string') return type;
      return typeof a === 'function' ? a.name || 'inline' : 'inline';
    })
    .filter((name) => !name.startsWith('xstate.'));
}

function spawnedSource(implementation: unknown): string[] {
  if (typeof implementation !== 'function') return [];
  const action = implementation as { type?: unknown; src?: unknown };
  return action.type === 'xstate.spawnChild' && typeof action.src === 'string' ? [action.src] : [];
}

/** "isCurrentRun", "!changesCapture", "isCurrentRun && captureOutdated" (XState's and/or/not). */
function guardName(guard: unknown): string | null {
  if (guard === undefined || guard === null) return null;
  if (typeof guard === 'string') return guard;
  if (typeof guard === 'object' && 'type' in guard) return String((guard as { type: unknown }).type);
  if (typeof guard === 'function') {
    const nested = (guard as { guards?: unknown }).guards;
    if (Array.isArray(nested)) {
      const parts = nested.map((g) => guardName(g) ?? 'inline');
      const wrap = (p: string): string => (!p.startsWith('!') && / (&&|\|\|) /.test(p) ? `(${p})` : p);
      if (guard.name === 'not' && parts.length === 1) return `!${wrap(parts[0] ?? 'inline')}`;
      if (guard.name === 'and') return parts.map(wrap).join(' && ');
      if (guard.name === 'or') return parts.map(wrap).join(' || ');
    }
    return guard.name || 'inline';
  }
  return 'inline';
}

function delayName(delay: unknown): string {
  if (typeof delay === 'number') return `${delay} ms`;
  if (typeof delay === 'string') return delay;
  if (typeof delay === 'function') return delay.name || 'inline';
  return 'delay';
}

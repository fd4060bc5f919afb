import type { GraphEdge, GraphNode, MachineGraph } from './machineGraph';

/**
 * The statechart as a Markdown page (docs/statechart.md), from the same graph the inspector draws,
 * so the document cannot drift from the machine: the state tree with each state's description,
 * then every transition per state. Pure: the script in scripts/ writes it, a unit test compares.
 */
export function renderStatechartMarkdown(graph: MachineGraph, regenerate: string): string {
  const byParent = new Map<string | null, GraphNode[]>();
  for (const node of graph.nodes) byParent.set(node.parent, [...(byParent.get(node.parent) ?? []), node]);
  const root = graph.nodes.find((n) => n.id === graph.rootId);
  const lines = [
    `# The \`${graph.machineId}\` statechart`,
    '',
    `<!-- Generated from the machine by \`${regenerate}\`; a unit test fails when it is out of date. Do not edit. -->`,
    '',
    root?.description ?? '',
    '',
    '## States',
    '',
    ...stateTree(graph, byParent, graph.rootId, 0),
    '',
    '## Transitions',
    '',
    'Per state, in the order XState tries them: the first whose guard holds is taken. A transition',
    'with no target runs its actions and stays. `after` is a named delay; `always` is checked after',
    'every event.',
  ];
  for (const node of graph.nodes) {
    const edges = graph.edges.filter((e) => e.source === node.id);
    if (edges.length === 0) continue;
    lines.push('', `### ${stateName(graph, node.id)}`, '', '| on | target | actions |', '| --- | --- | --- |');
    for (const edge of edges) lines.push(`| ${cell(trigger(edge))} | ${edge.target === null ? '(stays)' : cell(stateName(graph, edge.target))} | ${cell(edge.actions.join(', '))} |`);
  }
  return `${lines.join('\n')}\n`;
}

function stateTree(graph: MachineGraph, byParent: Map<string | null, GraphNode[]>, parentId: string, depth: number): string[] {
  const parent = graph.nodes.find((n) => n.id === parentId);
  return (byParent.get(parentId) ?? []).flatMap((node) => {
    const marks = [
      parent?.initial === node.id ? 'initial' : null,
      node.type === 'final' ? 'final' : null,
      node.invokes.length > 0 ? `invokes ${node.invokes.map((i) => i.src).join(', ')}` : null,
      node.entry.length > 0 ? `entry: ${node.entry.join(', ')}` : null,
      node.exit.length > 0 ? `exit: ${node.exit.join(', ')}` : null,
    ].filter((m): m is string => m !== null);
    const head = `${'  '.repeat(depth)}- **${node.key}**${marks.length > 0 ? ` (${marks.join('; ')})` : ''}`;
    return [node.description === null ? head : `${head}: ${node.description}`, ...stateTree(graph, byParent, node.id, depth + 1)];
  });
}

/** "draining.flushing.stopping"; the machine itself by its id. */
function stateName(graph: MachineGraph, id: string): string {
  return id === graph.rootId ? `${graph.machineId} (any state)` : id.slice(graph.rootId.length + 1);
}

/** What takes the transition: the inspector's arrow label, with "always" spelled out for a guarded eventless one. */
function trigger(edge: GraphEdge): string {
  return edge.kind === 'always' && edge.guard !== null ? `always [${edge.guard}]` : edge.label;
}

function cell(text: string): string {
  return text === '' ? '' : `\`${text.replace(/\|/g, '\\|')}\``;
}

import { startElkRunner } from '../../src/inspector/elkWorker';
import { layoutGraph, type GraphLayout } from '../../src/inspector/graphLayout';
import { buildMachineGraph } from '../../src/inspector/machineGraph';
import { recorderMachine } from '../../src/machines/recorderMachine';

const graph = buildMachineGraph(recorderMachine);
let layout: GraphLayout;

beforeAll(async () => {
  layout = await layoutGraph(graph);
}, 60_000);

function inside(inner: { x: number; y: number; width: number; height: number }, outer: typeof inner): boolean {
  return inner.x >= outer.x && inner.y >= outer.y && inner.x + inner.width <= outer.x + outer.width && inner.y + inner.height <= outer.y + outer.height;
}

describe('layoutGraph (ELK in a worker thread)', () => {
  test('places every state, each inside its parent box, and siblings do not overlap', () => {
    const boxes = new Map(layout.nodes.map((n) => [n.id, n]));
    expect([...boxes.keys()].sort()).toEqual(graph.nodes.map((n) => n.id).sort());
    for (const node of graph.nodes) {
      const box = boxes.get(node.id)!;
      expect(box.width).toBeGreaterThan(40);
      if (node.parent !== null) expect(inside(box, boxes.get(node.parent)!)).toBe(true);
      for (const sibling of graph.nodes.filter((s) => s.parent === node.parent && s.id < node.id)) {
        const other = boxes.get(sibling.id)!;
        const apart = box.x + box.width <= other.x || other.x + other.width <= box.x || box.y + box.height <= other.y || other.y + other.height <= box.y;
        expect(apart).toBe(true);
      }
    }
    expect(inside({ x: 0, y: 0, width: 1, height: 1 }, { x: 0, y: 0, width: layout.width, height: layout.height })).toBe(true);
  });

  test('draws every transition that changes state, labelled with its event names', () => {
    const drawnIds = new Set(layout.edges.flatMap((e) => e.edgeIds));
    for (const edge of graph.edges.filter((e) => e.target !== null)) expect(drawnIds.has(edge.id)).toBe(true);
    const exited = layout.edges.find((e) => e.source === 'recorder.recording' && e.target === 'recorder.restarting.waiting')!;
    expect(exited.label?.lines).toEqual(['ffmpeg.exited', '  [exitExplainedByLayout]', '  [isCurrentRun]', 'ffmpeg.failedToStart']);
    for (const e of layout.edges) expect(e.points.length).toBeGreaterThanOrEqual(2);
    // one initial arrow per compound state
    expect(layout.edges.filter((e) => e.initial).map((e) => e.target).sort()).toEqual(
      graph.nodes.flatMap((n) => (n.initial === null ? [] : [n.initial])).sort(),
    );
  });

  test('writes the transitions that keep the state (actions only) inside the state box', () => {
    const recording = layout.nodes.find((n) => n.id === 'recorder.recording')!;
    expect(recording.lines.map((l) => l.text)).toEqual([
      'spawns ffmpeg', '↻ ffmpeg.started [isCurrentRun]', '↻ display.changed [captureStillFits]',
      '↻ display.changed [holdingDisplayChanges]', '↻ after stableRun', '↻ after displayRestartCooldown',
    ]);
    const root = layout.nodes.find((n) => n.id === 'recorder')!;
    expect(root.lines.flatMap((l) => l.edgeIds)).toEqual(graph.edges.filter((e) => e.source === 'recorder').map((e) => e.id));
  });

  test('fixed directions are honoured and the search picks the layout that fits the viewport best', async () => {
    const allDown = await layoutGraph(graph, {
      directions: { recorder: 'DOWN', 'recorder.restarting': 'DOWN', 'recorder.draining': 'DOWN', 'recorder.draining.flushing': 'DOWN' },
    });
    const scale = (l: GraphLayout) => Math.min(940 / l.width, 690 / l.height);
    expect(allDown.height).toBeGreaterThan(allDown.width);
    expect(scale(layout)).toBeGreaterThanOrEqual(scale(allDown));
  }, 60_000);
});

describe('startElkRunner', () => {
  test('an ELK failure rejects the layout and leaves this process alone', async () => {
    const elk = startElkRunner();
    try {
      const broken = { id: 'root', layoutOptions: { 'elk.algorithm': 'layered' }, children: [{ id: 'a', width: 10, height: 10 }], edges: [{ id: 'e', sources: ['a'], targets: ['missing'] }] };
      await expect(elk.layout(broken)).rejects.toThrow(/ELK could not lay out the statechart|worker exited/);
    } finally {
      await elk.close();
    }
    expect(process.exitCode ?? 0).toBe(0);
  }, 30_000);
});

import { toDirectedGraph, type DirectedGraphNode } from 'xstate/graph';
import { activeStateIds, buildMachineGraph, stateValueText } from '../../src/inspector/machineGraph';
import { recorderMachine } from '../../src/machines/recorderMachine';

const graph = buildMachineGraph(recorderMachine);

/** XState's own view of the machine, as an independent reference. */
function reference(): { ids: string[]; edges: string[] } {
  const ids: string[] = [];
  const edges: string[] = [];
  const walk = (n: DirectedGraphNode): void => {
    ids.push(n.id);
    for (const e of n.edges) edges.push(`${e.source.id} ${e.label.text} ${e.target.id}`);
    n.children.forEach(walk);
  };
  walk(toDirectedGraph(recorderMachine));
  return { ids, edges };
}

describe('buildMachineGraph (the real recorder machine)', () => {
  test('has every state of the machine, with its parent, type and description', () => {
    expect(graph.nodes.map((n) => n.id).sort()).toEqual(reference().ids.sort());
    expect(graph.rootId).toBe('recorder');
    const byId = new Map(graph.nodes.map((n) => [n.id, n]));
    expect(byId.get('recorder.draining.flushing.settling')).toMatchObject({ parent: 'recorder.draining.flushing', type: 'atomic', depth: 3 });
    expect(byId.get('recorder.restarting')).toMatchObject({ type: 'compound', initial: 'recorder.restarting.stopping' });
    expect(byId.get('recorder.finished')?.type).toBe('final');
    for (const node of graph.nodes) {
      expect(node.description).toBe(recorderMachine.getStateNodeById(node.id).description ?? null);
    }
    expect(byId.get('recorder.recording')?.description).toMatch(/FFmpeg captures/);
  });

  test('has every transition with its event name, target and guard', () => {
    // XState's directed graph draws targetless transitions as self-loops and leaves out eventless ones.
    const mine = graph.edges.filter((e) => e.kind !== 'always').map((e) => `${e.source} ${e.event} ${e.target ?? e.source}`);
    expect(mine.sort()).toEqual(reference().edges.sort());
    expect(graph.edges).toContainEqual(expect.objectContaining({
      source: 'recorder.recording', target: 'recorder.restarting.waiting', kind: 'event', event: 'ffmpeg.exited', guard: 'isCurrentRun',
      actions: ['reportRunEnded', 'noteUnexplainedEnd', 'noteCrash', 'noteInterruption', 'recordRunEnded', 'askWatcherToSettleRun'], label: 'ffmpeg.exited [isCurrentRun]',
    }));
    expect(graph.edges).toContainEqual(expect.objectContaining({
      source: 'recorder.restarting.stopping', target: 'recorder.restarting.terminating', kind: 'after', delay: 'stopTimeout', label: 'after stopTimeout',
    }));
    expect(graph.edges).toContainEqual(expect.objectContaining({ source: 'recorder', target: null, event: 'segment.closed', actions: ['countClosedSegment', 'queueUpload'] }));
    expect(graph.edges).toContainEqual(expect.objectContaining({ source: 'recorder.draining.finalizing', target: 'recorder.finished', event: 'upload.finalized' }));
  });

  test('has the eventless transitions with their guards', () => {
    const always = graph.edges.filter((e) => e.kind === 'always').map((e) => [e.source.split('.').pop(), e.target?.split('.').pop(), e.guard]);
    expect(always).toEqual([
      ['checkingCapture', 'stopping', 'hasLiveCapture'],
      ['checkingCapture', 'settling', null],
      ['settling', 'uploading', 'allRunsSettled'],
      ['uploading', 'finalizing', 'nothingPending'],
    ]);
  });

  test('names the invoked and spawned actors and the entry actions, without XState internals', () => {
    const byId = new Map(graph.nodes.map((n) => [n.id, n]));
    expect(byId.get('recorder')?.invokes.map((i) => i.src)).toEqual(['displayPoller', 'segmentWatcher', 'sentinelWatcher', 'uploader', 'displayWatchdog', 'activity']);
    expect(byId.get('recorder.recording')).toMatchObject({ spawns: ['ffmpeg'], entry: ['startCapture', 'noteCaptureLayout', 'startDisplayCooldown'] });
    expect(byId.get('recorder.restarting.stopping')?.entry).toEqual(['sendToFfmpeg']);
    expect(graph.nodes.flatMap((n) => n.entry).some((a) => a.startsWith('xstate.'))).toBe(false);
  });

  test('is plain JSON and edge ids are unique', () => {
    expect(JSON.parse(JSON.stringify(graph))).toEqual(graph);
    expect(new Set(graph.edges.map((e) => e.id)).size).toBe(graph.edges.length);
  });
});

describe('state values', () => {
  test('active ids include the ancestors; the text form joins the path with dots', () => {
    const value = { draining: { flushing: 'stopping' } };
    expect(activeStateIds('recorder', value)).toEqual(['recorder.draining', 'recorder.draining.flushing', 'recorder.draining.flushing.stopping']);
    expect(stateValueText(value)).toBe('draining.flushing.stopping');
    expect(stateValueText('recording')).toBe('recording');
    for (const id of activeStateIds('recorder', value)) expect(recorderMachine.getStateNodeById(id).id).toBe(id);
  });
});

import { Worker } from 'node:worker_threads';
import type { ElkNode } from 'elkjs/lib/elk-api';

/**
 * ELK (elkjs' bundled build) in a worker thread. The layout takes a second or two of CPU and
 * the bundled build reports some failures by throwing from a timer, which in the main thread
 * would end the process: in a worker neither can stall or kill the recorder.
 */
export interface ElkRunner {
  layout(graph: ElkNode): Promise<ElkNode>;
  close(): Promise<void>;
}

// Plain CommonJS run with `eval: true`, so it needs no build step and works under ts-jest too.
const workerSource = `
const { parentPort, workerData } = require('node:worker_threads');
const ELK = require(workerData.elkPath);
const elk = new ELK();
parentPort.on('message', (msg) => {
  elk.layout(msg.graph).then(
    (out) => parentPort.postMessage({ id: msg.id, out }),
    (err) => parentPort.postMessage({ id: msg.id, error: String((err && err.message) || err) }),
  );
});
`;

export function startElkRunner(): ElkRunner {
  const worker = new Worker(workerSource, { eval: true, workerData: { elkPath: require.resolve('elkjs/lib/elk.bundled.js') } });
  worker.unref();
  const pending = new Map<number, { resolve: (out: ElkNode) => void; reject: (err: Error) => void }>();
  let nextId = 0;
  let failure: Error | null = null;
  const failAll = (err: Error): void => {
    failure ??= err;
    for (const p of pending.values()) p.reject(err);
    pending.clear();
  };
  worker.on('message', (msg: { id: number; out?: ElkNode; error?: string }) => {
    const p = pending.get(msg.id);
    if (!p) return;
    pending.delete(msg.id);
    if (msg.error !== undefined || msg.out === undefined) p.reject(new Error(`ELK could not lay out the statechart: ${msg.error ?? 'no result'}`));
    else p.resolve(msg.out);
  });
  worker.on('error', (err) => failAll(new Error(`ELK could not lay out the statechart: ${err.message}`, { cause: err })));
  worker.on('exit', (code) => failAll(new Error(`the ELK layout worker exited (code ${code})`)));
  return {
    layout: (graph) =>
      new Promise<ElkNode>((resolve, reject) => {
        if (failure) return reject(failure);
        const id = nextId++;
        pending.set(id, { resolve, reject });
        worker.postMessage({ id, graph });
      }),
    close: async () => {
      await worker.terminate();
    },
  };
}

/**
 * A campaign worker thread: runs the chunks it is given and reports each,
 * its histories' figures and distinct states, and its failure if any.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { Tally, runChunk } from './campaign.ts';
import { fromPortable, portableFailure, type PortableOptions, type ToWorker } from './portable.ts';

const { options, seed } = workerData as { options: PortableOptions; seed: number };
const o = fromPortable(options);

parentPort!.on('message', (m: ToWorker) => {
  if (m.type === 'stop') {
    parentPort!.close();
    return;
  }
  const tally = new Tally(0, () => 0);
  let last = { steps: 0, changes: 0, simulatedMs: 0 };
  const failure = runChunk(o, seed, m.index, m.numRuns, tally, (p) => {
    parentPort!.postMessage({ type: 'history', steps: p.steps - last.steps, changes: p.changes - last.changes, simulatedMs: p.simulatedMs - last.simulatedMs });
    last = { steps: p.steps, changes: p.changes, simulatedMs: p.simulatedMs };
  });
  parentPort!.postMessage({ type: 'done', index: m.index, progress: tally.progress, states: tally.states(), failure: failure && portableFailure(failure) });
});

/**
 * What crosses to and from campaign workers: options without functions
 * (invariants by name, cluster options as JSON) and failures without the
 * steps' closures (their text is what reports and features need).
 */
import type { ClusterOptions } from '../engine/index.ts';
import { resolveInvariants } from './invariants/registry.ts';
import type { FuzzOptions } from './runner.ts';
import type { Failure, Progress } from './campaign.ts';

export interface PortableOptions extends Omit<FuzzOptions, 'invariants' | 'cluster'> {
  invariants: string[];
  cluster?: Partial<ClusterOptions>;
}

export type ToWorker = { type: 'chunk'; index: number; numRuns: number } | { type: 'stop' };

export type FromWorker =
  | { type: 'history'; steps: number; changes: number; simulatedMs: number }
  | { type: 'done'; index: number; progress: Progress; states: string[]; failure?: Failure };

export function toPortable(o: FuzzOptions): PortableOptions {
  // Only what a history depends on, as JSON: functions (progress callbacks, planted faults) stay behind.
  const { invariants, minNodes, maxNodes, maxPods, maxCommands, perturb, pdbs, kinds, commands, cluster, clusterSeed, startSmall, settleMs, stayMs } = o;
  const plain = JSON.parse(JSON.stringify({ minNodes, maxNodes, maxPods, maxCommands, perturb, pdbs, kinds, commands, cluster, clusterSeed, startSmall, settleMs, stayMs })) as Omit<PortableOptions, 'invariants'>;
  return { ...plain, invariants: invariants.map((i) => i.name) };
}

export function fromPortable(p: PortableOptions): FuzzOptions {
  return { ...p, invariants: resolveInvariants(p.invariants) };
}

export function portableFailure(f: Failure): Failure {
  return { ...f, steps: f.steps.map((s) => ({ keyword: s.keyword, text: s.text, docString: s.docString, table: s.table, run: () => {} })) };
}

/** Steps after a trip have lost what they do; give them a body that says so. */
export function revived(f: Failure): Failure {
  return {
    ...f,
    steps: f.steps.map((s) => ({
      ...s,
      run: () => {
        throw new Error(`"${s.text}" came from a worker and cannot run here: replay the history instead`);
      },
    })),
  };
}

/**
 * Arbitraries of workloads, of any kind in the registry, with unique names
 * from a fixed pool and a budget on the pods they want together.
 */
import fc from 'fast-check';
import { WORKLOAD_KINDS, workloadKind } from '../workloads/registry.ts';
import type { WorkloadConstraints, WorkloadSpec } from '../workloads/types.ts';
import { WORKLOAD_NAMES } from './pods.ts';

export { WORKLOAD_NAMES } from './pods.ts';

export interface WorkloadsConstraints extends Omit<WorkloadConstraints, 'maxReplicas'> {
  /** Kinds to generate (registry names); default every registered kind. */
  kinds?: readonly string[];
  /** Most pods a single workload asks for; default 20. */
  maxReplicas?: number;
  /** Most pods all of them ask for together; default 40. */
  maxPods?: number;
  minWorkloads?: number;
  maxWorkloads?: number;
  /** Names to draw from; default WORKLOAD_NAMES. */
  names?: readonly string[];
}

/** One workload named `name`, of one of the allowed kinds. */
export function workloadArb(name: string, c: WorkloadsConstraints = {}): fc.Arbitrary<WorkloadSpec> {
  const kinds = (c.kinds ?? [...WORKLOAD_KINDS.keys()]).map((k) => {
    const kind = WORKLOAD_KINDS.get(k);
    if (!kind) throw new Error(`unknown workload kind "${k}": the fuzzer knows ${[...WORKLOAD_KINDS.keys()].join(', ')}`);
    return kind;
  });
  const inner: WorkloadConstraints = { ...c, maxReplicas: Math.min(c.maxReplicas ?? 20, c.maxPods ?? 40) };
  return fc.oneof(...kinds.map((k) => ({ weight: k.weight ?? 1, arbitrary: k.arbitrary(name, inner) })));
}

/**
 * Scales replica counts down, in order, so that together they stay within
 * `maxPods` on a cluster of `nodes` nodes; a workload that still does not
 * fit (a DaemonSet, a Job, an autoscaler's maximum) is left out.
 */
export function withinPodBudget(specs: WorkloadSpec[], maxPods: number, nodes = 0): WorkloadSpec[] {
  let left = maxPods;
  const out: WorkloadSpec[] = [];
  for (const s of specs) {
    const kind = workloadKind(s);
    let spec = s;
    const over = kind.pods(spec, nodes) - left;
    if (over > 0 && spec.replicas !== undefined) spec = { ...spec, replicas: Math.max(0, spec.replicas - over) };
    const n = kind.pods(spec, nodes);
    if (n > left) continue;
    left -= n;
    out.push(spec);
  }
  return out;
}

/**
 * Several workloads with distinct names, asking for at most `maxPods` pods
 * together. Names are given by position, so that the array shrinks as
 * arrays do (fewer workloads, simpler ones).
 */
export function workloadsArb(c: WorkloadsConstraints = {}): fc.Arbitrary<WorkloadSpec[]> {
  const names = c.names ?? WORKLOAD_NAMES;
  return fc
    .array(workloadArb(names[0], c), { minLength: c.minWorkloads ?? 0, maxLength: Math.min(c.maxWorkloads ?? 3, names.length) })
    .map((specs) => withinPodBudget(specs.map((s, i) => ({ ...s, name: names[i] })), c.maxPods ?? 40));
}

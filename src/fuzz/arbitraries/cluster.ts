/**
 * Whole clusters: nodes and the workloads applied to them first. The
 * default is the fuzzer's campaign envelope: 1 to 8 nodes, up to 3
 * workloads, at most 40 pods.
 */
import fc from 'fast-check';
import { type NodeSpec, type NodesConstraints, nodesArb } from './nodes.ts';
import { type WorkloadsConstraints, withinPodBudget, workloadsArb } from './workloads.ts';
import type { WorkloadSpec } from '../workloads/types.ts';

export interface ClusterSpec {
  nodes: NodeSpec[];
  workloads: WorkloadSpec[];
}

export interface ClusterConstraints extends NodesConstraints, WorkloadsConstraints {}

export function clusterArb(c: ClusterConstraints = {}): fc.Arbitrary<ClusterSpec> {
  return fc
    .record({ nodes: nodesArb(c), workloads: workloadsArb(c) })
    .map(({ nodes, workloads }) => ({ nodes, workloads: withinPodBudget(workloads, c.maxPods ?? 40, nodes.length) }));
}

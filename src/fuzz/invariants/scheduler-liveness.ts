/**
 * scheduler-liveness: once inputs stop, no pod stays pending while a node
 * could take it. A pending pod (unbound, not being deleted, for the default
 * scheduler) fits a node that is Ready, not cordoned, carries no hard taint
 * the pod does not tolerate, matches its node selection, can reach the
 * volumes of its claims, and has room for its requests, a free pod slot
 * and its host ports; the scheduler retries
 * unschedulable pods on cluster events and at least every 5 minutes
 * (podMaxInUnschedulablePodsDuration), so such a pod must get bound.
 */
import { R, getCondition, isPodTerminal, resourceAmount, type Node, type Pod, type Stored } from '../../engine/index.ts';
import type { View } from '../../harness/view.ts';
import type { Invariant } from './types.ts';
import { hostPortsClash, hostPortsOf, nodeSelectionProblem, requestsOf, tolerates, untoleratedHardTaints, volumeProblem } from './oracle.ts';
import { interPodProblems, type Placed } from './pod-topology.ts';


/** Whether `node` can take `pod` now, given the pods bound to it (and the claims and volumes `view` holds). */
export function fits(pod: Pod & Stored, node: Stored<Node>, onNode: readonly Stored<Pod>[], placed: readonly Placed[], nodes: readonly Stored<Node>[], view: Pick<View, 'get'>): boolean {
  if (getCondition(node.status?.conditions, 'Ready')?.status !== 'True') return false;
  if (node.spec?.unschedulable && !(pod.spec.tolerations ?? []).some((t) => tolerates(t, { key: 'node.kubernetes.io/unschedulable', effect: 'NoSchedule' }))) return false;
  if (untoleratedHardTaints(node, pod).length || nodeSelectionProblem(node, pod) || volumeProblem(pod, node, view)) return false;
  const alloc = (node.status?.allocatable ?? {}) as Record<string, string>;
  if (onNode.length + 1 > Number(alloc.pods ?? 110)) return false;
  const used = new Map<string, number>();
  for (const p of onNode) for (const [r, v] of requestsOf(p)) used.set(r, (used.get(r) ?? 0) + v);
  for (const [r, v] of requestsOf(pod)) {
    if (!v) continue;
    if (alloc[r] === undefined || (used.get(r) ?? 0) + v > resourceAmount(r, alloc[r])) return false;
  }
  const ports = hostPortsOf(pod);
  if (ports.some((a) => onNode.some((o) => hostPortsOf(o).some((b) => hostPortsClash(a, b))))) return false;
  return interPodProblems(pod as Stored<Pod>, node, placed, nodes).length === 0;
}

export const schedulerLiveness: Invariant = {
  name: 'scheduler-liveness',
  summary: 'no pod stays pending while some node can take it',
  promise:
    'Pods that could not be scheduled are retried when the cluster changes in a way that may make them schedulable, and at least every 5 minutes; a pod that fits a node is eventually bound.',
  references: [
    'https://kubernetes.io/docs/concepts/scheduling-eviction/scheduling-framework/#scheduling-cycle-binding-cycle',
    'https://kubernetes.io/docs/reference/config-api/kube-scheduler-config.v1/ (podMaxInUnschedulablePodsDuration, 5m)',
  ],
  kind: 'eventual',
  unsettled(view: View) {
    const nodes = view.list<Node>(R.nodes);
    const pods = view.list<Pod>(R.pods).filter((p) => !isPodTerminal(p));
    const onNode = new Map<string, Stored<Pod>[]>();
    const placed: Placed[] = [];
    const byName = new Map(nodes.map((n) => [n.metadata.name, n]));
    for (const p of pods) {
      if (!p.spec.nodeName) continue;
      if (!onNode.has(p.spec.nodeName)) onNode.set(p.spec.nodeName, []);
      onNode.get(p.spec.nodeName)!.push(p);
      const n = byName.get(p.spec.nodeName);
      if (n) placed.push({ pod: p, node: n });
    }
    const out: string[] = [];
    for (const p of pods) {
      if (p.spec.nodeName || p.metadata.deletionTimestamp || (p.spec.schedulerName ?? 'default-scheduler') !== 'default-scheduler') continue;
      const n = nodes.find((node) => fits(p, node, onNode.get(node.metadata.name) ?? [], placed, nodes, view));
      if (n) out.push(`pod "${p.metadata.namespace}/${p.metadata.name}" is pending although node "${n.metadata.name}" can take it`);
    }
    return out;
  },
};

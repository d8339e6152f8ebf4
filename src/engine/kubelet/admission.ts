/**
 * The kubelet's pod admission (pkg/kubelet/lifecycle/predicate.go and the
 * eviction manager's Admit): a pod bound to the node is refused when it
 * would exceed the node's pod count or allocatable resources (OutOfpods,
 * OutOfcpu, OutOfmemory), or while the node is under pressure (Evicted:
 * BestEffort pods under memory pressure, every pod under disk pressure).
 */
import type { Node, Pod } from '../api/types.ts';
import { podRequests } from '../api/pod.ts';
import { resourceAmount } from '../api/quantity.ts';
import { taintTolerated } from '../api/taints.ts';

export interface Rejection {
  reason: string;
  message: string;
}

export function admitPod(pod: Pod, node: Pick<Node, 'status'> | undefined, active: readonly Pod[], pressure: readonly string[]): Rejection | undefined {
  if (pressure.length) {
    const onlyMemory = pressure.length === 1 && pressure[0] === 'MemoryPressure';
    const bestEffort = pod.status?.qosClass === 'BestEffort';
    const tolerates = taintTolerated({ key: 'node.kubernetes.io/memory-pressure', effect: 'NoSchedule' }, pod.spec.tolerations);
    if (!onlyMemory || (bestEffort && !tolerates)) return { reason: 'Evicted', message: `The node had condition: [${pressure.join(' ')}]. ` };
  }
  if (!node) return undefined;
  const alloc = (node.status?.allocatable ?? {}) as Record<string, string>;
  if (active.length + 1 > Number(alloc.pods ?? 110)) {
    return { reason: 'OutOfpods', message: `Node didn't have enough resource: pods, requested: 1, used: ${active.length}, capacity: ${alloc.pods}` };
  }
  for (const [r, amount] of podRequests(pod)) {
    if (amount <= 0 || alloc[r] === undefined) continue;
    let used = 0;
    for (const p of active) used += podRequests(p).get(r) ?? 0;
    const capacity = resourceAmount(r, alloc[r]);
    if (used + amount > capacity) {
      return { reason: `OutOf${r}`, message: `Node didn't have enough resource: ${r}, requested: ${amount}, used: ${used}, capacity: ${capacity}` };
    }
  }
  return undefined;
}

/**
 * "Then the cluster invariants hold": properties every healthy cluster keeps,
 * checked on the current state.
 *
 * - No node is over-committed: the requests of its pods fit its allocatable,
 *   and it runs no more pods than its pod capacity.
 * - Every bound pod satisfies its node selector, required node affinity and
 *   the NoSchedule taints its node had when it was bound.
 * - No two running pods share an IP (host-network pods aside).
 * - Every ReplicaSet's and Deployment's status agrees with its pods, once
 *   its controller has observed the latest spec.
 * - Each workload controller's own promises (workload-invariants.ts).
 */
import {
  R,
  controllerRef,
  formatAmount,
  isPodReady,
  isPodTerminal,
  podRequests,
  resourceAmount,
  type Deployment,
  type Node,
  type Pod,
  type ReplicaSet,
  type Stored,
} from '../engine/index.ts';
import type { View } from './view.ts';
import { placementProblems, type Check } from './checks.ts';
import { alwaysInvariants, settledInvariants } from './workload-invariants.ts';

export interface Violation {
  invariant: string;
  message: string;
}

export function clusterInvariants(view: View): Violation[] {
  const out: Violation[] = [];
  const nodes = view.list<Node>(R.nodes);
  const pods = view.list<Pod>(R.pods).filter((p) => !isPodTerminal(p));
  const byNode = new Map<string, Stored<Pod>[]>();
  for (const p of pods) {
    if (!p.spec.nodeName) continue;
    if (!byNode.has(p.spec.nodeName)) byNode.set(p.spec.nodeName, []);
    byNode.get(p.spec.nodeName)!.push(p);
  }

  for (const node of nodes) {
    const onNode = byNode.get(node.metadata.name) ?? [];
    const alloc = (node.status?.allocatable ?? {}) as Record<string, string>;
    const maxPods = Number(alloc.pods ?? 110);
    if (onNode.length > maxPods) out.push({ invariant: 'node-capacity', message: `node "${node.metadata.name}" runs ${onNode.length} pods, more than its capacity of ${maxPods}` });
    const used = new Map<string, number>();
    for (const p of onNode) for (const [r, v] of podRequests(p)) used.set(r, (used.get(r) ?? 0) + v);
    for (const [r, v] of used) {
      if (alloc[r] === undefined) continue;
      const cap = resourceAmount(r, alloc[r]);
      if (v > cap) out.push({ invariant: 'node-capacity', message: `node "${node.metadata.name}" is over-committed on ${r}: its pods request ${formatAmount(r, v)} of ${alloc[r]}` });
    }
  }

  const nodeByName = new Map(nodes.map((n) => [n.metadata.name, n]));
  for (const p of pods) {
    if (!p.spec.nodeName || p.metadata.deletionTimestamp) continue;
    for (const problem of placementProblems(p, nodeByName.get(p.spec.nodeName))) {
      out.push({ invariant: 'placement', message: `pod "${p.metadata.namespace}/${p.metadata.name}" ${problem}` });
    }
  }

  const ips = new Map<string, string>();
  for (const p of pods) {
    const ip = p.status?.podIP;
    if (!ip || p.spec.hostNetwork) continue;
    const who = `${p.metadata.namespace}/${p.metadata.name}`;
    if (ips.has(ip)) out.push({ invariant: 'unique-pod-ip', message: `pods "${ips.get(ip)}" and "${who}" share the IP ${ip}` });
    else ips.set(ip, who);
  }

  const rsList = view.list<ReplicaSet>(R.replicaSets);
  for (const rs of rsList) {
    if ((rs.status?.observedGeneration ?? 0) < (rs.metadata.generation ?? 0)) continue;
    const owned = pods.filter((p) => controllerRef(p)?.uid === rs.metadata.uid && !p.metadata.deletionTimestamp);
    const replicas = rs.status?.replicas ?? 0;
    const ready = rs.status?.readyReplicas ?? 0;
    const who = `replicaset "${rs.metadata.namespace}/${rs.metadata.name}"`;
    if (replicas !== owned.length) out.push({ invariant: 'workload-status', message: `${who} reports ${replicas} replicas but has ${owned.length} live pods` });
    const readyPods = owned.filter((p) => isPodReady(p)).length;
    if (ready !== readyPods) out.push({ invariant: 'workload-status', message: `${who} reports ${ready} ready replicas but ${readyPods} of its pods are ready` });
  }
  for (const d of view.list<Deployment>(R.deployments)) {
    if ((d.status?.observedGeneration ?? 0) < (d.metadata.generation ?? 0)) continue;
    const sets = rsList.filter((rs) => controllerRef(rs)?.uid === d.metadata.uid);
    const sum = sets.reduce((n, rs) => n + (rs.status?.replicas ?? 0), 0);
    if ((d.status?.replicas ?? 0) !== sum) {
      out.push({ invariant: 'workload-status', message: `deployment "${d.metadata.namespace}/${d.metadata.name}" reports ${d.status?.replicas ?? 0} replicas but its replica sets have ${sum}` });
    }
  }
  out.push(...alwaysInvariants(view), ...settledInvariants(view));
  return out;
}

/** The invariants that hold at every instant, as a check for "at all times" replay over the action under test. */
export function invariantsAtEveryInstant(): Check {
  return (view) => {
    const v = alwaysInvariants(view);
    return {
      ok: v.length === 0,
      expected: 'the controllers keep their promises at every instant',
      found: v.map((x) => `[${x.invariant}] ${x.message}`).join('; '),
    };
  };
}

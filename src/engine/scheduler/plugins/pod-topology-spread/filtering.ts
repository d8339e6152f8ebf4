/**
 * PodTopologySpread PreFilter and Filter: per hard constraint, the number of
 * matching pods in each domain of the eligible nodes, and the two smallest
 * ("critical paths"); a node fails when placing the pod there would make its
 * domain exceed the global minimum (0 while fewer than minDomains domains
 * exist) by more than maxSkew.
 */
import type { Pod, Stored } from '../../../api/types.ts';
import { type Handle, type NodeInfo, type PodInfo, SUCCESS, StateKey, type Status, status } from '../../framework.ts';
import { type Constraint, countPodsMatchSelector, nodeHasAllKeys, nodeIncluded } from './common.ts';
import type { NodeSumsCache } from '../helper/node-sums.ts';

export const ERR_REASON_CONSTRAINTS_NOT_MATCH = "node(s) didn't match pod topology spread constraints";
export const ERR_REASON_NODE_LABEL_NOT_MATCH = `${ERR_REASON_CONSTRAINTS_NOT_MATCH} (missing required label)`;

const MAX_INT32 = 2147483647;

/** criticalPaths: the two domains with the fewest matching pods (the first always holds the minimum). */
class CriticalPaths {
  p: Array<{ value: string; num: number }> = [
    { value: '', num: MAX_INT32 },
    { value: '', num: MAX_INT32 },
  ];

  update(value: string, num: number): void {
    const p = this.p;
    const i = value === p[0].value ? 0 : value === p[1].value ? 1 : -1;
    if (i >= 0) {
      p[i].num = num;
      if (p[0].num > p[1].num) [p[0], p[1]] = [p[1], p[0]];
    } else if (num < p[0].num) {
      p[1] = p[0];
      p[0] = { value, num };
    } else if (num < p[1].num) {
      p[1] = { value, num };
    }
  }

  clone(): CriticalPaths {
    const c = new CriticalPaths();
    c.p = [{ ...this.p[0] }, { ...this.p[1] }];
    return c;
  }
}

/** preFilterState */
export class SpreadPreFilterState {
  constructor(
    readonly constraints: Constraint[],
    public criticalPaths: CriticalPaths[],
    /** Per constraint: domain value -> matching pods. */
    public tpValueToMatchNum: Array<Map<string, number>>,
  ) {}

  clone(): SpreadPreFilterState {
    return new SpreadPreFilterState(
      this.constraints,
      this.criticalPaths.map((c) => c.clone()),
      this.tpValueToMatchNum.map((m) => new Map(m)),
    );
  }

  /** minMatchNum: the global minimum, 0 while fewer domains than minDomains exist. */
  minMatchNum(i: number): number {
    return this.tpValueToMatchNum[i].size < this.constraints[i].minDomains ? 0 : this.criticalPaths[i].p[0].num;
  }

  /** updateWithPod: a pod added (+1) or removed (-1) on a node, for preemption and nominated pods. */
  updateWithPod(updated: Pod, preemptor: Pod, node: NodeInfo, delta: number): void {
    if (updated.metadata.namespace !== preemptor.metadata.namespace) return;
    const labels = node.node.metadata.labels ?? {};
    if (!nodeHasAllKeys(labels, this.constraints)) return;
    this.constraints.forEach((c, i) => {
      if (!c.selector.matches(updated.metadata.labels)) return;
      if (!nodeIncluded(c, preemptor, node.node)) return;
      const v = labels[c.topologyKey];
      const n = (this.tpValueToMatchNum[i].get(v) ?? 0) + delta;
      this.tpValueToMatchNum[i].set(v, n);
      this.criticalPaths[i].update(v, n);
    });
  }
}

export const preFilterKey = new StateKey<SpreadPreFilterState>('PreFilterPodTopologySpread');

/**
 * What a constraint's counts depend on besides the nodes: the namespace, every
 * constraint's topology key (a node must have all), the selector, and the
 * pod's node selection and tolerations where the inclusion policies honour them.
 */
function countsKey(pod: Pod, constraints: readonly Constraint[], c: Constraint): string {
  return JSON.stringify([
    pod.metadata.namespace,
    constraints.map((x) => x.topologyKey),
    c.topologyKey,
    c.selector.key(),
    c.nodeAffinityPolicy,
    c.nodeTaintsPolicy,
    c.nodeAffinityPolicy === 'Honor' ? [pod.spec.nodeSelector ?? null, pod.spec.affinity?.nodeAffinity?.requiredDuringSchedulingIgnoredDuringExecution ?? null] : null,
    c.nodeTaintsPolicy === 'Honor' ? (pod.spec.tolerations ?? null) : null,
  ]);
}

/**
 * calPreFilterState: per constraint, the matching pods in each domain of the
 * nodes that count. The per-node counts are kept across cycles in `sums`.
 */
export function spreadPreFilterState(pod: Stored<Pod>, constraints: Constraint[], allNodes: readonly NodeInfo[], sums: NodeSumsCache, handle?: Handle): SpreadPreFilterState {
  const ns = pod.metadata.namespace;
  const counts = constraints.map((c) => {
    const s = sums.get(countsKey(pod, constraints, c));
    s.refresh(allNodes, (n, out) => {
      const labels = n.node.metadata.labels;
      if (!nodeHasAllKeys(labels, constraints) || !nodeIncluded(c, pod, n.node)) return;
      out.keys.push(c.topologyKey);
      out.values.push(labels![c.topologyKey]);
      out.amounts.push(countPodsMatchSelector(n, c.selector, ns));
    }, handle);
    return s.sumsOf(c.topologyKey);
  });
  const paths = counts.map((m) => {
    const cp = new CriticalPaths();
    for (const [v, num] of m) cp.update(v, num);
    return cp;
  });
  return new SpreadPreFilterState(constraints, paths, counts);
}

export function spreadFilter(s: SpreadPreFilterState | undefined, pod: Pod, node: NodeInfo): Status {
  if (!s || !s.constraints.length) return SUCCESS;
  const labels = node.node.metadata.labels ?? {};
  for (let i = 0; i < s.constraints.length; i++) {
    const c = s.constraints[i];
    if (!Object.prototype.hasOwnProperty.call(labels, c.topologyKey)) return status('UnschedulableAndUnresolvable', ERR_REASON_NODE_LABEL_NOT_MATCH);
    const selfMatch = c.selector.matches(pod.metadata.labels) ? 1 : 0;
    const matchNum = s.tpValueToMatchNum[i].get(labels[c.topologyKey]) ?? 0;
    if (matchNum + selfMatch - s.minMatchNum(i) > c.maxSkew) return status('Unschedulable', ERR_REASON_CONSTRAINTS_NOT_MATCH);
  }
  return SUCCESS;
}

export type { PodInfo };

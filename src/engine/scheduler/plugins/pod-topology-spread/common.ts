/**
 * Shared pieces of PodTopologySpread: parsed constraints (with matchLabelKeys
 * merged into the selector), node inclusion policies, the system default
 * constraints and the default selector of a pod's Services and controller.
 */
import { R, type ResourceType } from '../../../api/kinds.ts';
import { Selector, type Requirement } from '../../../api/selectors.ts';
import { findUntoleratedTaint } from '../../../api/taints.ts';
import type { KubeObject, LabelSelector, Node, Pod, Taint, TopologySpreadConstraint } from '../../../api/types.ts';
import type { Lister, NodeInfo } from '../../framework.ts';
import { podMatchesNodeSelectorAndAffinity } from '../node-affinity.ts';

export const LABEL_HOSTNAME = 'kubernetes.io/hostname';
export const LABEL_ZONE = 'topology.kubernetes.io/zone';

/** topologySpreadConstraint: the internal form, selector parsed. */
export interface Constraint {
  maxSkew: number;
  topologyKey: string;
  selector: Selector;
  minDomains: number;
  nodeAffinityPolicy: 'Honor' | 'Ignore';
  nodeTaintsPolicy: 'Honor' | 'Ignore';
}

/** systemDefaultConstraints: hostname maxSkew 3 and zone maxSkew 5, both ScheduleAnyway. */
export const SYSTEM_DEFAULT_CONSTRAINTS: readonly TopologySpreadConstraint[] = [
  { topologyKey: LABEL_HOSTNAME, whenUnsatisfiable: 'ScheduleAnyway', maxSkew: 3 },
  { topologyKey: LABEL_ZONE, whenUnsatisfiable: 'ScheduleAnyway', maxSkew: 5 },
];

const doNotSchedule = (t: Taint) => t.effect === 'NoSchedule' || t.effect === 'NoExecute';

/** matchNodeInclusionPolicies: whether the node counts for this constraint of the pod. */
export function nodeIncluded(c: Constraint, pod: Pod, node: Pick<Node, 'metadata' | 'spec'>): boolean {
  if (c.nodeAffinityPolicy === 'Honor' && !podMatchesNodeSelectorAndAffinity(pod, node)) return false;
  if (c.nodeTaintsPolicy === 'Honor' && findUntoleratedTaint(node.spec?.taints, pod.spec.tolerations, doNotSchedule)) return false;
  return true;
}

/** nodeLabelsMatchSpreadConstraints: the node has every constraint's topology key. */
export function nodeHasAllKeys(labels: Record<string, string> | undefined, constraints: readonly Constraint[]): boolean {
  if (!labels) return constraints.length === 0;
  for (const c of constraints) if (!Object.prototype.hasOwnProperty.call(labels, c.topologyKey)) return false;
  return true;
}

/** filterTopologySpreadConstraints: the constraints with this action, parsed. */
export function parseConstraints(constraints: readonly TopologySpreadConstraint[], podLabels: Record<string, string> | undefined, action: string): Constraint[] {
  const out: Constraint[] = [];
  for (const c of constraints) {
    if (c.whenUnsatisfiable !== action) continue;
    let selector = Selector.fromLabelSelector(c.labelSelector);
    const keys = c.matchLabelKeys ?? [];
    if (keys.length) {
      const extra: Requirement[] = [];
      for (const k of keys) if (podLabels && Object.prototype.hasOwnProperty.call(podLabels, k)) extra.push({ key: k, operator: '=', values: [podLabels[k]] });
      if (extra.length) selector = Selector.of([...extra, ...selector.requirements]);
    }
    out.push({
      maxSkew: c.maxSkew,
      topologyKey: c.topologyKey,
      selector,
      minDomains: c.minDomains ?? 1,
      nodeAffinityPolicy: (c.nodeAffinityPolicy as 'Honor' | 'Ignore' | undefined) ?? 'Honor',
      nodeTaintsPolicy: (c.nodeTaintsPolicy as 'Honor' | 'Ignore' | undefined) ?? 'Ignore',
    });
  }
  return out;
}

/** The memo key of a selector's count in a namespace, made once per selector. */
const countKeys = new WeakMap<Selector, { namespace: string | undefined; key: string }>();
function countKey(selector: Selector, namespace: string | undefined): string {
  let k = countKeys.get(selector);
  if (!k || k.namespace !== namespace) {
    k = { namespace, key: `PodTopologySpread\u0000${namespace}\u0000${selector.key()}` };
    countKeys.set(selector, k);
  }
  return k.key;
}

/** countPodsMatchSelector: pods of the namespace on the node, not being deleted, that the selector matches. */
export function countPodsMatchSelector(node: NodeInfo, selector: Selector, namespace: string | undefined): number {
  // Remembered per node until its pods change: most nodes are unchanged from one cycle to the next.
  const key = countKey(selector, namespace);
  const known = node.remembered(key);
  if (known !== undefined) return known;
  let n = 0;
  for (const pi of node.pods.values()) {
    const p = pi.pod;
    if (p.metadata.deletionTimestamp || p.metadata.namespace !== namespace) continue;
    if (selector.matches(p.metadata.labels)) n++;
  }
  return node.remember(key, n);
}

/** The workload listers DefaultSelector reads. */
export interface SpreadListers {
  services: Lister<KubeObject & { spec?: { selector?: Record<string, string> | null } }>;
  replicationControllers: Lister<KubeObject & { spec?: { selector?: Record<string, string> | null } }>;
  replicaSets: Lister<KubeObject & { spec?: { selector?: LabelSelector } }>;
  statefulSets: Lister<KubeObject & { spec?: { selector?: LabelSelector } }>;
}

/**
 * helper.DefaultSelector: the labels of every Service selecting the pod,
 * merged, plus the selector of the ReplicationController, ReplicaSet or
 * StatefulSet that controls it.
 */
export function defaultSelector(pod: Pod, l: SpreadListers): Selector {
  const set: Record<string, string> = {};
  for (const svc of l.services.list(pod.metadata.namespace)) {
    const sel = svc.spec?.selector;
    // A Service with a nil selector selects nothing, not everything.
    if (sel === undefined || sel === null) continue;
    if (Selector.fromSet(sel).matches(pod.metadata.labels)) Object.assign(set, sel);
  }
  let selector = Selector.fromSet(set);
  const owner = (pod.metadata.ownerReferences ?? []).find((r) => r.controller);
  if (!owner) return selector;
  const group = owner.apiVersion.includes('/') ? owner.apiVersion.split('/')[0] : '';
  const ns = pod.metadata.namespace;
  if (group === '' && owner.kind === 'ReplicationController') {
    const rc = l.replicationControllers.get(ns, owner.name);
    if (rc) selector = Selector.fromSet({ ...set, ...(rc.spec?.selector ?? {}) });
  } else if (group === 'apps' && (owner.kind === 'ReplicaSet' || owner.kind === 'StatefulSet')) {
    const w = owner.kind === 'ReplicaSet' ? l.replicaSets.get(ns, owner.name) : l.statefulSets.get(ns, owner.name);
    if (w) {
      try {
        selector = Selector.of([...selector.requirements, ...Selector.fromLabelSelector(w.spec?.selector).requirements]);
      } catch {
        // An invalid selector adds nothing.
      }
    }
  }
  return selector;
}

export function spreadListers(lister: <T extends KubeObject>(type: ResourceType) => Lister<T>): SpreadListers {
  return {
    services: lister(R.services),
    replicationControllers: lister(R.replicationControllers),
    replicaSets: lister(R.replicaSets),
    statefulSets: lister(R.statefulSets),
  };
}

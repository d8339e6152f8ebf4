/**
 * Inter-pod rules judged at bind time, from the documentation:
 *
 * - required pod anti-affinity, both directions: no pod already in the
 *   topology domain matches the new pod's anti-affinity terms, and the new
 *   pod matches no anti-affinity term of a pod already there
 *   (https://kubernetes.io/docs/concepts/scheduling-eviction/assign-pod-node/#inter-pod-affinity-and-anti-affinity);
 * - required pod affinity: every term has a matching pod in the domain,
 *   unless no pod matches anywhere, the pod matches its own term and the
 *   node carries the term's topology key ("the node has all the requested
 *   topologies", as InterPodAffinity's filter puts it);
 * - hard topology spread (DoNotSchedule): placing the pod leaves the skew of
 *   each constraint at most maxSkew over the eligible domains (nodes that
 *   pass its node selection and carry the key); terminating pods do not count
 *   (https://kubernetes.io/docs/concepts/scheduling-eviction/topology-spread-constraints/).
 */
import type { Node, Pod, Stored } from '../../engine/index.ts';
import { nodeSelectionProblem, selectorMatches } from './oracle.ts';

interface Term {
  labelSelector?: { matchLabels?: Record<string, string> };
  topologyKey: string;
  namespaces?: string[];
}

export interface Placed {
  pod: Stored<Pod>;
  node: Stored<Node>;
}

function termNamespaces(owner: Pod, term: Term): string[] {
  return term.namespaces?.length ? term.namespaces : [owner.metadata.namespace ?? 'default'];
}

function sameDomain(a: Node, b: Node, key: string): boolean {
  const va = a.metadata.labels?.[key];
  return va !== undefined && va === b.metadata.labels?.[key];
}

function termMatches(owner: Pod, term: Term, other: Pod): boolean {
  return termNamespaces(owner, term).includes(other.metadata.namespace ?? 'default') && selectorMatches(term.labelSelector, other.metadata.labels);
}

/** Problems of placing `pod` on `node` given the pods already placed (not including it). */
export function interPodProblems(pod: Stored<Pod>, node: Stored<Node>, others: readonly Placed[], nodes: readonly Stored<Node>[]): string[] {
  const out: string[] = [];
  const anti = (pod.spec.affinity?.podAntiAffinity?.requiredDuringSchedulingIgnoredDuringExecution ?? []) as Term[];
  for (const term of anti) {
    const clash = others.find((o) => sameDomain(o.node, node, term.topologyKey) && termMatches(pod, term, o.pod));
    if (clash) out.push(`its required anti-affinity (${term.topologyKey}) excludes pod "${clash.pod.metadata.name}" on node "${clash.node.metadata.name}"`);
  }
  for (const o of others) {
    const terms = (o.pod.spec.affinity?.podAntiAffinity?.requiredDuringSchedulingIgnoredDuringExecution ?? []) as Term[];
    for (const term of terms) {
      if (sameDomain(o.node, node, term.topologyKey) && termMatches(o.pod, term, pod)) {
        out.push(`pod "${o.pod.metadata.name}" on node "${o.node.metadata.name}" has required anti-affinity (${term.topologyKey}) against it`);
      }
    }
  }
  const aff = (pod.spec.affinity?.podAffinity?.requiredDuringSchedulingIgnoredDuringExecution ?? []) as Term[];
  for (const term of aff) {
    if (others.some((o) => sameDomain(o.node, node, term.topologyKey) && termMatches(pod, term, o.pod))) continue;
    const anywhere = others.some((o) => termMatches(pod, term, o.pod));
    // The first pod of a group with affinity to itself goes anywhere, but only to a node that has the topology key.
    if (!anywhere && termMatches(pod, term, pod) && node.metadata.labels?.[term.topologyKey] !== undefined) continue;
    out.push(`its required pod affinity (${term.topologyKey}) has no matching pod in the node's domain`);
  }
  const spread = (pod.spec.topologySpreadConstraints ?? []).filter((c) => c.whenUnsatisfiable === 'DoNotSchedule');
  for (const c of spread) {
    const key = c.topologyKey;
    if (node.metadata.labels?.[key] === undefined) {
      out.push(`it has a hard topology spread over ${key}, but the node has no such label`);
      continue;
    }
    const eligible = nodes.filter((n) => n.metadata.labels?.[key] !== undefined && !nodeSelectionProblem(n, pod));
    const counts = new Map<string, number>();
    for (const n of eligible) counts.set(n.metadata.labels![key], 0);
    for (const o of others) {
      if (o.pod.metadata.deletionTimestamp || o.pod.metadata.namespace !== pod.metadata.namespace) continue;
      if (!selectorMatches(c.labelSelector as Term['labelSelector'], o.pod.metadata.labels)) continue;
      const v = o.node.metadata.labels?.[key];
      if (v !== undefined && counts.has(v) && eligible.some((n) => n.metadata.name === o.node.metadata.name)) counts.set(v, counts.get(v)! + 1);
    }
    const domain = node.metadata.labels![key];
    let min = counts.size ? Math.min(...counts.values()) : 0;
    if (c.minDomains && counts.size < c.minDomains) min = 0;
    const self = selectorMatches(c.labelSelector as Term['labelSelector'], pod.metadata.labels) ? 1 : 0;
    const skew = (counts.get(domain) ?? 0) + self - min;
    if (skew > c.maxSkew) out.push(`placing it in ${key}=${domain} makes a skew of ${skew}, more than its maxSkew ${c.maxSkew}`);
  }
  return out;
}

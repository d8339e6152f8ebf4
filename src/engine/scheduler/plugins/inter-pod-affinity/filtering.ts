/**
 * InterPodAffinity PreFilter and Filter: counts, per topology pair, existing
 * pods whose required anti-affinity matches the incoming pod, and existing
 * pods matching the incoming pod's required affinity and anti-affinity terms.
 */
import type { Namespace, Pod, Stored } from '../../../api/types.ts';
import {
  type CycleState,
  type Handle,
  type Lister,
  type NodeInfo,
  type PodInfo,
  SKIP,
  SUCCESS,
  StateKey,
  type Status,
  newPodInfo,
  status,
  termMatches,
} from '../../framework.ts';
import { TopologyCounts, mergeNamespaces, namespaceLabels, podMatchesAllAffinityTerms, termsKey } from './common.ts';
import type { NodePart, NodeSumsCache } from '../helper/node-sums.ts';

export const ERR_REASON_EXISTING_ANTI_AFFINITY = "node(s) didn't satisfy existing pods anti-affinity rules";
export const ERR_REASON_AFFINITY = "node(s) didn't match pod affinity rules";
export const ERR_REASON_ANTI_AFFINITY = "node(s) didn't match pod anti-affinity rules";

/** preFilterState */
export class AffinityPreFilterState {
  constructor(
    readonly podInfo: PodInfo,
    readonly namespaceLabels: Record<string, string> | undefined,
    public existingAntiAffinityCounts: TopologyCounts,
    public affinityCounts: TopologyCounts,
    public antiAffinityCounts: TopologyCounts,
  ) {}

  clone(): AffinityPreFilterState {
    return new AffinityPreFilterState(this.podInfo, this.namespaceLabels, this.existingAntiAffinityCounts.clone(), this.affinityCounts.clone(), this.antiAffinityCounts.clone());
  }

  /** updateWithPod: a pod added to (+1) or removed from (-1) a node during preemption or nominated-pod checks. */
  updateWithPod(pi: PodInfo, node: NodeInfo, delta: number): void {
    this.existingAntiAffinityCounts.updateWithAntiAffinityTerms(pi.requiredAntiAffinityTerms, this.podInfo.pod, this.namespaceLabels, node.node, delta);
    this.affinityCounts.updateWithAffinityTerms(this.podInfo.requiredAffinityTerms, pi.pod, node.node, delta);
    this.antiAffinityCounts.updateWithAntiAffinityTerms(this.podInfo.requiredAntiAffinityTerms, pi.pod, undefined, node.node, delta);
  }
}

export const preFilterKey = new StateKey<AffinityPreFilterState>('PreFilterInterPodAffinity');

/**
 * PreFilter. The counts are sums over nodes kept across cycles (`sums`): only
 * nodes that changed since the last cycle are counted again.
 */
export function affinityPreFilter(
  handle: Handle,
  namespaces: Lister<Namespace>,
  sums: NodeSumsCache,
  state: CycleState,
  pod: Stored<Pod>,
  allNodes: readonly NodeInfo[],
): { status: Status } {
  const parsed = newPodInfo(pod);
  if (parsed.parseError) return { status: status('UnschedulableAndUnresolvable', `parsing pod: ${parsed.parseError}`) };
  const podInfo: PodInfo = {
    ...parsed,
    requiredAffinityTerms: parsed.requiredAffinityTerms.map((t) => mergeNamespaces(t, namespaces)),
    requiredAntiAffinityTerms: parsed.requiredAntiAffinityTerms.map((t) => mergeNamespaces(t, namespaces)),
  };
  const nsLabels = namespaceLabels(namespaces, pod.metadata.namespace);

  const affTerms = podInfo.requiredAffinityTerms;
  const antiTerms = podInfo.requiredAntiAffinityTerms;
  const withAnti = handle.havePodsWithRequiredAntiAffinity();
  if (!withAnti.length && !affTerms.length && !antiTerms.length) return { status: SKIP };
  // Existing pods' required anti-affinity terms that the incoming pod matches.
  const existingSums = sums.get(JSON.stringify(['existing-anti-affinity', pod.metadata.namespace, pod.metadata.labels ?? null, nsLabels ?? null]));
  existingSums.refresh(withAnti, (n, out) => {
    const labels = n.node.metadata.labels;
    if (!labels) return;
    for (const ep of n.podsWithRequiredAntiAffinity) {
      for (const t of ep.requiredAntiAffinityTerms) {
        if (Object.prototype.hasOwnProperty.call(labels, t.topologyKey) && termMatches(t, pod, nsLabels)) addToPart(out, t.topologyKey, labels[t.topologyKey]);
      }
    }
  });
  const existing = new TopologyCounts(existingSums);
  let affinity = new TopologyCounts();
  let anti = new TopologyCounts();
  if (affTerms.length || antiTerms.length) {
    // Existing pods matching the incoming pod's terms: affinity counts when a pod matches all terms, anti-affinity per term.
    const termsKey_ = JSON.stringify([termsKey(affTerms), termsKey(antiTerms)]);
    const affinitySums = sums.get(`affinity ${termsKey_}`);
    affinitySums.refresh(allNodes, (n, out) => {
      const labels = n.node.metadata.labels;
      if (!labels) return;
      for (const ep of n.pods.values()) {
        if (!podMatchesAllAffinityTerms(affTerms, ep.pod)) continue;
        for (const t of affTerms) if (Object.prototype.hasOwnProperty.call(labels, t.topologyKey)) addToPart(out, t.topologyKey, labels[t.topologyKey]);
      }
    }, handle);
    const antiSums = sums.get(`anti-affinity ${termsKey_}`);
    antiSums.refresh(allNodes, (n, out) => {
      const labels = n.node.metadata.labels;
      if (!labels) return;
      for (const ep of n.pods.values()) {
        for (const t of antiTerms) if (Object.prototype.hasOwnProperty.call(labels, t.topologyKey) && termMatches(t, ep.pod, undefined)) addToPart(out, t.topologyKey, labels[t.topologyKey]);
      }
    }, handle);
    affinity = new TopologyCounts(affinitySums);
    anti = new TopologyCounts(antiSums);
  }
  if (!existing.size && !affTerms.length && !antiTerms.length) return { status: SKIP };
  state.write(preFilterKey, new AffinityPreFilterState(podInfo, nsLabels, existing, affinity, anti));
  return { status: SUCCESS };
}

/** One more pod for a topology pair in a node's part. */
function addToPart(out: NodePart, key: string, value: string): void {
  out.keys.push(key);
  out.values.push(value);
  out.amounts.push(1);
}

function satisfyExistingPodsAntiAffinity(s: AffinityPreFilterState, node: NodeInfo): boolean {
  if (!s.existingAntiAffinityCounts.size) return true;
  const labels = node.node.metadata.labels ?? {};
  for (const k in labels) if (s.existingAntiAffinityCounts.get(k, labels[k]) > 0) return false;
  return true;
}

function satisfyPodAntiAffinity(s: AffinityPreFilterState, node: NodeInfo): boolean {
  if (!s.antiAffinityCounts.size) return true;
  const labels = node.node.metadata.labels ?? {};
  for (const t of s.podInfo.requiredAntiAffinityTerms) {
    if (Object.prototype.hasOwnProperty.call(labels, t.topologyKey) && s.antiAffinityCounts.get(t.topologyKey, labels[t.topologyKey]) > 0) return false;
  }
  return true;
}

function satisfyPodAffinity(s: AffinityPreFilterState, node: NodeInfo): boolean {
  const labels = node.node.metadata.labels ?? {};
  let podsExist = true;
  for (const t of s.podInfo.requiredAffinityTerms) {
    // Every topology label must exist on the node.
    if (!Object.prototype.hasOwnProperty.call(labels, t.topologyKey)) return false;
    if (s.affinityCounts.get(t.topologyKey, labels[t.topologyKey]) <= 0) podsExist = false;
  }
  if (podsExist) return true;
  // The first pod of a group with affinity to itself may go anywhere its topology labels exist.
  return s.affinityCounts.size === 0 && podMatchesAllAffinityTerms(s.podInfo.requiredAffinityTerms, s.podInfo.pod);
}

export function affinityFilter(s: AffinityPreFilterState | undefined, node: NodeInfo): Status {
  if (!s) return SUCCESS;
  if (!satisfyPodAffinity(s, node)) return status('UnschedulableAndUnresolvable', ERR_REASON_AFFINITY);
  if (!satisfyPodAntiAffinity(s, node)) return status('Unschedulable', ERR_REASON_ANTI_AFFINITY);
  if (!satisfyExistingPodsAntiAffinity(s, node)) return status('Unschedulable', ERR_REASON_EXISTING_ANTI_AFFINITY);
  return SUCCESS;
}

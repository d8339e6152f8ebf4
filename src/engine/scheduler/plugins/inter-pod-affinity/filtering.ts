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
} from '../../framework.ts';
import { TopologyCounts, mergeNamespaces, namespaceLabels, podMatchesAllAffinityTerms } from './common.ts';

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

export function affinityPreFilter(handle: Handle, namespaces: Lister<Namespace>, state: CycleState, pod: Stored<Pod>, allNodes: readonly NodeInfo[]): { status: Status } {
  const parsed = newPodInfo(pod);
  if (parsed.parseError) return { status: status('UnschedulableAndUnresolvable', `parsing pod: ${parsed.parseError}`) };
  const podInfo: PodInfo = {
    ...parsed,
    requiredAffinityTerms: parsed.requiredAffinityTerms.map((t) => mergeNamespaces(t, namespaces)),
    requiredAntiAffinityTerms: parsed.requiredAntiAffinityTerms.map((t) => mergeNamespaces(t, namespaces)),
  };
  const nsLabels = namespaceLabels(namespaces, pod.metadata.namespace);

  const existing = new TopologyCounts();
  for (const n of handle.havePodsWithRequiredAntiAffinity()) {
    for (const ep of n.podsWithRequiredAntiAffinity) existing.updateWithAntiAffinityTerms(ep.requiredAntiAffinityTerms, pod, nsLabels, n.node, 1);
  }
  const affinity = new TopologyCounts();
  const anti = new TopologyCounts();
  if (podInfo.requiredAffinityTerms.length || podInfo.requiredAntiAffinityTerms.length) {
    for (const n of allNodes) {
      for (const ep of n.pods.values()) {
        affinity.updateWithAffinityTerms(podInfo.requiredAffinityTerms, ep.pod, n.node, 1);
        anti.updateWithAntiAffinityTerms(podInfo.requiredAntiAffinityTerms, ep.pod, undefined, n.node, 1);
      }
    }
  }
  if (!existing.size && !podInfo.requiredAffinityTerms.length && !podInfo.requiredAntiAffinityTerms.length) return { status: SKIP };
  state.write(preFilterKey, new AffinityPreFilterState(podInfo, nsLabels, existing, affinity, anti));
  return { status: SUCCESS };
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

/**
 * InterPodAffinity PreScore, Score and NormalizeScore: weights per topology
 * pair from the incoming pod's preferred terms matching existing pods, and
 * (symmetry) from existing pods' required affinity (hardPodAffinityWeight)
 * and preferred terms matching the incoming pod.
 */
import type { Namespace, Node, Pod, Stored } from '../../../api/types.ts';
import {
  type AffinityTerm,
  type CycleState,
  type Handle,
  type Lister,
  MAX_NODE_SCORE,
  type NodeInfo,
  type NodeScore,
  type PodInfo,
  SKIP,
  SUCCESS,
  StateKey,
  type Status,
  type WeightedAffinityTerm,
  newPodInfo,
  status,
  termMatches,
} from '../../framework.ts';
import { mergeNamespaces, namespaceLabels, termsKey } from './common.ts';
import type { NodePart, NodeSumsCache } from '../helper/node-sums.ts';

/** scoreMap: topology key -> value -> score. */
export type ScoreMap = Map<string, Map<string, number>>;

interface PreScoreState {
  topologyScore: ScoreMap;
}

export const preScoreKey = new StateKey<PreScoreState>('PreScoreInterPodAffinity');

/** A term's weight for the node's topology pair, when the pod matches the term and the node has the label. */
function processTerm(out: NodePart, term: AffinityTerm, weight: number, pod: Pod, nsLabels: Record<string, string> | undefined, node: Pick<Node, 'metadata'>, multiplier: number): void {
  if (!termMatches(term, pod, nsLabels)) return;
  const labels = node.metadata.labels;
  if (!labels || !Object.prototype.hasOwnProperty.call(labels, term.topologyKey)) return;
  out.keys.push(term.topologyKey);
  out.values.push(labels[term.topologyKey]);
  // int32 arithmetic of weight * multiplier, added as int64.
  out.amounts.push(weight * multiplier);
}

function processTerms(out: NodePart, terms: readonly WeightedAffinityTerm[], pod: Pod, nsLabels: Record<string, string> | undefined, node: Pick<Node, 'metadata'>, multiplier: number): void {
  for (const t of terms) processTerm(out, t, t.weight, pod, nsLabels, node, multiplier);
}

export interface ScoringArgs {
  hardPodAffinityWeight: number;
  ignorePreferredTermsOfExistingPods: boolean;
}

/** PreScore. The weights per topology pair are sums over nodes kept across cycles (`sums`). */
export function affinityPreScore(
  args: ScoringArgs,
  handle: Handle,
  namespaces: Lister<Namespace>,
  sums: NodeSumsCache,
  state: CycleState,
  pod: Stored<Pod>,
  nodes: readonly NodeInfo[],
): Status {
  if (!nodes.length) return SKIP;
  const a = pod.spec.affinity;
  const hasConstraints = !!a?.podAffinity?.preferredDuringSchedulingIgnoredDuringExecution?.length || !!a?.podAntiAffinity?.preferredDuringSchedulingIgnoredDuringExecution?.length;
  if (args.ignorePreferredTermsOfExistingPods && !hasConstraints) return SKIP;
  // Without preferred terms of its own, only nodes with pods that have affinity matter; none, nothing to score.
  if (!hasConstraints && !handle.havePodsWithAffinity().length) return SKIP;
  const parsed = newPodInfo(pod);
  if (parsed.parseError) return status('Error', `failed to parse pod: ${parsed.parseError}`);
  const podInfo: PodInfo = {
    ...parsed,
    preferredAffinityTerms: parsed.preferredAffinityTerms.map((t) => mergeNamespaces(t, namespaces)),
    preferredAntiAffinityTerms: parsed.preferredAntiAffinityTerms.map((t) => mergeNamespaces(t, namespaces)),
  };
  const nsLabels = namespaceLabels(namespaces, pod.metadata.namespace);
  // Unless the incoming pod has preferred terms, only nodes with pods that have affinity matter.
  const all = hasConstraints ? handle.nodes() : handle.havePodsWithAffinity();
  const kept = sums.get(
    JSON.stringify([
      'score',
      hasConstraints,
      args.hardPodAffinityWeight,
      pod.metadata.namespace,
      pod.metadata.labels ?? null,
      nsLabels ?? null,
      termsKey(podInfo.preferredAffinityTerms),
      termsKey(podInfo.preferredAntiAffinityTerms),
    ]),
  );
  kept.refresh(all, (n, out) => {
    const node = n.node;
    if (!node.metadata.labels || !Object.keys(node.metadata.labels).length) return;
    const pods = hasConstraints ? n.pods.values() : n.podsWithAffinity;
    for (const ep of pods) processExistingPod(out, args, podInfo, nsLabels, ep, node, pod);
  }, handle);
  if (!kept.size) return SKIP;
  const m: ScoreMap = new Map();
  kept.forEach((sum, key, value) => {
    let byValue = m.get(key);
    if (!byValue) m.set(key, (byValue = new Map()));
    byValue.set(value, sum);
  });
  state.write(preScoreKey, { topologyScore: m });
  return SUCCESS;
}

function processExistingPod(
  out: NodePart,
  args: ScoringArgs,
  incoming: PodInfo,
  nsLabels: Record<string, string> | undefined,
  existing: PodInfo,
  node: Pick<Node, 'metadata'>,
  pod: Pod,
): void {
  processTerms(out, incoming.preferredAffinityTerms, existing.pod, undefined, node, 1);
  processTerms(out, incoming.preferredAntiAffinityTerms, existing.pod, undefined, node, -1);
  if (args.hardPodAffinityWeight > 0) for (const t of existing.requiredAffinityTerms) processTerm(out, t, args.hardPodAffinityWeight, pod, nsLabels, node, 1);
  processTerms(out, existing.preferredAffinityTerms, pod, nsLabels, node, 1);
  processTerms(out, existing.preferredAntiAffinityTerms, pod, nsLabels, node, -1);
}

export function affinityScore(state: CycleState, node: NodeInfo): number {
  const s = state.read(preScoreKey);
  if (!s) return 0;
  const labels = node.node.metadata.labels ?? {};
  let score = 0;
  for (const [key, values] of s.topologyScore) if (Object.prototype.hasOwnProperty.call(labels, key)) score += values.get(labels[key]) ?? 0;
  return score;
}

export function affinityNormalize(state: CycleState, scores: NodeScore[]): void {
  const s = state.read(preScoreKey);
  if (!s || !s.topologyScore.size) return;
  let min = Infinity;
  let max = -Infinity;
  for (const x of scores) {
    if (x.score > max) max = x.score;
    if (x.score < min) min = x.score;
  }
  const diff = max - min;
  for (const x of scores) x.score = diff > 0 ? Math.trunc(MAX_NODE_SCORE * ((x.score - min) / diff)) : 0;
}

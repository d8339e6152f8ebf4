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
import { mergeNamespaces, namespaceLabels } from './common.ts';

/** scoreMap: topology key -> value -> score. */
export type ScoreMap = Map<string, Map<string, number>>;

interface PreScoreState {
  topologyScore: ScoreMap;
}

export const preScoreKey = new StateKey<PreScoreState>('PreScoreInterPodAffinity');

function processTerm(m: ScoreMap, term: AffinityTerm, weight: number, pod: Pod, nsLabels: Record<string, string> | undefined, node: Pick<Node, 'metadata'>, multiplier: number): void {
  if (!termMatches(term, pod, nsLabels)) return;
  const labels = node.metadata.labels ?? {};
  if (!Object.prototype.hasOwnProperty.call(labels, term.topologyKey)) return;
  let byValue = m.get(term.topologyKey);
  if (!byValue) m.set(term.topologyKey, (byValue = new Map()));
  const v = labels[term.topologyKey];
  // int32 arithmetic of weight * multiplier, added as int64.
  byValue.set(v, (byValue.get(v) ?? 0) + weight * multiplier);
}

function processTerms(m: ScoreMap, terms: readonly WeightedAffinityTerm[], pod: Pod, nsLabels: Record<string, string> | undefined, node: Pick<Node, 'metadata'>, multiplier: number): void {
  for (const t of terms) processTerm(m, t, t.weight, pod, nsLabels, node, multiplier);
}

export interface ScoringArgs {
  hardPodAffinityWeight: number;
  ignorePreferredTermsOfExistingPods: boolean;
}

export function affinityPreScore(args: ScoringArgs, handle: Handle, namespaces: Lister<Namespace>, state: CycleState, pod: Stored<Pod>, nodes: readonly NodeInfo[]): Status {
  if (!nodes.length) return SKIP;
  const a = pod.spec.affinity;
  const hasConstraints = !!a?.podAffinity?.preferredDuringSchedulingIgnoredDuringExecution?.length || !!a?.podAntiAffinity?.preferredDuringSchedulingIgnoredDuringExecution?.length;
  if (args.ignorePreferredTermsOfExistingPods && !hasConstraints) return SKIP;
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
  const m: ScoreMap = new Map();
  let any = false;
  for (const n of all) {
    const node = n.node;
    if (!node.metadata.labels || !Object.keys(node.metadata.labels).length) continue;
    const pods = hasConstraints ? n.pods.values() : n.podsWithAffinity;
    for (const ep of pods) {
      processExistingPod(m, args, podInfo, nsLabels, ep, node, pod);
      any = true;
    }
  }
  if (!any || !m.size) return SKIP;
  state.write(preScoreKey, { topologyScore: m });
  return SUCCESS;
}

function processExistingPod(
  m: ScoreMap,
  args: ScoringArgs,
  incoming: PodInfo,
  nsLabels: Record<string, string> | undefined,
  existing: PodInfo,
  node: Pick<Node, 'metadata'>,
  pod: Pod,
): void {
  processTerms(m, incoming.preferredAffinityTerms, existing.pod, undefined, node, 1);
  processTerms(m, incoming.preferredAntiAffinityTerms, existing.pod, undefined, node, -1);
  if (args.hardPodAffinityWeight > 0) for (const t of existing.requiredAffinityTerms) processTerm(m, t, args.hardPodAffinityWeight, pod, nsLabels, node, 1);
  processTerms(m, existing.preferredAffinityTerms, pod, nsLabels, node, 1);
  processTerms(m, existing.preferredAntiAffinityTerms, pod, nsLabels, node, -1);
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

/**
 * PodTopologySpread PreScore, Score and NormalizeScore for soft
 * (ScheduleAnyway) constraints, the system defaults included: a node scores
 * the matching pods of its domains weighted by log(domains + 2), plus
 * maxSkew - 1; fewer is better after normalization.
 */
import type { Pod, Stored } from '../../../api/types.ts';
import { type CycleState, MAX_NODE_SCORE, type NodeInfo, type NodeScore, StateKey } from '../../framework.ts';
import { type Constraint, LABEL_HOSTNAME, countPodsMatchSelector, nodeHasAllKeys, nodeIncluded } from './common.ts';

export interface SpreadPreScoreState {
  constraints: Constraint[];
  /** Nodes missing a constraint's topology key: scored 0. */
  ignoredNodes: Set<string>;
  /** Per constraint: domain value -> matching pods (hostname domains are counted at Score). */
  topologyValueToPodCounts: Array<Map<string, number>>;
  topologyNormalizingWeight: number[];
}

export const preScoreKey = new StateKey<SpreadPreScoreState>('PreScorePodTopologySpread');

/** topologyNormalizingWeight: log(size + 2). */
const normalizingWeight = (size: number) => Math.log(size + 2);

/** scoreForCount: count * weight + (maxSkew - 1). */
const scoreForCount = (cnt: number, maxSkew: number, w: number) => cnt * w + (maxSkew - 1);

export function spreadPreScoreState(
  pod: Stored<Pod>,
  constraints: Constraint[],
  filtered: readonly NodeInfo[],
  allNodes: readonly NodeInfo[],
  requireAllTopologies: boolean,
): SpreadPreScoreState {
  const s: SpreadPreScoreState = {
    constraints,
    ignoredNodes: new Set(),
    topologyValueToPodCounts: constraints.map(() => new Map()),
    topologyNormalizingWeight: [],
  };
  const topoSize = constraints.map(() => 0);
  for (const n of filtered) {
    const labels = n.node.metadata.labels ?? {};
    if (requireAllTopologies && !nodeHasAllKeys(labels, constraints)) {
      s.ignoredNodes.add(n.name);
      continue;
    }
    constraints.forEach((c, i) => {
      if (c.topologyKey === LABEL_HOSTNAME) return;
      const v = labels[c.topologyKey] ?? '';
      if (!s.topologyValueToPodCounts[i].has(v)) {
        s.topologyValueToPodCounts[i].set(v, 0);
        topoSize[i]++;
      }
    });
  }
  s.topologyNormalizingWeight = constraints.map((c, i) => normalizingWeight(c.topologyKey === LABEL_HOSTNAME ? filtered.length - s.ignoredNodes.size : topoSize[i]));
  const ns = pod.metadata.namespace;
  for (const n of allNodes) {
    const labels = n.node.metadata.labels ?? {};
    if (requireAllTopologies && !nodeHasAllKeys(labels, constraints)) continue;
    constraints.forEach((c, i) => {
      if (!nodeIncluded(c, pod, n.node)) return;
      const v = labels[c.topologyKey] ?? '';
      const m = s.topologyValueToPodCounts[i];
      // Only domains of candidate nodes are counted; hostname domains are counted at Score.
      if (!m.has(v)) return;
      m.set(v, m.get(v)! + countPodsMatchSelector(n, c.selector, ns));
    });
  }
  return s;
}

export function spreadScore(state: CycleState, pod: Pod, node: NodeInfo): number {
  const s = state.read(preScoreKey);
  if (!s || s.ignoredNodes.has(node.name)) return 0;
  const labels = node.node.metadata.labels ?? {};
  let score = 0;
  s.constraints.forEach((c, i) => {
    if (!Object.prototype.hasOwnProperty.call(labels, c.topologyKey)) return;
    const cnt = c.topologyKey === LABEL_HOSTNAME ? countPodsMatchSelector(node, c.selector, pod.metadata.namespace) : (s.topologyValueToPodCounts[i].get(labels[c.topologyKey]) ?? 0);
    score += scoreForCount(cnt, c.maxSkew, s.topologyNormalizingWeight[i]);
  });
  // math.Round: half away from zero (scores are never negative).
  return Math.round(score);
}

export function spreadNormalize(state: CycleState, scores: NodeScore[]): void {
  const s = state.read(preScoreKey);
  if (!s) return;
  let min = Number.MAX_SAFE_INTEGER;
  let max = 0;
  const invalid = new Set<NodeScore>();
  for (const x of scores) {
    if (s.ignoredNodes.has(x.name)) {
      invalid.add(x);
      continue;
    }
    if (x.score < min) min = x.score;
    if (x.score > max) max = x.score;
  }
  for (const x of scores) {
    if (invalid.has(x)) x.score = 0;
    else if (max === 0) x.score = MAX_NODE_SCORE;
    else x.score = Math.trunc((MAX_NODE_SCORE * (max + min - x.score)) / max);
  }
}

/**
 * NodeResourcesBalancedAllocation (Score): prefers nodes whose cpu and memory
 * would be used in similar proportions with the pod placed: 100 * (1 - the
 * standard deviation of the requested fractions). Best-effort pods are not
 * scored.
 */
import { type PreScorePlugin, type ScorePlugin, MAX_NODE_SCORE, SKIP, SUCCESS, StateKey, type PodInfo, allocatableOf, newPodInfo, requestedOf, scoresResource } from '../framework.ts';
import type { ResourceSpec } from './node-resources-fit.ts';

export const NODE_RESOURCES_BALANCED_ALLOCATION = 'NodeResourcesBalancedAllocation';
const key = new StateKey<PodInfo>('PreScoreNodeResourcesBalancedAllocation');

export function nodeResourcesBalancedAllocation(args: { resources?: ResourceSpec[] } = {}): PreScorePlugin & ScorePlugin {
  const resources = args.resources ?? [
    { name: 'cpu', weight: 1 },
    { name: 'memory', weight: 1 },
  ];
  // The requested fractions of one node, reused from node to node.
  const scratch = new Float64Array(resources.length);
  return {
    name: NODE_RESOURCES_BALANCED_ALLOCATION,
    preScore(state, pod) {
      const pi = newPodInfo(pod);
      // isBestEffortPod: nothing requested of the resources this plugin scores.
      if (!resources.some((r) => (pi.requests.get(r.name) ?? 0) > 0)) return SKIP;
      state.write(key, pi);
      return SUCCESS;
    },
    score(state, pod, node) {
      const pi = state.read(key) ?? newPodInfo(pod);
      const fractions = scratch;
      let n = 0;
      for (const r of resources) {
        const alloc = allocatableOf(node, r.name);
        if (alloc === 0 || !scoresResource(pi, r.name)) continue;
        const req = requestedOf(node, r.name) + (pi.requests.get(r.name) ?? 0);
        fractions[n++] = Math.min(1, req / alloc);
      }
      let std = 0;
      if (n === 2) std = Math.abs((fractions[0] - fractions[1]) / 2);
      else if (n > 2) {
        let sum = 0;
        for (let i = 0; i < n; i++) sum += fractions[i];
        const mean = sum / n;
        let sq = 0;
        for (let i = 0; i < n; i++) sq += (fractions[i] - mean) ** 2;
        std = Math.sqrt(sq / n);
      }
      return Math.trunc((1 - std) * MAX_NODE_SCORE);
    },
  };
}

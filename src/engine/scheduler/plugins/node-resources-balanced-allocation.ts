/**
 * NodeResourcesBalancedAllocation (Score): prefers nodes whose cpu and memory
 * would be used in similar proportions with the pod placed: 100 * (1 - the
 * standard deviation of the requested fractions). Best-effort pods are not
 * scored.
 */
import { type PreScorePlugin, type ScorePlugin, MAX_NODE_SCORE, SKIP, SUCCESS, StateKey, type PodInfo, newPodInfo, scoresResource } from '../framework.ts';
import type { ResourceSpec } from './node-resources-fit.ts';

export const NODE_RESOURCES_BALANCED_ALLOCATION = 'NodeResourcesBalancedAllocation';
const key = new StateKey<PodInfo>('PreScoreNodeResourcesBalancedAllocation');

export function nodeResourcesBalancedAllocation(args: { resources?: ResourceSpec[] } = {}): PreScorePlugin & ScorePlugin {
  const resources = args.resources ?? [
    { name: 'cpu', weight: 1 },
    { name: 'memory', weight: 1 },
  ];
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
      const fractions: number[] = [];
      for (const r of resources) {
        const alloc = node.allocatable.get(r.name) ?? 0;
        if (alloc === 0 || !scoresResource(pi, r.name)) continue;
        const req = (node.requested.get(r.name) ?? 0) + (pi.requests.get(r.name) ?? 0);
        fractions.push(Math.min(1, req / alloc));
      }
      let std = 0;
      if (fractions.length === 2) std = Math.abs((fractions[0] - fractions[1]) / 2);
      else if (fractions.length > 2) {
        const mean = fractions.reduce((a, b) => a + b, 0) / fractions.length;
        std = Math.sqrt(fractions.reduce((a, f) => a + (f - mean) ** 2, 0) / fractions.length);
      }
      return Math.trunc((1 - std) * MAX_NODE_SCORE);
    },
  };
}

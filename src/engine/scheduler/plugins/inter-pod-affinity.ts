/**
 * InterPodAffinity: Filter enforces required pod affinity and anti-affinity
 * (the incoming pod's terms, and existing pods' anti-affinity against it);
 * Score weighs preferred terms both ways and existing pods' required
 * affinity (hardPodAffinityWeight), normalized by min and max. Terms select
 * pods by labels in namespaces (a list, a namespaceSelector, or the pod's own).
 */
import { R } from '../../api/kinds.ts';
import type { Namespace, Node, Pod, Stored } from '../../api/types.ts';
import {
  Action,
  type EnqueueExtensions,
  type FilterPlugin,
  type Handle,
  type PreFilterPlugin,
  type PreScorePlugin,
  type ScorePlugin,
  SUCCESS,
  newPodInfo,
} from '../framework.ts';
import { podMatchesAllAffinityTerms } from './inter-pod-affinity/common.ts';
import { NodeSumsCache } from './helper/node-sums.ts';
import { affinityFilter, affinityPreFilter, preFilterKey } from './inter-pod-affinity/filtering.ts';
import { affinityNormalize, affinityPreScore, affinityScore } from './inter-pod-affinity/scoring.ts';

export const INTER_POD_AFFINITY = 'InterPodAffinity';

/** InterPodAffinityArgs */
export interface InterPodAffinityArgs {
  /** Score weight of existing pods' required affinity terms the incoming pod matches; 0..100, default 1. */
  hardPodAffinityWeight?: number;
  ignorePreferredTermsOfExistingPods?: boolean;
}

export function interPodAffinity(args: InterPodAffinityArgs, handle: Handle): PreFilterPlugin & FilterPlugin & PreScorePlugin & ScorePlugin & EnqueueExtensions {
  const namespaces = handle.lister<Namespace>(R.namespaces);
  const scoring = { hardPodAffinityWeight: args.hardPodAffinityWeight ?? 1, ignorePreferredTermsOfExistingPods: args.ignorePreferredTermsOfExistingPods ?? false };
  // Counts and weights over nodes, kept across cycles.
  const filterSums = new NodeSumsCache();
  const scoreSums = new NodeSumsCache();
  return {
    name: INTER_POD_AFFINITY,
    preFilter: (state, pod, nodes) => affinityPreFilter(handle, namespaces, filterSums, state, pod, nodes),
    preFilterExtensions: {
      addPod(state, _pod, toAdd, node) {
        state.read(preFilterKey)?.updateWithPod(toAdd, node, 1);
        return SUCCESS;
      },
      removePod(state, _pod, toRemove, node) {
        state.read(preFilterKey)?.updateWithPod(toRemove, node, -1);
        return SUCCESS;
      },
    },
    filter: (state, _pod, node) => affinityFilter(state.read(preFilterKey), node),
    preScore: (state, pod, nodes) => affinityPreScore(scoring, handle, namespaces, scoreSums, state, pod, nodes),
    score: (state, _pod, node) => affinityScore(state, node),
    normalizeScore: (state, _pod, scores) => affinityNormalize(state, scores),
    eventsToRegister: () => [
      {
        event: { resource: 'Pod', action: Action.Add | Action.UpdatePodLabel | Action.Delete },
        hint: (pod, old, now) => {
          const before = old as Stored<Pod> | undefined;
          const after = now as Stored<Pod> | undefined;
          if ((after && !after.spec.nodeName) || (before && !before.spec.nodeName)) return 'QueueSkip';
          const pi = newPodInfo(pod);
          const terms = pi.requiredAffinityTerms;
          const antiTerms = pi.requiredAntiAffinityTerms;
          if (before && after) {
            if (!podMatchesAllAffinityTerms(terms, before) && podMatchesAllAffinityTerms(terms, after)) return 'Queue';
            if (podMatchesAllAffinityTerms(antiTerms, before) && !podMatchesAllAffinityTerms(antiTerms, after)) return 'Queue';
            return 'QueueSkip';
          }
          if (after) return podMatchesAllAffinityTerms(terms, after) ? 'Queue' : 'QueueSkip';
          // A deleted pod helps if it matched our anti-affinity or its own anti-affinity may have kept us out.
          if (podMatchesAllAffinityTerms(antiTerms, before!)) return 'Queue';
          return newPodInfo(before!).requiredAntiAffinityTerms.length ? 'Queue' : 'QueueSkip';
        },
      },
      {
        event: { resource: 'Node', action: Action.Add | Action.UpdateNodeLabel },
        hint: (pod, old, now) => {
          const o = (old as Stored<Node> | undefined)?.metadata.labels;
          const n = (now as Stored<Node>).metadata.labels ?? {};
          const has = (l: Record<string, string> | undefined, k: string) => !!l && Object.prototype.hasOwnProperty.call(l, k);
          const pi = newPodInfo(pod);
          for (const t of pi.requiredAffinityTerms) {
            const k = t.topologyKey;
            if (!old) {
              if (has(n, k)) return 'Queue';
              continue;
            }
            if (!has(o, k) && has(n, k)) return 'Queue';
            if (has(o, k) && has(n, k) && o![k] !== n[k]) return 'Queue';
          }
          for (const t of pi.requiredAntiAffinityTerms) {
            const k = t.topologyKey;
            if (!old) return 'Queue';
            if (has(o, k) && !has(n, k)) return 'Queue';
            if (has(o, k) && has(n, k) && o![k] !== n[k]) return 'Queue';
          }
          return 'QueueSkip';
        },
      },
    ],
  };
}

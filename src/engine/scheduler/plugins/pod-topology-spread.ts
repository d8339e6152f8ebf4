/**
 * PodTopologySpread: Filter enforces DoNotSchedule constraints (maxSkew,
 * minDomains, nodeAffinityPolicy, nodeTaintsPolicy, matchLabelKeys); Score
 * prefers spreading for ScheduleAnyway constraints. Pods without constraints
 * that belong to a Service, ReplicaSet, StatefulSet or ReplicationController
 * get the default constraints (the system's: hostname maxSkew 3 and zone
 * maxSkew 5, ScheduleAnyway).
 */
import type { Node, Pod, Stored, TopologySpreadConstraint } from '../../api/types.ts';
import {
  Action,
  type EnqueueExtensions,
  type FilterPlugin,
  type Handle,
  type PreFilterPlugin,
  type PreScorePlugin,
  type ScorePlugin,
  SKIP,
  SUCCESS,
  status,
} from '../framework.ts';
import { type Constraint, SYSTEM_DEFAULT_CONSTRAINTS, defaultSelector, nodeHasAllKeys, parseConstraints, spreadListers, type SpreadListers } from './pod-topology-spread/common.ts';
import { preFilterKey, spreadFilter, spreadPreFilterState } from './pod-topology-spread/filtering.ts';
import { NodeSumsCache } from './helper/node-sums.ts';
import { preScoreKey, spreadNormalize, spreadPreScoreState, spreadScore } from './pod-topology-spread/scoring.ts';

export const POD_TOPOLOGY_SPREAD = 'PodTopologySpread';

/** PodTopologySpreadArgs */
export interface PodTopologySpreadArgs {
  defaultConstraints?: TopologySpreadConstraint[];
  /** System (the built-in defaults; the v1 default) or List (defaultConstraints). */
  defaultingType?: 'System' | 'List';
}

export function podTopologySpread(args: PodTopologySpreadArgs, handle: Handle): PreFilterPlugin & FilterPlugin & PreScorePlugin & ScorePlugin & EnqueueExtensions {
  const systemDefaulted = (args.defaultingType ?? 'System') === 'System';
  const defaults = systemDefaulted ? SYSTEM_DEFAULT_CONSTRAINTS : (args.defaultConstraints ?? []);
  const listers: SpreadListers | undefined = defaults.length ? spreadListers((t) => handle.lister(t)) : undefined;
  // Per-node counts of the hard constraints, kept across cycles.
  const counts = new NodeSumsCache();

  /** buildDefaultConstraints */
  const defaultConstraints = (pod: Pod, action: string): Constraint[] => {
    const cs = parseConstraints(defaults, pod.metadata.labels, action);
    if (!cs.length || !listers) return [];
    const selector = defaultSelector(pod, listers);
    if (!selector.requirements.length) return [];
    return cs.map((c) => ({ ...c, selector }));
  };
  /** getConstraints (action DoNotSchedule) and the soft ones of PreScore. */
  const constraintsOf = (pod: Pod, action: string): Constraint[] =>
    pod.spec.topologySpreadConstraints?.length ? parseConstraints(pod.spec.topologySpreadConstraints, pod.metadata.labels, action) : defaultConstraints(pod, action);

  return {
    name: POD_TOPOLOGY_SPREAD,
    preFilter(state, pod, nodes) {
      let constraints: Constraint[];
      try {
        constraints = constraintsOf(pod, 'DoNotSchedule');
      } catch (e) {
        return { status: status('Error', `get constraints from pod: ${(e as Error).message}`) };
      }
      if (!constraints.length) return { status: SKIP };
      state.write(preFilterKey, spreadPreFilterState(pod, constraints, nodes, counts, handle));
      return { status: SUCCESS };
    },
    preFilterExtensions: {
      addPod(state, pod, toAdd, node) {
        state.read(preFilterKey)?.updateWithPod(toAdd.pod, pod, node, 1);
        return SUCCESS;
      },
      removePod(state, pod, toRemove, node) {
        state.read(preFilterKey)?.updateWithPod(toRemove.pod, pod, node, -1);
        return SUCCESS;
      },
    },
    filter: (state, pod, node) => spreadFilter(state.read(preFilterKey), pod, node),
    preScore(state, pod, filtered) {
      const all = handle.nodes();
      if (!all.length) return SKIP;
      // Only non-system-default constraints require nodes to have every topology key.
      const requireAll = !!pod.spec.topologySpreadConstraints?.length || !systemDefaulted;
      let constraints: Constraint[];
      try {
        constraints = constraintsOf(pod, 'ScheduleAnyway');
      } catch (e) {
        return status('Error', `calculating preScoreState: ${(e as Error).message}`);
      }
      if (!constraints.length) return SKIP;
      state.write(preScoreKey, spreadPreScoreState(pod, constraints, filtered, all, requireAll));
      return SUCCESS;
    },
    score: (state, pod, node) => spreadScore(state, pod, node),
    normalizeScore: (state, _pod, scores) => spreadNormalize(state, scores),
    eventsToRegister: () => [
      {
        event: { resource: 'Pod', action: Action.Add | Action.UpdatePodLabel | Action.Delete },
        hint: (pod, old, now) => {
          const before = old as Stored<Pod> | undefined;
          const after = now as Stored<Pod> | undefined;
          // involvedInTopologySpreading: the pod itself, or an assigned pod of its namespace.
          const involved = (p: Stored<Pod>) => p.metadata.uid === pod.metadata.uid || (!!p.spec.nodeName && p.metadata.namespace === pod.metadata.namespace);
          if ((after && !involved(after)) || (before && !involved(before))) return 'QueueSkip';
          const constraints = constraintsOf(pod, 'DoNotSchedule');
          if (before && after) {
            if (before.metadata.uid === pod.metadata.uid) return 'Queue';
            return constraints.some((c) => c.selector.matches(before.metadata.labels) !== c.selector.matches(after.metadata.labels)) ? 'Queue' : 'QueueSkip';
          }
          const changed = (after ?? before)!;
          return constraints.some((c) => c.selector.matches(changed.metadata.labels)) ? 'Queue' : 'QueueSkip';
        },
      },
      {
        event: { resource: 'Node', action: Action.Add | Action.Delete | Action.UpdateNodeLabel | Action.UpdateNodeTaint },
        hint: (pod, old, now) => {
          const n = ((now ?? old) as Stored<Node>).metadata.labels;
          return nodeHasAllKeys(n, constraintsOf(pod, 'DoNotSchedule')) ? 'Queue' : 'QueueSkip';
        },
      },
    ],
  };
}

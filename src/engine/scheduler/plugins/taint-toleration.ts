/**
 * TaintToleration: Filter refuses nodes with NoSchedule or NoExecute taints
 * the pod does not tolerate; Score prefers nodes with fewer untolerated
 * PreferNoSchedule taints (normalized in reverse).
 */
import { findUntoleratedTaint, taintTolerated } from '../../api/taints.ts';
import type { Node, Pod, Stored, Taint, Toleration } from '../../api/types.ts';
import {
  Action,
  type EnqueueExtensions,
  type FilterPlugin,
  type PreScorePlugin,
  type ScorePlugin,
  MAX_NODE_SCORE,
  SUCCESS,
  StateKey,
  defaultNormalizeScore,
  status,
} from '../framework.ts';

export const TAINT_TOLERATION = 'TaintToleration';
const preScoreKey = new StateKey<Toleration[]>('PreScoreTaintToleration');

/** helper.DoNotScheduleTaintsFilterFunc */
const doNotSchedule = (t: Taint) => t.effect === 'NoSchedule' || t.effect === 'NoExecute';

export function taintToleration(): FilterPlugin & PreScorePlugin & ScorePlugin & EnqueueExtensions {
  return {
    name: TAINT_TOLERATION,
    filter(_state, pod, node) {
      if (!node.taints.length) return SUCCESS;
      const taint = findUntoleratedTaint(node.taints, pod.spec.tolerations, doNotSchedule);
      if (!taint) return SUCCESS;
      return status('UnschedulableAndUnresolvable', `node(s) had untolerated taint {${taint.key}: ${taint.value ?? ''}}`);
    },
    preScore(state, pod) {
      // Only tolerations that could tolerate PreferNoSchedule taints matter for scoring.
      state.write(preScoreKey, (pod.spec.tolerations ?? []).filter((t) => !t.effect || t.effect === 'PreferNoSchedule'));
      return SUCCESS;
    },
    score(state, pod, node) {
      const tolerations = state.read(preScoreKey) ?? (pod.spec.tolerations ?? []).filter((t) => !t.effect || t.effect === 'PreferNoSchedule');
      let n = 0;
      for (const t of node.taints) if (t.effect === 'PreferNoSchedule' && !taintTolerated(t, tolerations)) n++;
      return n;
    },
    normalizeScore(_state, _pod, scores) {
      defaultNormalizeScore(MAX_NODE_SCORE, true, scores);
    },
    eventsToRegister: () => [
      {
        event: { resource: 'Node', action: Action.Add | Action.UpdateNodeTaint },
        hint: (pod, old, now) => {
          const was = old ? !!findUntoleratedTaint((old as Stored<Node>).spec?.taints, pod.spec.tolerations, doNotSchedule) : true;
          const is = !!findUntoleratedTaint((now as Stored<Node>).spec?.taints, pod.spec.tolerations, doNotSchedule);
          return was && !is ? 'Queue' : 'QueueSkip';
        },
      },
      {
        event: { resource: 'Pod', action: Action.UpdatePodToleration },
        hint: (pod, _old, now) => ((now as Stored<Pod>).metadata.uid === pod.metadata.uid ? 'Queue' : 'QueueSkip'),
      },
    ],
  };
}

/**
 * NodeUnschedulable (Filter): a cordoned node (spec.unschedulable) takes only
 * pods that tolerate node.kubernetes.io/unschedulable:NoSchedule.
 */
import { taintTolerated } from '../../api/taints.ts';
import type { Node, Pod, Stored, Taint } from '../../api/types.ts';
import { Action, type EnqueueExtensions, type FilterPlugin, SUCCESS, status } from '../framework.ts';

export const NODE_UNSCHEDULABLE = 'NodeUnschedulable';
export const ERR_REASON_UNSCHEDULABLE = 'node(s) were unschedulable';
/** One status for every cordoned node (statuses are never changed). */
const UNSCHEDULABLE = status('UnschedulableAndUnresolvable', ERR_REASON_UNSCHEDULABLE);
const UNSCHEDULABLE_TAINT: Taint = { key: 'node.kubernetes.io/unschedulable', effect: 'NoSchedule' };

export function nodeUnschedulable(): FilterPlugin & EnqueueExtensions {
  return {
    name: NODE_UNSCHEDULABLE,
    filter(_state, pod, node) {
      if (!node.unschedulable) return SUCCESS;
      if (taintTolerated(UNSCHEDULABLE_TAINT, pod.spec.tolerations)) return SUCCESS;
      return UNSCHEDULABLE;
    },
    eventsToRegister: () => [
      {
        event: { resource: 'Node', action: Action.Add | Action.UpdateNodeTaint },
        // Queue when the node turned schedulable (or arrived schedulable).
        hint: (_pod, old, now) => {
          const wasSchedulable = old ? !(old as Stored<Node>).spec?.unschedulable : false;
          return !wasSchedulable && !(now as Stored<Node>).spec?.unschedulable ? 'Queue' : 'QueueSkip';
        },
      },
      {
        event: { resource: 'Pod', action: Action.UpdatePodToleration },
        hint: (pod, _old, now) => {
          const p = now as Stored<Pod>;
          return p.metadata.uid === pod.metadata.uid && taintTolerated(UNSCHEDULABLE_TAINT, p.spec.tolerations) ? 'Queue' : 'QueueSkip';
        },
      },
    ],
  };
}

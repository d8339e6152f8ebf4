/**
 * NodeUnschedulable (Filter): a cordoned node (spec.unschedulable) takes only
 * pods that tolerate node.kubernetes.io/unschedulable:NoSchedule.
 */
import { toleratesTaint } from '../../api/taints.ts';
import type { Taint } from '../../api/types.ts';
import { type EnqueueExtensions, type FilterPlugin, SUCCESS, status } from '../framework.ts';

export const NODE_UNSCHEDULABLE = 'NodeUnschedulable';
export const ERR_REASON_UNSCHEDULABLE = 'node(s) were unschedulable';

export function nodeUnschedulable(): FilterPlugin & EnqueueExtensions {
  const taint: Taint = { key: 'node.kubernetes.io/unschedulable', effect: 'NoSchedule' };
  return {
    name: NODE_UNSCHEDULABLE,
    filter(_state, pod, node) {
      if (!node.node.spec?.unschedulable) return SUCCESS;
      if ((pod.spec.tolerations ?? []).some((t) => toleratesTaint(t, taint))) return SUCCESS;
      return status('UnschedulableAndUnresolvable', ERR_REASON_UNSCHEDULABLE);
    },
    events: () => ['NodeAdd', 'NodeUpdateTaint'],
  };
}

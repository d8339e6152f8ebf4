/**
 * NodeName (Filter): a pod that names a node in spec.nodeName fits only that node.
 */
import type { Node, Stored } from '../../api/types.ts';
import { Action, type EnqueueExtensions, type FilterPlugin, SUCCESS, status } from '../framework.ts';

export const NODE_NAME = 'NodeName';
export const ERR_REASON_NODE_NAME = "node(s) didn't match the requested node name";

/** One status for every other node (statuses are never changed). */
const OTHER_NODE = status('UnschedulableAndUnresolvable', ERR_REASON_NODE_NAME);

export function nodeName(): FilterPlugin & EnqueueExtensions {
  return {
    name: NODE_NAME,
    filter(_state, pod, node) {
      if (!pod.spec.nodeName || pod.spec.nodeName === node.name) return SUCCESS;
      return OTHER_NODE;
    },
    eventsToRegister: () => [
      {
        event: { resource: 'Node', action: Action.Add },
        hint: (pod, _old, now) => (!pod.spec.nodeName || pod.spec.nodeName === (now as Stored<Node>).metadata.name ? 'Queue' : 'QueueSkip'),
      },
    ],
  };
}

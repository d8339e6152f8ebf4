/**
 * NodePorts: Filter refuses nodes where a host port the pod asks for (of its
 * containers and sidecars) is taken for the same protocol on the same or a
 * wildcard address. PreFilter skips pods without host ports.
 */
import type { Pod, Stored } from '../../api/types.ts';
import {
  Action,
  type EnqueueExtensions,
  type FilterPlugin,
  type HostPort,
  type PreFilterPlugin,
  NodeInfo,
  SKIP,
  SUCCESS,
  StateKey,
  newPodInfo,
  status,
} from '../framework.ts';

export const NODE_PORTS = 'NodePorts';
export const ERR_REASON_NODE_PORTS = "node(s) didn't have free ports for the requested pod ports";
/** One status for every node without the ports (statuses are never changed). */
const PORTS_TAKEN = status('Unschedulable', ERR_REASON_NODE_PORTS);
const preFilterKey = new StateKey<HostPort[]>('PreFilterNodePorts');

function fitsPorts(want: readonly HostPort[], node: Pick<NodeInfo, 'portInUse'>): boolean {
  for (const p of want) if (node.portInUse(p)) return false;
  return true;
}

export function nodePorts(): PreFilterPlugin & FilterPlugin & EnqueueExtensions {
  return {
    name: NODE_PORTS,
    preFilter(state, pod) {
      const ports = newPodInfo(pod).hostPorts;
      if (!ports.length) return { status: SKIP };
      state.write(preFilterKey, ports);
      return { status: SUCCESS };
    },
    filter(state, pod, node) {
      const want = state.read(preFilterKey) ?? newPodInfo(pod).hostPorts;
      return fitsPorts(want, node) ? SUCCESS : PORTS_TAKEN;
    },
    eventsToRegister: () => [
      {
        event: { resource: 'Pod', action: Action.Delete },
        hint: (pod, old) => {
          const deleted = old as Stored<Pod>;
          if (!deleted.spec.nodeName && !deleted.status?.nominatedNodeName) return 'QueueSkip';
          const freed = newPodInfo(deleted).hostPorts;
          if (!freed.length) return 'QueueSkip';
          const inUse = new NodeInfo({ apiVersion: 'v1', kind: 'Node', metadata: { name: '', uid: '', resourceVersion: '', creationTimestamp: '' } });
          inUse.addPod({ ...newPodInfo(deleted), requests: new Map(), claims: [] });
          return fitsPorts(newPodInfo(pod).hostPorts, inUse) ? 'QueueSkip' : 'Queue';
        },
      },
      { event: { resource: 'Node', action: Action.Add } },
    ],
  };
}

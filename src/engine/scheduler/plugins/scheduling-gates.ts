/**
 * SchedulingGates (PreEnqueue): a pod with spec.schedulingGates waits outside
 * activeQ until every gate is removed; removing the last gate is the event
 * that lets it in.
 */
import type { Pod, Stored } from '../../api/types.ts';
import { Action, type EnqueueExtensions, type PreEnqueuePlugin, SUCCESS, status } from '../framework.ts';

export const SCHEDULING_GATES = 'SchedulingGates';

export function schedulingGates(): PreEnqueuePlugin & EnqueueExtensions {
  return {
    name: SCHEDULING_GATES,
    preEnqueue(pod) {
      const gates = pod.spec.schedulingGates ?? [];
      if (!gates.length) return SUCCESS;
      return status('UnschedulableAndUnresolvable', `waiting for scheduling gates: [${gates.map((g) => g.name).join(' ')}]`);
    },
    eventsToRegister: () => [
      {
        event: { resource: 'Pod', action: Action.UpdatePodSchedulingGatesEliminated },
        // Only the pod's own gates can let it in.
        hint: (pod, _old, now) => ((now as Stored<Pod> | undefined)?.metadata.uid === pod.metadata.uid ? 'Queue' : 'QueueSkip'),
      },
    ],
  };
}

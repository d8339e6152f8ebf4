/**
 * PrioritySort (QueueSort): higher spec.priority first, then the pod that
 * entered the queue earlier.
 */
import { type QueueSortPlugin, podPriority } from '../framework.ts';

export const PRIORITY_SORT = 'PrioritySort';

export function prioritySort(): QueueSortPlugin {
  return {
    name: PRIORITY_SORT,
    less(a, b) {
      const pa = podPriority(a.pod);
      const pb = podPriority(b.pod);
      return pa > pb || (pa === pb && a.timestamp < b.timestamp);
    },
  };
}

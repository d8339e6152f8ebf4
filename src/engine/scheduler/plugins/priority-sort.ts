/**
 * PrioritySort (QueueSort): higher spec.priority first, then the pod that
 * entered the queue earlier.
 */
import type { QueueSortPlugin } from '../framework.ts';

export const PRIORITY_SORT = 'PrioritySort';

export function prioritySort(): QueueSortPlugin {
  return {
    name: PRIORITY_SORT,
    less(a, b) {
      const pa = a.pod.spec.priority ?? 0;
      const pb = b.pod.spec.priority ?? 0;
      return pa > pb || (pa === pb && a.timestamp < b.timestamp);
    },
  };
}

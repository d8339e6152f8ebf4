/**
 * Preemption, after scheduler_perf's PreemptionBasic/PreemptionAsync at 5000
 * nodes: 20000 low-priority pods (900m each, four per node, terminationGracePeriodSeconds 0),
 * then 5000 high-priority pods (3 CPU, priority 10) that each preempt three
 * of them (upstream floor 570 pods/s). The measured pods are the high-priority ones.
 */
import { podTemplate, runWorkload } from './_scheduler-perf.ts';

export async function run(args: string[]): Promise<void> {
  await runWorkload(
    {
      name: 'preemption',
      nodes: 5000,
      namespaces: ['sched-0', 'sched-1'],
      init: [{ count: 20000, namespace: 'sched-0', pod: () => podTemplate('pod-', { terminationGracePeriodSeconds: 0 }, undefined, '900m', '500Mi') }],
      measure: { count: 5000, namespace: 'sched-1', pod: () => podTemplate('pod-', { priority: 10 }, undefined, '3000m', '500Mi') },
    },
    args,
  );
}

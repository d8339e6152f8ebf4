/** SchedulingBasic 5000Nodes_10000Pods: 1000 initial and 10000 measured pods of pod-default (upstream floor 680 pods/s). */
import { podTemplate, runWorkload } from './_scheduler-perf.ts';

export async function run(args: string[]): Promise<void> {
  await runWorkload(
    {
      name: 'scheduling-basic',
      nodes: 5000,
      init: [{ count: 1000, pod: () => podTemplate('pod-') }],
      measure: { count: 10000, pod: () => podTemplate('pod-') },
    },
    args,
  );
}

/** SchedulingNodeAffinity 5000Nodes_10000Pods: nodes in zone1, pods requiring zone1 or zone2 (upstream floor 220 pods/s). */
import { podTemplate, runWorkload } from './_scheduler-perf.ts';

const affinity = {
  affinity: {
    nodeAffinity: {
      requiredDuringSchedulingIgnoredDuringExecution: {
        nodeSelectorTerms: [{ matchExpressions: [{ key: 'topology.kubernetes.io/zone', operator: 'In', values: ['zone1', 'zone2'] }] }],
      },
    },
  },
};

export async function run(args: string[]): Promise<void> {
  await runWorkload(
    {
      name: 'node-affinity',
      nodes: 5000,
      nodeLabels: () => ({ 'topology.kubernetes.io/zone': 'zone1' }),
      init: [{ count: 5000, pod: () => podTemplate('node-affinity-', affinity) }],
      measure: { count: 10000, pod: () => podTemplate('node-affinity-', affinity) },
    },
    args,
  );
}

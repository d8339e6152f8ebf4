/** SchedulingPodAffinity 5000Nodes_5000Pods: nodes in zone1, pods that want a "blue" pod in their zone (upstream floor 35 pods/s). */
import { podTemplate, runWorkload } from './_scheduler-perf.ts';

const affinity = {
  affinity: {
    podAffinity: {
      requiredDuringSchedulingIgnoredDuringExecution: [
        { labelSelector: { matchLabels: { color: 'blue' } }, topologyKey: 'topology.kubernetes.io/zone', namespaces: ['sched-1', 'sched-0'] },
      ],
    },
  },
};

export async function run(args: string[]): Promise<void> {
  await runWorkload(
    {
      name: 'pod-affinity',
      nodes: 5000,
      nodeLabels: () => ({ 'topology.kubernetes.io/zone': 'zone1' }),
      namespaces: ['sched-0', 'sched-1'],
      init: [{ count: 5000, namespace: 'sched-0', pod: () => podTemplate('affinity-pod-', affinity, { color: 'blue' }) }],
      measure: { count: 5000, namespace: 'sched-1', pod: () => podTemplate('affinity-pod-', affinity, { color: 'blue' }) },
    },
    args,
  );
}

/** SchedulingPodAntiAffinity 5000Nodes_2000Pods: pods that may not share a host with another "green" pod (upstream floor 60 pods/s). */
import { podTemplate, runWorkload } from './_scheduler-perf.ts';

const anti = {
  affinity: {
    podAntiAffinity: {
      requiredDuringSchedulingIgnoredDuringExecution: [
        { labelSelector: { matchLabels: { color: 'green' } }, topologyKey: 'kubernetes.io/hostname', namespaces: ['sched-1', 'sched-0'] },
      ],
    },
  },
};

export async function run(args: string[]): Promise<void> {
  await runWorkload(
    {
      name: 'pod-anti-affinity',
      nodes: 5000,
      namespaces: ['sched-0', 'sched-1'],
      init: [{ count: 1000, namespace: 'sched-0', pod: () => podTemplate('anti-affinity-pod-', anti, { color: 'green' }) }],
      measure: { count: 2000, namespace: 'sched-1', pod: () => podTemplate('anti-affinity-pod-', anti, { color: 'green' }) },
    },
    args,
  );
}

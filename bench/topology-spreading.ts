/** TopologySpreading 5000Nodes_5000Pods: three zones, pods with a hard zone spread (maxSkew 5) (upstream floor 460 pods/s). */
import { podTemplate, runWorkload } from './_scheduler-perf.ts';

const spread = {
  topologySpreadConstraints: [{ maxSkew: 5, topologyKey: 'topology.kubernetes.io/zone', whenUnsatisfiable: 'DoNotSchedule', labelSelector: { matchLabels: { color: 'blue' } } }],
};

export async function run(args: string[]): Promise<void> {
  await runWorkload(
    {
      name: 'topology-spreading',
      nodes: 5000,
      nodeLabels: (i) => ({ 'topology.kubernetes.io/zone': ['moon-1', 'moon-2', 'moon-3'][i % 3] }),
      init: [{ count: 5000, pod: () => podTemplate('pod-') }],
      measure: { count: 5000, pod: () => podTemplate('spreading-pod-', spread, { color: 'blue' }) },
    },
    args,
  );
}

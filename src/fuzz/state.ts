/**
 * A coarse picture of a cluster state, for counting the distinct states a
 * campaign explored: per node whether it is ready and cordoned and how many
 * pods it runs, per workload its desired, current and ready pods (a job's
 * active, succeeded and failed ones; a CronJob's active and kept jobs, its
 * jobs' names, which carry their scheduled minute, left out).
 */
import { R, controllerRef, getCondition, type CronJob, type DaemonSet, type Deployment, type Job, type Node, type Pod, type StatefulSet } from '../engine/index.ts';
import type { KubeWorld } from '../harness/world.ts';

export function abstractState(world: KubeWorld): string {
  const view = world.view();
  const pods = view.list<Pod>(R.pods).filter((p) => !p.metadata.deletionTimestamp);
  const perNode = new Map<string, number>();
  let pending = 0;
  for (const p of pods) {
    if (p.spec.nodeName) perNode.set(p.spec.nodeName, (perNode.get(p.spec.nodeName) ?? 0) + 1);
    else pending++;
  }
  const nodes = view
    .list<Node>(R.nodes)
    .map((n) => `${getCondition(n.status?.conditions, 'Ready')?.status === 'True' ? 'R' : 'N'}${n.spec?.unschedulable ? 'c' : ''}${perNode.get(n.metadata.name) ?? 0}`)
    .join(',');
  const workloads = [
    ...view.list<Deployment>(R.deployments).map((d) => `${d.metadata.name}:${d.spec.replicas}/${d.status?.replicas ?? 0}/${d.status?.readyReplicas ?? 0}/${d.status?.updatedReplicas ?? 0}`),
    ...view.list<StatefulSet>(R.statefulSets).map((s) => `${s.metadata.name}:${s.spec.replicas}/${s.status?.replicas ?? 0}/${s.status?.readyReplicas ?? 0}/${s.status?.updatedReplicas ?? 0}`),
    ...view.list<DaemonSet>(R.daemonSets).map((d) => `${d.metadata.name}:${d.status?.desiredNumberScheduled ?? 0}/${d.status?.numberReady ?? 0}/${d.status?.updatedNumberScheduled ?? 0}`),
    ...view
      .list<Job>(R.jobs)
      .filter((j) => controllerRef(j)?.kind !== 'CronJob')
      .map((j) => `${j.metadata.name}:${j.status?.active ?? 0}/${j.status?.succeeded ?? 0}/${j.status?.failed ?? 0}`),
    ...view.list<CronJob>(R.cronJobs).map((c) => {
      const kept = view.list<Job>(R.jobs, c.metadata.namespace).filter((j) => controllerRef(j)?.uid === c.metadata.uid).length;
      return `${c.metadata.name}:${c.status?.active?.length ?? 0}/${kept}`;
    }),
  ].join(',');
  return `${nodes}|${pending}|${workloads}`;
}

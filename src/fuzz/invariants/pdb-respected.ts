/**
 * pdb-respected: an eviction never takes a PodDisruptionBudget below what
 * it allows. When the Eviction API removes a healthy (ready, not
 * terminating) pod that a budget selects, the healthy pods it selects
 * afterwards are at least the desired number: minAvailable (an integer, or a
 * percentage of the expected pods rounded up), or the expected pods minus
 * maxUnavailable. Expected pods are the replicas of the pods' controller
 * (a Deployment through its ReplicaSet), or the pods themselves for an
 * integer minAvailable (disruption controller: getExpectedPodCount).
 * Deletions that are not evictions (kubectl delete, taint eviction) are not
 * bound by budgets.
 *
 * WARNING: the Eviction API decides from the budget's status, which the
 * disruption controller computes from its cache; when that cache lags (a
 * perturbed event loop: delayed watches, a controller manager that is down)
 * an eviction right after another disruption passes in upstream as well. So
 * perturbed histories are not held to it.
 */
import { R, controllerRef, isPodReady, storePrefix, type Deployment, type Pod, type PodDisruptionBudget, type ReplicaSet, type Stored, type StoreEvent } from '../../engine/index.ts';
import type { View } from '../../harness/view.ts';
import type { Invariant, MonitorContext, Report } from './types.ts';
import { selectorMatches } from './oracle.ts';

const PODS = storePrefix(R.pods);

const healthy = (p: Pod) => isPodReady(p) && !p.metadata.deletionTimestamp && p.status?.phase === 'Running';

function percent(v: number | string, of: number, up: boolean): number {
  if (typeof v === 'number') return v;
  const m = /^(\d+)%$/.exec(v);
  if (!m) return Number(v) || 0;
  const raw = (Number(m[1]) * of) / 100;
  return up ? Math.ceil(raw) : Math.floor(raw);
}

/** The replicas of the controller of `pod` (a Deployment through its ReplicaSet), if it has one. */
function scaleOf(pod: Pod, state: View): number | undefined {
  const ref = controllerRef(pod);
  if (!ref || ref.kind !== 'ReplicaSet') return undefined;
  const rs = state.get<ReplicaSet>(R.replicaSets, pod.metadata.namespace, ref.name);
  if (!rs) return undefined;
  const dref = controllerRef(rs);
  if (dref?.kind === 'Deployment') return state.get<Deployment>(R.deployments, pod.metadata.namespace, dref.name)?.spec.replicas ?? undefined;
  return rs.spec.replicas;
}

export const pdbRespected: Invariant = {
  name: 'pdb-respected',
  summary: 'evictions never take a PodDisruptionBudget below its minimum',
  promise:
    'The Eviction API refuses (429) an eviction that would violate a PodDisruptionBudget: after it, the budget\'s healthy pods stay at least minAvailable (or at most maxUnavailable are missing).',
  references: [
    'https://kubernetes.io/docs/concepts/workloads/pods/disruptions/#pod-disruption-budgets',
    'https://kubernetes.io/docs/concepts/scheduling-eviction/api-eviction/',
    'kubernetes/kubernetes pkg/controller/disruption/disruption.go (getExpectedPodCount)',
  ],
  kind: 'safety',
  monitor(ctx: MonitorContext, report: Report) {
    return {
      onEvent(e: StoreEvent, state: View) {
        if (ctx.perturbed || !e.key.startsWith(PODS) || !e.prev) return;
        const prev = e.prev as Stored<Pod>;
        const gone = e.type === 'DELETED' || (e.object.metadata.deletionTimestamp && !prev.metadata.deletionTimestamp);
        const at = ctx.timeOf(e.revision);
        // An eviction deletes the pod as the one who asked for it, at that instant.
        const by = at === undefined ? undefined : ctx.evictedBy(prev.metadata.namespace ?? 'default', prev.metadata.name, at);
        if (!gone || !by || ctx.writerOf(e.revision)?.component !== by) return;
        if (!healthy(prev)) return;
        const ns = prev.metadata.namespace;
        for (const pdb of state.list<PodDisruptionBudget>(R.podDisruptionBudgets, ns)) {
          if (!selectorMatches(pdb.spec.selector, prev.metadata.labels)) continue;
          const selected = state.list<Pod>(R.pods, ns).filter((p) => selectorMatches(pdb.spec.selector, p.metadata.labels));
          const now = selected.filter(healthy).length;
          let desired: number;
          if (pdb.spec.minAvailable !== undefined && typeof pdb.spec.minAvailable === 'number') desired = pdb.spec.minAvailable;
          else {
            const expected = scaleOf(prev, state) ?? selected.length;
            desired =
              pdb.spec.maxUnavailable !== undefined
                ? expected - percent(pdb.spec.maxUnavailable, expected, true)
                : percent(pdb.spec.minAvailable ?? 0, expected, true);
          }
          if (now < desired) {
            report(
              `pod "${ns}/${prev.metadata.name}" was evicted although PodDisruptionBudget "${pdb.metadata.name}" then had ${now} healthy pods, fewer than the ${desired} it requires`,
              ctx.timeOf(e.revision),
            );
          }
        }
      },
    };
  },
};

/**
 * rollout-bounds: a Deployment's rolling update stays within maxSurge and
 * maxUnavailable, over the whole history.
 *
 * - Surge: whenever the controller has observed the latest spec, its
 *   ReplicaSets together ask for at most replicas + maxSurge pods
 *   (deployment/rolling.go: NewRSNewReplicas caps at replicas + maxSurge).
 * - Unavailability: when the controller scales an old ReplicaSet down, the
 *   pods still available (per ReplicaSet, the smaller of its desired and
 *   available counts) stay at least replicas - maxUnavailable, or where they
 *   were if already below (reconcileOldReplicaSets: maxScaledDown). This is
 *   the controller's own promise: it is checked only while nothing else took
 *   pods away during the rollout (no pod of the deployment lost readiness or
 *   was deleted by anyone but its ReplicaSet, and it was not scaled).
 *
 * maxSurge rounds up and maxUnavailable down, and both zero means
 * maxUnavailable 1 (ResolveFenceposts).
 *
 * WARNING: upstream keeps these bounds only when the controller's inputs are
 * current, and the checks hold the engine to exactly that:
 * - the unavailability check skips scale-downs made while some ReplicaSet's
 *   status did not yet reflect its spec (status.replicas or
 *   observedGeneration behind): rolling.go counts status.availableReplicas,
 *   which then still includes pods about to be deleted, and scales down too
 *   far in upstream as well;
 * - with watch deliveries perturbed (stale informer caches) neither bound
 *   is checked: a controller that has not seen its own new ReplicaSet sizes
 *   the next one as if it were alone, in upstream as well.
 */
import { R, controllerRef, deepEqual, isPodReady, storePrefix, type Deployment, type Pod, type ReplicaSet, type Stored, type StoreEvent } from '../../engine/index.ts';
import type { View } from '../../harness/view.ts';
import type { Invariant, MonitorContext, Report } from './types.ts';
import { withoutHash } from '../workloads/deployment.ts';

const RS = storePrefix(R.replicaSets);
const DEPLOYMENTS = storePrefix(R.deployments);
const PODS = storePrefix(R.pods);

function scaled(v: number | string | undefined, replicas: number, fallback: string, roundUp: boolean): number {
  const x = v ?? fallback;
  if (typeof x === 'number') return x;
  const m = /^(\d+)%$/.exec(x);
  if (!m) return Number(x) || 0;
  const raw = (Number(m[1]) * replicas) / 100;
  return roundUp ? Math.ceil(raw) : Math.floor(raw);
}

/** maxSurge and maxUnavailable of a rolling Deployment, resolved as the controller does. */
export function fenceposts(d: Deployment): { surge: number; unavailable: number } | undefined {
  if ((d.spec.strategy?.type ?? 'RollingUpdate') !== 'RollingUpdate') return undefined;
  const replicas = d.spec.replicas ?? 1;
  const ru = d.spec.strategy?.rollingUpdate ?? {};
  const surge = scaled(ru.maxSurge, replicas, '25%', true);
  let unavailable = scaled(ru.maxUnavailable, replicas, '25%', false);
  if (surge === 0 && unavailable === 0) unavailable = 1;
  return { surge, unavailable };
}

const available = (rs: ReplicaSet) => Math.min(rs.spec.replicas ?? 1, rs.status?.availableReplicas ?? 0);

function monitor(ctx: MonitorContext, report: Report) {
  /** ReplicaSets by the uid of the Deployment controlling them. */
  const sets = new Map<string, Map<string, Stored<ReplicaSet>>>();
  /** Deployments (by uid) whose current rollout was disturbed from outside. */
  const disturbed = new Set<string>();
  const ownerOfRS = new Map<string, string>();

  const trackRS = (rs: Stored<ReplicaSet>, gone: boolean) => {
    const ref = controllerRef(rs);
    if (!ref || ref.kind !== 'Deployment') return;
    let m = sets.get(ref.uid);
    if (!m) sets.set(ref.uid, (m = new Map()));
    if (gone) {
      m.delete(rs.metadata.uid);
      ownerOfRS.delete(rs.metadata.uid);
    } else {
      m.set(rs.metadata.uid, rs);
      ownerOfRS.set(rs.metadata.uid, ref.uid);
    }
  };
  for (const rs of ctx.initial.list<ReplicaSet>(R.replicaSets)) trackRS(rs, false);

  const deploymentOf = (uid: string, state: View, ns: string): Stored<Deployment> | undefined =>
    state.list<Deployment>(R.deployments, ns).find((d) => d.metadata.uid === uid);

  const checkSurge = (d: Stored<Deployment>, at: number | undefined) => {
    if ((d.status?.observedGeneration ?? 0) !== (d.metadata.generation ?? 0) || d.metadata.deletionTimestamp || d.spec.paused) return;
    const f = fenceposts(d);
    if (!f) return;
    const all = [...(sets.get(d.metadata.uid)?.values() ?? [])];
    const total = all.reduce((n, rs) => n + (rs.spec.replicas ?? 1), 0);
    const max = (d.spec.replicas ?? 1) + f.surge;
    if (total > max) {
      report(
        `deployment "${d.metadata.namespace}/${d.metadata.name}" asks its replica sets for ${total} pods (${all.map((rs) => `${rs.metadata.name}: ${rs.spec.replicas}`).join(', ')}), ` +
          `more than ${d.spec.replicas} replicas + maxSurge ${f.surge}`,
        at,
      );
    }
  };

  const checkScaleDown = (e: StoreEvent, d: Stored<Deployment>, at: number | undefined) => {
    const rs = e.object as Stored<ReplicaSet>;
    const prev = e.prev as Stored<ReplicaSet>;
    if ((rs.spec.replicas ?? 1) >= (prev.spec.replicas ?? 1) || disturbed.has(d.metadata.uid)) return;
    const settled = (x: ReplicaSet) => (x.status?.replicas ?? 0) === (x.spec.replicas ?? 1) && (x.status?.observedGeneration ?? 0) === (x.metadata.generation ?? 0);
    const inputs = [...(sets.get(d.metadata.uid)?.values() ?? [])].map((x) => (x.metadata.uid === rs.metadata.uid ? prev : x));
    if (!inputs.every(settled)) return;
    if (ctx.writerOf(e.revision)?.component !== 'deployment-controller') return;
    if (deepEqual(withoutHash(rs.spec.template), withoutHash(d.spec.template))) return;
    const f = fenceposts(d);
    if (!f) return;
    const all = [...(sets.get(d.metadata.uid)?.values() ?? [])];
    const after = all.reduce((n, s) => n + available(s), 0);
    const before = after - available(rs) + available(prev);
    const floor = Math.min((d.spec.replicas ?? 1) - f.unavailable, before);
    if (after < floor) {
      report(
        `deployment "${d.metadata.namespace}/${d.metadata.name}" scaled replica set "${rs.metadata.name}" from ${prev.spec.replicas} to ${rs.spec.replicas}, ` +
          `leaving ${after} pods available, fewer than ${d.spec.replicas} replicas - maxUnavailable ${f.unavailable}`,
        at,
      );
    }
  };

  return {
    onEvent(e: StoreEvent, state: View) {
      if (ctx.watchesPerturbed) return;
      const at = ctx.timeOf(e.revision);
      if (e.key.startsWith(PODS)) {
        const pod = e.object as Stored<Pod>;
        const prev = e.prev as Stored<Pod> | undefined;
        const owner = ownerOfRS.get(controllerRef(pod)?.uid ?? '');
        if (!owner || !prev) return;
        const lostReady = isPodReady(prev) && (!isPodReady(pod) || e.type === 'DELETED');
        const deletedByOther = (e.type === 'DELETED' || (pod.metadata.deletionTimestamp && !prev.metadata.deletionTimestamp)) && ctx.writerOf(e.revision)?.component !== 'replicaset-controller';
        if (lostReady || deletedByOther) disturbed.add(owner);
        return;
      }
      if (e.key.startsWith(DEPLOYMENTS)) {
        const d = e.object as Stored<Deployment>;
        const prev = e.prev as Stored<Deployment> | undefined;
        if (!prev || !deepEqual(prev.spec.template, d.spec.template)) disturbed.delete(d.metadata.uid);
        if (prev && prev.spec.replicas !== d.spec.replicas) disturbed.add(d.metadata.uid);
        if (e.type !== 'DELETED') checkSurge(d, at);
        return;
      }
      if (!e.key.startsWith(RS)) return;
      const rs = e.object as Stored<ReplicaSet>;
      trackRS(rs, e.type === 'DELETED');
      const owner = ownerOfRS.get(rs.metadata.uid) ?? controllerRef(rs)?.uid;
      if (!owner) return;
      const d = deploymentOf(owner, state, rs.metadata.namespace ?? 'default');
      if (!d) return;
      checkSurge(d, at);
      if (e.type === 'MODIFIED') checkScaleDown(e, d, at);
    },
  };
}

export const rolloutBounds: Invariant = {
  name: 'rollout-bounds',
  summary: 'rolling updates stay within maxSurge and maxUnavailable',
  promise:
    'maxSurge: the maximum number of Pods that can be created over the desired number of Pods. maxUnavailable: the maximum number of Pods that can be unavailable during the update; ' +
    'old ReplicaSets are scaled down only as far as keeps at least replicas - maxUnavailable Pods available.',
  references: [
    'https://kubernetes.io/docs/concepts/workloads/controllers/deployment/#max-surge',
    'https://kubernetes.io/docs/concepts/workloads/controllers/deployment/#max-unavailable',
    'kubernetes/kubernetes pkg/controller/deployment/rolling.go (reconcileNewReplicaSet, reconcileOldReplicaSets)',
  ],
  kind: 'safety',
  monitor,
};

/**
 * What each workload controller promises, as invariants of a cluster state.
 * "Always" invariants hold at every state change (the invariants step also
 * checks them over the history of the action under test); the others hold
 * once the cluster has settled.
 *
 * Always:
 * - a RollingUpdate Deployment's ReplicaSets ask for at most replicas +
 *   maxSurge pods (the bound upstream's e2e rolling checks enforce);
 * - a Job runs at most `parallelism` pods at once;
 * - a DaemonSet without maxSurge runs at most one live pod per node;
 * - a StatefulSet's live pods have distinct ordinals, each named, labelled
 *   and addressed after it.
 *
 * Settled:
 * - StatefulSets' and DaemonSets' statuses agree with their pods;
 * - a HorizontalPodAutoscaler's recommendation stays within its bounds;
 * - a Bound claim's volume exists and names it, and no volume names two claims.
 */
import {
  R,
  controllerRef,
  isPodTerminal,
  type DaemonSet,
  type Deployment,
  type HorizontalPodAutoscaler,
  type Job,
  type PersistentVolume,
  type PersistentVolumeClaim,
  type Pod,
  type ReplicaSet,
  type StatefulSet,
  type Stored,
} from '../engine/index.ts';
import type { View } from './view.ts';
import type { Violation } from './invariants.ts';

/** intstr.GetScaledValueFromIntOrPercent. */
function scaled(v: number | string | undefined, total: number, roundUp: boolean, fallback: string): number {
  const x = v ?? fallback;
  if (typeof x === 'number') return x;
  const m = /^(\d+)%$/.exec(x);
  if (!m) return Number.isInteger(Number(x)) ? Number(x) : 0;
  const f = (Number(m[1]) * total) / 100;
  return roundUp ? Math.ceil(f) : Math.floor(f);
}

/** The invariants that hold at every instant. */
export function alwaysInvariants(view: View): Violation[] {
  const out: Violation[] = [];
  const pods = view.list<Pod>(R.pods).filter((p) => !isPodTerminal(p) && !p.metadata.deletionTimestamp);
  const byOwner = new Map<string, Stored<Pod>[]>();
  for (const p of pods) {
    const uid = controllerRef(p)?.uid;
    if (!uid) continue;
    if (!byOwner.has(uid)) byOwner.set(uid, []);
    byOwner.get(uid)!.push(p);
  }
  const sets = view.list<ReplicaSet>(R.replicaSets);
  for (const d of view.list<Deployment>(R.deployments)) {
    if ((d.spec.strategy?.type ?? 'RollingUpdate') !== 'RollingUpdate' || d.spec.paused) continue;
    if ((d.status?.observedGeneration ?? 0) < (d.metadata.generation ?? 0)) continue;
    const replicas = d.spec.replicas ?? 1;
    const owned = sets.filter((rs) => controllerRef(rs)?.uid === d.metadata.uid && (rs.spec.replicas ?? 1) > 0);
    // While a scaling of the deployment itself is being spread over its sets, the bound moves.
    if (owned.some((rs) => rs.metadata.annotations?.['deployment.kubernetes.io/desired-replicas'] !== String(replicas))) continue;
    const surge = scaled(d.spec.strategy?.rollingUpdate?.maxSurge, replicas, true, '25%');
    const total = owned.reduce((n, rs) => n + (rs.spec.replicas ?? 1), 0);
    if (total > replicas + surge) {
      out.push({ invariant: 'rollout-surge', message: `deployment "${d.metadata.namespace}/${d.metadata.name}" asks its replica sets for ${total} pods, more than ${replicas} replicas + ${surge} maxSurge` });
    }
  }
  for (const j of view.list<Job>(R.jobs)) {
    const running = (byOwner.get(j.metadata.uid) ?? []).length;
    const parallelism = j.spec.parallelism ?? 1;
    if (running > parallelism) out.push({ invariant: 'job-parallelism', message: `job "${j.metadata.namespace}/${j.metadata.name}" runs ${running} pods, more than its parallelism of ${parallelism}` });
  }
  for (const ds of view.list<DaemonSet>(R.daemonSets)) {
    const surge = ds.spec.updateStrategy?.rollingUpdate?.maxSurge;
    if (surge !== undefined && surge !== 0 && surge !== '0%') continue;
    const perNode = new Map<string, string[]>();
    for (const p of byOwner.get(ds.metadata.uid) ?? []) {
      if (!p.spec.nodeName) continue;
      perNode.set(p.spec.nodeName, [...(perNode.get(p.spec.nodeName) ?? []), p.metadata.name]);
    }
    for (const [node, names] of perNode) {
      if (names.length > 1) out.push({ invariant: 'daemonset-one-per-node', message: `daemonset "${ds.metadata.namespace}/${ds.metadata.name}" runs ${names.length} pods on node "${node}": ${names.join(', ')}` });
    }
  }
  for (const s of view.list<StatefulSet>(R.statefulSets)) {
    const seen = new Set<string>();
    for (const p of byOwner.get(s.metadata.uid) ?? []) {
      const m = /^(.*)-(\d+)$/.exec(p.metadata.name);
      const who = `pod "${p.metadata.namespace}/${p.metadata.name}" of statefulset "${s.metadata.name}"`;
      if (!m || m[1] !== s.metadata.name) {
        out.push({ invariant: 'statefulset-identity', message: `${who} is not named <set>-<ordinal>` });
        continue;
      }
      if (seen.has(m[2])) out.push({ invariant: 'statefulset-identity', message: `two pods of statefulset "${s.metadata.name}" have ordinal ${m[2]}` });
      seen.add(m[2]);
      if (p.spec.hostname !== p.metadata.name || (s.spec.serviceName && p.spec.subdomain !== s.spec.serviceName)) {
        out.push({ invariant: 'statefulset-identity', message: `${who} has hostname "${p.spec.hostname ?? ''}" and subdomain "${p.spec.subdomain ?? ''}"` });
      }
    }
  }
  return out;
}

/** The invariants that hold once the cluster has settled. */
export function settledInvariants(view: View): Violation[] {
  const out: Violation[] = [];
  const pods = view.list<Pod>(R.pods);
  const owned = (uid: string) => pods.filter((p) => controllerRef(p)?.uid === uid);
  for (const s of view.list<StatefulSet>(R.statefulSets)) {
    if ((s.status?.observedGeneration ?? 0) < (s.metadata.generation ?? 0)) continue;
    const created = owned(s.metadata.uid).length;
    if ((s.status?.replicas ?? 0) !== created) {
      out.push({ invariant: 'workload-status', message: `statefulset "${s.metadata.namespace}/${s.metadata.name}" reports ${s.status?.replicas ?? 0} replicas but has ${created} pods` });
    }
  }
  for (const ds of view.list<DaemonSet>(R.daemonSets)) {
    if ((ds.status?.observedGeneration ?? 0) < (ds.metadata.generation ?? 0)) continue;
    const nodes = new Set(owned(ds.metadata.uid).filter((p) => !isPodTerminal(p) && p.spec.nodeName).map((p) => p.spec.nodeName));
    const reported = (ds.status?.currentNumberScheduled ?? 0) + (ds.status?.numberMisscheduled ?? 0);
    if (reported > nodes.size) {
      out.push({ invariant: 'workload-status', message: `daemonset "${ds.metadata.namespace}/${ds.metadata.name}" reports pods on ${reported} nodes but has pods on ${nodes.size}` });
    }
  }
  const volumes = view.list<PersistentVolume>(R.persistentVolumes);
  const claimedBy = new Map<string, string>();
  for (const c of view.list<PersistentVolumeClaim>(R.persistentVolumeClaims)) {
    if (c.status?.phase !== 'Bound') continue;
    const who = `persistent volume claim "${c.metadata.namespace}/${c.metadata.name}"`;
    const pv = volumes.find((v) => v.metadata.name === c.spec.volumeName);
    if (!pv) out.push({ invariant: 'volume-binding', message: `${who} is Bound to volume "${c.spec.volumeName}", which does not exist` });
    else if (pv.spec.claimRef?.uid && pv.spec.claimRef.uid !== c.metadata.uid) out.push({ invariant: 'volume-binding', message: `${who} is Bound to volume "${pv.metadata.name}", which belongs to another claim` });
    if (c.spec.volumeName) {
      const other = claimedBy.get(c.spec.volumeName);
      if (other) out.push({ invariant: 'volume-binding', message: `volume "${c.spec.volumeName}" is bound to two claims: ${other} and ${who}` });
      claimedBy.set(c.spec.volumeName, who);
    }
  }
  for (const h of view.list<HorizontalPodAutoscaler>(R.horizontalPodAutoscalers)) {
    const want = h.status?.desiredReplicas ?? 0;
    if (!want) continue;
    const min = h.spec.minReplicas ?? 1;
    if (want < min || want > h.spec.maxReplicas) {
      out.push({ invariant: 'autoscaler-bounds', message: `horizontal pod autoscaler "${h.metadata.namespace}/${h.metadata.name}" wants ${want} replicas, outside ${min}..${h.spec.maxReplicas}` });
    }
  }
  return out;
}

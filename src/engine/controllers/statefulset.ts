/**
 * The StatefulSet controller (pkg/controller/statefulset, Kubernetes 1.33):
 * pods with stable names `<set>-<ordinal>`, hostnames and subdomains (the
 * headless service), and claims `<template>-<set>-<ordinal>` that outlive
 * them unless persistentVolumeClaimRetentionPolicy says Delete.
 *
 * OrderedReady creates pods one at a time in ordinal order, each once its
 * predecessors are Running and available, and removes them from the highest
 * ordinal down; Parallel creates and deletes them all at once. RollingUpdate
 * replaces pods from the highest ordinal down to `partition`, one at a time
 * (or up to maxUnavailable with the MaxUnavailableStatefulSet feature gate,
 * alpha and off by default in 1.33); OnDelete waits for pods to be deleted.
 * Templates are kept as ControllerRevisions. A pod that is being deleted
 * (for instance on an unreachable node) is not replaced until it is gone.
 */
import { R } from '../api/kinds.ts';
import type { ControllerRevision, PersistentVolumeClaim, Pod, StatefulSet, StatefulSetStatus, Stored } from '../api/types.ts';
import { controllerRef, deepEqual, namespacedName, newControllerRef, splitKey } from '../api/meta.ts';
import { Selector } from '../api/selectors.ts';
import { isPodReady } from '../api/pod.ts';
import { isStatusError } from '../api/errors.ts';
import { byNamespace, type Informer } from '../client/informer.ts';
import type { Controller, Result } from './manager.ts';
import { claim, podFromTemplate } from './controller-utils.ts';
import {
  POD_REVISION_LABEL,
  createControllerRevision,
  deleteRevisions,
  findEqualRevisions,
  newControllerRevision,
  nextRevision,
  ownedRevisions,
  revisionTemplate,
  sortRevisions,
  templatePatch,
} from './history-util.ts';
import { type StatefulSync, claimIsStale, claimsMatch, createClaims, createPod, deletePod, fixClaims, updatePod } from './statefulset-pod-control-util.ts';
import {
  identityMatches,
  inOrdinalRange,
  isCreated,
  isMemberOf,
  isRunningAndAvailable,
  isRunningAndReady,
  isTerminating,
  isUnavailable,
  maxUnavailableOf,
  ordinalOf,
  podName,
  podRevision,
  replicaStatus,
  replicasOf,
  startOrdinal,
  storageMatches,
  updateIdentity,
  updateStorage,
} from './statefulset-util.ts';

type Rev = Stored<ControllerRevision>;
type Sync = StatefulSync;


export function statefulSetController(): Controller {
  let sets: Informer<StatefulSet>;
  let pods: Informer<Pod>;
  let revisions: Informer<ControllerRevision>;
  let pvcs: Informer<PersistentVolumeClaim>;

  const ownerOf = (pod: Stored<Pod>): Stored<StatefulSet> | undefined => {
    const ref = controllerRef(pod);
    if (!ref || ref.kind !== 'StatefulSet') return undefined;
    const s = sets.get(pod.metadata.namespace, ref.name);
    return s && s.metadata.uid === ref.uid ? s : undefined;
  };

  return {
    name: 'statefulset-controller',

    setup(ctx) {
      sets = ctx.informers.informer<StatefulSet>(R.statefulSets).addIndex('namespace', byNamespace);
      pods = ctx.informers.informer<Pod>(R.pods).addIndex('namespace', byNamespace);
      revisions = ctx.informers.informer<ControllerRevision>(R.controllerRevisions).addIndex('namespace', byNamespace);
      pvcs = ctx.informers.informer<PersistentVolumeClaim>(R.persistentVolumeClaims);
      const enqueue = (s: Stored<StatefulSet> | undefined, afterMs?: number) => s && ctx.enqueue(namespacedName(s), afterMs);
      sets.on({ add: (s) => enqueue(s), update: (_o, s) => enqueue(s), delete: (s) => enqueue(s) });
      const forPod = (pod: Stored<Pod>) => {
        const owner = ownerOf(pod);
        if (owner) return enqueue(owner);
        if (controllerRef(pod)) return;
        for (const s of sets.byIndex('namespace', pod.metadata.namespace ?? '')) {
          if (Selector.fromLabelSelector(s.spec.selector).matches(pod.metadata.labels)) enqueue(s);
        }
      };
      pods.on({
        add: forPod,
        update: (old, pod) => {
          if (old.metadata.resourceVersion === pod.metadata.resourceVersion) return;
          const before = ownerOf(old);
          const now = ownerOf(pod);
          if (before && before !== now) enqueue(before);
          forPod(pod);
          // A pod that just became ready is available minReadySeconds later (plus a second against skew).
          if (now && !isPodReady(old) && isPodReady(pod) && (now.spec.minReadySeconds ?? 0) > 0) enqueue(now, (now.spec.minReadySeconds! + 1) * 1000);
        },
        delete: (pod) => enqueue(ownerOf(pod)),
      });
    },

    reconcile(key, ctx): Result | void {
      const { namespace, name } = splitKey(key);
      const set = sets.get(namespace, name);
      if (!set) return;
      let selector: Selector;
      try {
        selector = Selector.fromLabelSelector(set.spec.selector);
      } catch {
        return;
      }
      const s: Sync = { set, ctx, pvcs, now: ctx.clock.now() };
      const nsRevs = revisions.byIndex('namespace', namespace ?? '') as Rev[];
      // adoptOrphanRevisions, then ListRevisions.
      const revs = sortRevisions(claim(ctx.client, R.controllerRevisions, set, newControllerRef(set, R.statefulSets), set.spec.selector, nsRevs) as Rev[]);
      const candidates = (pods.byIndex('namespace', namespace ?? '') as Stored<Pod>[]).filter(
        (p) => controllerRef(p)?.uid === set.metadata.uid || (!controllerRef(p) && isMemberOf(set, p) && selector.matches(p.metadata.labels)),
      );
      const members = claim(ctx.client, R.pods, set, newControllerRef(set, R.statefulSets), set.spec.selector, candidates);

      const { current, update, collisionCount } = getRevisions(s, revs);
      let failure: unknown;
      let status: StatefulSetStatus;
      try {
        status = updateStatefulSet(s, current, update, collisionCount, members);
      } catch (e) {
        failure = e;
        status = baseStatus(s, current, update, collisionCount, members);
      }
      writeStatus(s, status);
      truncateHistory(s, members, revs, current, update);
      if (failure) throw failure;
      const minReady = set.spec.minReadySeconds ?? 0;
      if (minReady > 0 && (status.availableReplicas ?? 0) !== replicasOf(set)) return { requeueAfterMs: minReady * 1000 };
    },
  };
}

/** getStatefulSetRevisions: the current revision and the update revision (created, or an earlier one renumbered). */
function getRevisions(s: Sync, revs: Rev[]): { current: Rev; update: Rev; collisionCount: number } {
  const { set, ctx } = s;
  let collisionCount = set.status?.collisionCount ?? 0;
  const candidate = newControllerRevision(set, R.statefulSets, set.spec.template?.metadata?.labels, templatePatch(set.spec.template), nextRevision(revs), collisionCount);
  const equal = findEqualRevisions(revs, candidate);
  let update: Rev;
  if (equal.length && revs[revs.length - 1] === equal[equal.length - 1]) update = revs[revs.length - 1];
  else if (equal.length) {
    // Rolling back to an earlier template renumbers its revision.
    update = ctx.client.update(R.controllerRevisions, { ...equal[equal.length - 1], revision: candidate.revision });
  } else {
    const created = createControllerRevision(ctx.client, set, candidate, collisionCount);
    update = created.revision;
    collisionCount = created.collisionCount;
  }
  const current = revs.find((r) => r.metadata.name === set.status?.currentRevision) ?? update;
  return { current, update, collisionCount };
}

function baseStatus(s: Sync, current: Rev, update: Rev, collisionCount: number, pods: Pod[]): StatefulSetStatus {
  return {
    observedGeneration: s.set.metadata.generation,
    currentRevision: current.metadata.name,
    updateRevision: update.metadata.name,
    collisionCount,
    ...replicaStatus(pods, s.set.spec.minReadySeconds ?? 0, s.now, current.metadata.name, update.metadata.name),
  };
}

/** newVersionedStatefulSetPod: below the partition a pod keeps the current revision. */
function newPod(s: Sync, ordinal: number, current: Rev, update: Rev): Pod {
  const set = s.set;
  const ru = set.spec.updateStrategy?.rollingUpdate;
  const rolling = (set.spec.updateStrategy?.type ?? 'RollingUpdate') === 'RollingUpdate';
  const useCurrent = (rolling && !ru && ordinal < startOrdinal(set) + (set.status?.currentReplicas ?? 0)) || (ru !== undefined && ordinal < (ru.partition ?? 0));
  const rev = useCurrent ? current : update;
  const pod = podFromTemplate(revisionTemplate(rev), set, newControllerRef(set, R.statefulSets));
  delete pod.metadata.generateName;
  pod.metadata.name = podName(set, ordinal);
  updateIdentity(set, pod);
  pod.spec.hostname = pod.metadata.name;
  if (set.spec.serviceName) pod.spec.subdomain = set.spec.serviceName;
  updateStorage(set, pod);
  pod.metadata.labels![POD_REVISION_LABEL] = rev.metadata.name;
  return pod;
}

/** updateStatefulSet: one pass of creating, repairing, scaling down and updating pods. */
function updateStatefulSet(s: Sync, current: Rev, update: Rev, collisionCount: number, pods: Stored<Pod>[]): StatefulSetStatus {
  const { set, now } = s;
  const minReady = set.spec.minReadySeconds ?? 0;
  const status = baseStatus(s, current, update, collisionCount, pods);
  const start = startOrdinal(set);
  const replicas: Array<Pod | Stored<Pod>> = new Array(replicasOf(set));
  const condemned: Stored<Pod>[] = [];
  for (const pod of pods) {
    if (inOrdinalRange(pod, set)) replicas[ordinalOf(pod) - start] = pod;
    else if (ordinalOf(pod) >= 0) condemned.push(pod);
  }
  for (let i = 0; i < replicas.length; i++) replicas[i] ??= newPod(s, start + i, current, update);
  condemned.sort((a, b) => ordinalOf(b) - ordinalOf(a));
  const recount = () => Object.assign(status, replicaStatus([...replicas, ...condemned], minReady, now, current.metadata.name, update.metadata.name));

  let firstUnavailable: Pod | undefined;
  for (const p of replicas) if (!firstUnavailable && isUnavailable(p, minReady, now)) firstUnavailable = p;
  for (let i = condemned.length - 1; i >= 0; i--) if (!firstUnavailable && isUnavailable(condemned[i], minReady, now)) firstUnavailable = condemned[i];
  if (set.metadata.deletionTimestamp) return status;

  const monotonic = set.spec.podManagementPolicy !== 'Parallel';
  for (let i = 0; i < replicas.length; i++) {
    if (processReplica(s, monotonic, replicas, i)) return recount();
  }
  for (const pod of condemned) fixClaims(s, pod);
  for (const pod of condemned) {
    if (isTerminating(pod)) {
      if (monotonic) return recount();
      continue;
    }
    if (monotonic && pod !== firstUnavailable && (!isRunningAndReady(pod) || !isRunningAndAvailable(pod, minReady, now))) return recount();
    deletePod(s, pod);
    if (monotonic) return recount();
  }
  recount();
  if (set.spec.updateStrategy?.type === 'OnDelete') return status;
  const partition = set.spec.updateStrategy?.rollingUpdate?.partition ?? 0;
  if (s.ctx.config.featureGates?.MaxUnavailableStatefulSet) {
    let unavailable = 0;
    for (const p of replicas) if (isUnavailable(p, minReady, now)) unavailable++;
    const max = maxUnavailableOf(set);
    if (unavailable > max) return status;
    let budget = max - unavailable;
    for (let t = replicas.length - 1; t >= partition && budget > 0; t--) {
      const pod = replicas[t] as Stored<Pod>;
      if (podRevision(pod) !== update.metadata.name && !isTerminating(pod)) {
        deletePod(s, pod);
        budget--;
        status.currentReplicas = (status.currentReplicas ?? 0) - 1;
      }
    }
    return status;
  }
  for (let t = replicas.length - 1; t >= partition; t--) {
    const pod = replicas[t] as Stored<Pod>;
    if (podRevision(pod) !== update.metadata.name && !isTerminating(pod)) {
      deletePod(s, pod);
      status.currentReplicas = (status.currentReplicas ?? 0) - 1;
      return status;
    }
    if (isUnavailable(pod, minReady, now)) return status;
  }
  return status;
}

/** processReplica: true when this pass must stop (monotonic mode waiting, or a pod just created). */
function processReplica(s: Sync, monotonic: boolean, replicas: Array<Pod | Stored<Pod>>, i: number): boolean {
  const { set, now } = s;
  const pod = replicas[i];
  const minReady = set.spec.minReadySeconds ?? 0;
  const phase = pod.status?.phase;
  if (phase === 'Failed' || phase === 'Succeeded') {
    // The replacement is created once the finished pod is gone.
    if (!pod.metadata.deletionTimestamp) deletePod(s, pod as Stored<Pod>);
    return true;
  }
  if (!isCreated(pod)) {
    if (claimIsStale(s, pod)) return true;
    replicas[i] = createPod(s, pod);
    if (monotonic) return true;
  }
  const stored = replicas[i] as Stored<Pod>;
  if (stored.status?.phase === 'Pending') createClaims(s, stored);
  if (isTerminating(stored) && monotonic) return true;
  if (!isRunningAndReady(stored) && monotonic) return true;
  if (!isRunningAndAvailable(stored, minReady, now) && monotonic) return true;
  const claimsOk = !stored.metadata.uid || claimsMatch(s, stored);
  if (identityMatches(set, stored) && storageMatches(set, stored) && claimsOk) return false;
  updatePod(s, stored);
  return false;
}

function writeStatus(s: Sync, status: StatefulSetStatus): void {
  const set = s.set;
  // completeRollingUpdate: once every pod is updated and ready, the update revision becomes current.
  if ((set.spec.updateStrategy?.type ?? 'RollingUpdate') === 'RollingUpdate' && status.updatedReplicas === status.replicas && status.readyReplicas === status.replicas) {
    status.currentReplicas = status.updatedReplicas;
    status.currentRevision = status.updateRevision;
  }
  const next: StatefulSetStatus = { ...status, availableReplicas: status.availableReplicas ?? 0, replicas: status.replicas ?? 0 };
  for (const k of ['readyReplicas', 'currentReplicas', 'updatedReplicas'] as const) if (!next[k]) delete next[k];
  if (set.status?.conditions) next.conditions = set.status.conditions;
  if (deepEqual(next, set.status ?? {})) return;
  try {
    s.ctx.client.updateStatus(R.statefulSets, { ...set, status: next });
  } catch (e) {
    if (!isStatusError(e, 'NotFound')) throw e;
  }
}

/** truncateHistory: keeps revisionHistoryLimit revisions that no pod, nor the set's status, uses. */
function truncateHistory(s: Sync, pods: Pod[], revs: Rev[], current: Rev, update: Rev): void {
  const live = new Set([current.metadata.name, update.metadata.name, ...pods.map(podRevision)]);
  const history = ownedRevisions(s.set, revs).filter((r) => !live.has(r.metadata.name));
  const limit = s.set.spec.revisionHistoryLimit ?? 10;
  if (history.length <= limit) return;
  deleteRevisions(s.ctx.client, history.slice(0, history.length - limit));
}

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
import { clone, controllerRef, deepEqual, namespacedName, newControllerRef, splitKey } from '../api/meta.ts';
import { Selector } from '../api/selectors.ts';
import { isPodReady } from '../api/pod.ts';
import { isStatusError } from '../api/errors.ts';
import { byNamespace, type Informer } from '../client/informer.ts';
import type { Controller, ControllerContext, Result } from './manager.ts';
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
import {
  claimOwnerRefs,
  claimOwnerUpToDate,
  claimsFor,
  hasStaleOwnerRef,
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
  retentionPolicy,
  startOrdinal,
  storageMatches,
  updateIdentity,
  updateStorage,
} from './statefulset-util.ts';

type Rev = Stored<ControllerRevision>;

interface Sync {
  set: Stored<StatefulSet>;
  ctx: ControllerContext;
  pvcs: Informer<PersistentVolumeClaim>;
  now: number;
}

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

function record(s: Sync, verb: string, pod: Pod, err?: unknown): void {
  const set = s.set.metadata.name;
  if (err) s.ctx.recorder.event(s.set, 'Warning', `Failed${verb}`, `${verb.toLowerCase()} Pod ${pod.metadata.name} in StatefulSet ${set} failed error: ${(err as Error).message}`);
  else s.ctx.recorder.event(s.set, 'Normal', `Successful${verb}`, `${verb.toLowerCase()} Pod ${pod.metadata.name} in StatefulSet ${set} successful`);
}

function createPod(s: Sync, pod: Pod): Stored<Pod> {
  createClaims(s, pod);
  try {
    const created = s.ctx.client.create(R.pods, pod);
    record(s, 'Create', pod);
    return created;
  } catch (e) {
    if (!isStatusError(e, 'AlreadyExists')) record(s, 'Create', pod, e);
    throw e;
  }
}

function deletePod(s: Sync, pod: Stored<Pod>): void {
  try {
    s.ctx.client.delete(R.pods, pod.metadata.namespace, pod.metadata.name);
    record(s, 'Delete', pod);
  } catch (e) {
    if (isStatusError(e, 'NotFound')) return;
    record(s, 'Delete', pod, e);
    throw e;
  }
}

function updatePod(s: Sync, pod: Stored<Pod>): void {
  const next = clone(pod);
  if (!identityMatches(s.set, next)) updateIdentity(s.set, next);
  if (!storageMatches(s.set, next)) {
    updateStorage(s.set, next);
    createClaims(s, next);
  }
  fixClaims(s, pod);
  if (deepEqual(next, pod)) return;
  try {
    s.ctx.client.update(R.pods, next);
    record(s, 'Update', pod);
  } catch (e) {
    record(s, 'Update', pod, e);
    throw e;
  }
}

/** createPersistentVolumeClaims: creates the pod's missing claims; a claim being deleted is an error. */
function createClaims(s: Sync, pod: Pod): void {
  const errors: string[] = [];
  for (const c of claimsFor(s.set, ordinalOf(pod)).values()) {
    const existing = s.pvcs.get(c.metadata.namespace, c.metadata.name!);
    if (existing) {
      if (existing.metadata.deletionTimestamp) errors.push(`pvc ${c.metadata.name} is being deleted`);
      continue;
    }
    const text = `Claim ${c.metadata.name} Pod ${pod.metadata.name} in StatefulSet ${s.set.metadata.name}`;
    try {
      s.ctx.client.create(R.persistentVolumeClaims, c);
      s.ctx.recorder.event(s.set, 'Normal', 'SuccessfulCreate', `create ${text} success`);
    } catch (e) {
      if (isStatusError(e, 'AlreadyExists')) continue;
      errors.push(`failed to create PVC ${c.metadata.name}: ${(e as Error).message}`);
      s.ctx.recorder.event(s.set, 'Warning', 'FailedCreate', `create Claim ${c.metadata.name} for Pod ${pod.metadata.name} in StatefulSet ${s.set.metadata.name} failed error: ${(e as Error).message}`);
    }
  }
  if (errors.length) throw new Error(errors.join(', '));
}

/** PodClaimIsStale: with whenScaled Delete, a claim still owned by an earlier pod of the same name must go first. */
function claimIsStale(s: Sync, pod: Pod): boolean {
  if (retentionPolicy(s.set).whenScaled === 'Retain') return false;
  for (const c of claimsFor(s.set, ordinalOf(pod)).values()) {
    const existing = s.pvcs.get(c.metadata.namespace, c.metadata.name!);
    if (existing && hasStaleOwnerRef(existing, 'Pod', pod.metadata.name!, pod.metadata.uid)) return true;
  }
  return false;
}

function claimsMatch(s: Sync, pod: Stored<Pod>): boolean {
  for (const c of claimsFor(s.set, ordinalOf(pod)).values()) {
    const existing = s.pvcs.get(c.metadata.namespace, c.metadata.name!);
    if (existing && !claimOwnerUpToDate(existing, s.set, pod)) return false;
  }
  return true;
}

/** UpdatePodClaimForRetentionPolicy: the claims' owner references follow the policy. */
function fixClaims(s: Sync, pod: Stored<Pod>): void {
  for (const c of claimsFor(s.set, ordinalOf(pod)).values()) {
    const existing = s.pvcs.get(c.metadata.namespace, c.metadata.name!);
    if (!existing || claimOwnerUpToDate(existing, s.set, pod)) continue;
    const refs = claimOwnerRefs(existing, s.set, pod);
    try {
      s.ctx.client.update(R.persistentVolumeClaims, { ...existing, metadata: { ...existing.metadata, ownerReferences: refs } });
    } catch (e) {
      if (!isStatusError(e, 'NotFound') && !isStatusError(e, 'Conflict')) throw e;
    }
  }
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

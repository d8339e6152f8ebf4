/**
 * The Deployment controller (pkg/controller/deployment): owns ReplicaSets,
 * one per pod template revision. It creates the new ReplicaSet, scales it up
 * and the old ones down within maxSurge and maxUnavailable (RollingUpdate) or
 * all at once (Recreate), scales proportionally when replicas change
 * mid-rollout, keeps revisionHistoryLimit old sets, and reports
 * replicas, updatedReplicas, readyReplicas, availableReplicas and the
 * Available, Progressing and ReplicaFailure conditions.
 */
import { R } from '../api/kinds.ts';
import type { Deployment, DeploymentStatus, Pod, ReplicaSet, Stored } from '../api/types.ts';
import { clone, controllerRef, deepEqual, namespacedName, newControllerRef, splitKey } from '../api/meta.ts';
import { Selector } from '../api/selectors.ts';
import { isStatusError } from '../api/errors.ts';
import { byNamespace, type Informer } from '../client/informer.ts';
import type { Controller, ControllerContext, Result } from './manager.ts';
import { claim, computeHash } from './controller-utils.ts';
import {
  DESIRED_REPLICAS_ANNOTATION,
  POD_TEMPLATE_HASH_LABEL,
  REVISION_ANNOTATION,
  byCreation,
  condition,
  deploymentComplete,
  deploymentProgressing,
  deploymentTimedOut,
  equalIgnoreHash,
  hasProgressDeadline,
  isRollingUpdate,
  maxRevision,
  maxSurge,
  maxUnavailable,
  newCondition,
  newRSNewReplicas,
  proportion,
  removeCondition,
  replicasOf,
  revisionOf,
  setCondition,
  setNewReplicaSetAnnotations,
  setReplicasAnnotations,
  specReplicas,
  sumSpec,
  sumStatus,
} from './deployment-util.ts';

interface Sync {
  d: Stored<Deployment>;
  ctx: ControllerContext;
}

export function deploymentController(): Controller {
  let dInformer: Informer<Deployment>;
  let rsInformer: Informer<ReplicaSet>;
  let podInformer: Informer<Pod>;

  const ownerOf = (obj: Stored): Stored<Deployment> | undefined => {
    const ref = controllerRef(obj);
    if (!ref || ref.kind !== 'Deployment') return undefined;
    const d = dInformer.get(obj.metadata.namespace, ref.name);
    return d && d.metadata.uid === ref.uid ? d : undefined;
  };

  return {
    name: 'deployment-controller',

    setup(ctx) {
      dInformer = ctx.informers.informer<Deployment>(R.deployments).addIndex('namespace', byNamespace);
      rsInformer = ctx.informers.informer<ReplicaSet>(R.replicaSets).addIndex('namespace', byNamespace);
      podInformer = ctx.informers.informer<Pod>(R.pods).addIndex('namespace', byNamespace);
      const enqueue = (d: Stored<Deployment> | undefined) => d && ctx.enqueue(namespacedName(d));
      dInformer.on({ add: enqueue, update: (_o, d) => enqueue(d), delete: enqueue });
      const forRS = (rs: Stored<ReplicaSet>) => {
        const owner = ownerOf(rs);
        if (owner) return enqueue(owner);
        if (controllerRef(rs)) return;
        for (const d of dInformer.byIndex('namespace', rs.metadata.namespace ?? '')) {
          if (Selector.fromLabelSelector(d.spec.selector).matches(rs.metadata.labels)) enqueue(d);
        }
      };
      rsInformer.on({
        add: forRS,
        update: (old, rs) => {
          const before = ownerOf(old);
          if (before && before !== ownerOf(rs)) enqueue(before);
          forRS(rs);
        },
        delete: (rs) => enqueue(ownerOf(rs)),
      });
      // Recreate waits for the old pods to be gone before it scales the new set up.
      podInformer.on({
        delete: (pod) => {
          const rsRef = controllerRef(pod);
          if (!rsRef || rsRef.kind !== 'ReplicaSet') return;
          const rs = rsInformer.get(pod.metadata.namespace, rsRef.name);
          const d = rs && ownerOf(rs);
          if (d && d.spec.strategy?.type === 'Recreate') enqueue(d);
        },
      });
    },

    reconcile(key, ctx): Result | void {
      const { namespace, name } = splitKey(key);
      const d = dInformer.get(namespace, name);
      if (!d) return;
      const s: Sync = { d, ctx };
      const sel = d.spec.selector;
      if (sel && !(sel.matchLabels && Object.keys(sel.matchLabels).length) && !(sel.matchExpressions ?? []).length) {
        ctx.recorder.event(d, 'Warning', 'SelectingAll', 'This deployment is selecting all pods. A non-empty selector is required.');
        if ((d.status?.observedGeneration ?? 0) < (d.metadata.generation ?? 0)) {
          updateStatus(s, { ...(d.status ?? {}), observedGeneration: d.metadata.generation });
        }
        return;
      }
      const candidates = rsInformer.byIndex('namespace', namespace ?? '');
      const rsList = claim(ctx.client, R.replicaSets, d, newControllerRef(d, R.deployments), d.spec.selector, candidates);
      if (d.metadata.deletionTimestamp) return syncStatusOnly(s, rsList);
      if (checkPausedConditions(s)) return;
      if (d.spec.paused) return syncScale(s, rsList);
      if (isScalingEvent(s, rsList)) return syncScale(s, rsList);
      if (d.spec.strategy?.type === 'Recreate') return rolloutRecreate(s, rsList, podInformer);
      return rolloutRolling(s, rsList);
    },
  };
}

// ---- finding and creating ReplicaSets ----

function findNewRS(d: Deployment, rsList: Stored<ReplicaSet>[]): Stored<ReplicaSet> | undefined {
  return [...rsList].sort(byCreation).find((rs) => equalIgnoreHash(rs.spec.template, d.spec.template));
}

/** getAllReplicaSetsAndSyncRevision: the new set (created if asked and missing) and the old ones. */
function newAndOld(s: Sync, rsList: Stored<ReplicaSet>[], create: boolean): { newRS?: Stored<ReplicaSet>; oldRSs: Stored<ReplicaSet>[] } {
  const existing = findNewRS(s.d, rsList);
  const oldRSs = rsList.filter((rs) => rs !== existing);
  return { newRS: getNewReplicaSet(s, existing, oldRSs, create), oldRSs };
}

function getNewReplicaSet(s: Sync, existing: Stored<ReplicaSet> | undefined, oldRSs: Stored<ReplicaSet>[], create: boolean): Stored<ReplicaSet> | undefined {
  const { d, ctx } = s;
  const newRevision = String(maxRevision(oldRSs) + 1);
  if (existing) {
    const annotations = { ...(existing.metadata.annotations ?? {}) };
    const changed = setNewReplicaSetAnnotations(d, annotations, newRevision, true);
    const minReady = d.spec.minReadySeconds ?? 0;
    if (changed || (existing.spec.minReadySeconds ?? 0) !== minReady) {
      const spec: ReplicaSet['spec'] = { ...existing.spec };
      if (minReady) spec.minReadySeconds = minReady;
      else delete spec.minReadySeconds;
      const next = { ...existing, metadata: { ...existing.metadata, annotations }, spec };
      return ctx.client.update(R.replicaSets, next);
    }
    const status = clone(d.status ?? {});
    let needsUpdate = setDeploymentRevision(s, existing.metadata.annotations?.[REVISION_ANNOTATION]);
    if (hasProgressDeadline(d) && !condition(status, 'Progressing')) {
      setCondition(status, newCondition('Progressing', 'True', 'FoundNewReplicaSet', `Found new replica set ${JSON.stringify(existing.metadata.name)}`, ctx.clock.iso()));
      needsUpdate = true;
    }
    if (needsUpdate) updateStatus(s, status);
    return existing;
  }
  if (!create) return undefined;

  const template = clone(d.spec.template!);
  const hash = computeHash(template, d.status?.collisionCount);
  template.metadata = { ...(template.metadata ?? {}), labels: { ...(template.metadata?.labels ?? {}), [POD_TEMPLATE_HASH_LABEL]: hash } };
  const selector = clone(d.spec.selector!);
  selector.matchLabels = { ...(selector.matchLabels ?? {}), [POD_TEMPLATE_HASH_LABEL]: hash };
  const rs: ReplicaSet = {
    apiVersion: 'apps/v1',
    kind: 'ReplicaSet',
    metadata: {
      name: `${d.metadata.name}-${hash}`,
      namespace: d.metadata.namespace,
      ownerReferences: [newControllerRef(d, R.deployments)],
      labels: { ...template.metadata.labels },
    },
    spec: { replicas: 0, selector, template },
  };
  if (d.spec.minReadySeconds) rs.spec.minReadySeconds = d.spec.minReadySeconds;
  const size = newRSNewReplicas(d, [...oldRSs, rs as Stored<ReplicaSet>], rs);
  rs.spec.replicas = size;
  const annotations: Record<string, string> = {};
  setNewReplicaSetAnnotations(d, annotations, newRevision, false);
  rs.metadata.annotations = annotations;
  let created: Stored<ReplicaSet>;
  try {
    created = ctx.client.create(R.replicaSets, rs);
  } catch (e) {
    if (isStatusError(e, 'AlreadyExists')) {
      // A set with this hash exists: if it is ours with our template, it is the new set; else bump collisionCount.
      const other = ctx.client.get<ReplicaSet>(R.replicaSets, d.metadata.namespace, rs.metadata.name!);
      if (controllerRef(other)?.uid === d.metadata.uid && equalIgnoreHash(other.spec.template, d.spec.template)) return other;
      updateStatus(s, { ...clone(d.status ?? {}), collisionCount: (d.status?.collisionCount ?? 0) + 1 });
      throw e;
    }
    if (isStatusError(e, 'Forbidden') && (e as Error).message.includes('being terminated')) throw e;
    const msg = `Failed to create new replica set ${JSON.stringify(rs.metadata.name)}: ${(e as Error).message}`;
    if (hasProgressDeadline(d)) {
      const status = clone(d.status ?? {});
      setCondition(status, newCondition('Progressing', 'False', 'ReplicaSetCreateError', msg, ctx.clock.iso()));
      updateStatus(s, status);
    }
    ctx.recorder.event(d, 'Warning', 'ReplicaSetCreateError', msg);
    throw e;
  }
  if (size > 0) ctx.recorder.event(d, 'Normal', 'ScalingReplicaSet', `Scaled up replica set ${created.metadata.name} from 0 to ${size}`);
  const status = clone(s.d.status ?? {});
  setDeploymentRevision(s, newRevision);
  if (hasProgressDeadline(d)) {
    setCondition(status, newCondition('Progressing', 'True', 'NewReplicaSetCreated', `Created new replica set ${JSON.stringify(created.metadata.name)}`, ctx.clock.iso()));
  }
  updateStatus(s, status);
  return created;
}

/** SetDeploymentRevision: writes the revision annotation on the Deployment itself. */
function setDeploymentRevision(s: Sync, revision: string | undefined): boolean {
  if (revision === undefined || s.d.metadata.annotations?.[REVISION_ANNOTATION] === revision) return false;
  const next = { ...s.d, metadata: { ...s.d.metadata, annotations: { ...(s.d.metadata.annotations ?? {}), [REVISION_ANNOTATION]: revision } } };
  s.d = s.ctx.client.update(R.deployments, next);
  return true;
}

function updateStatus(s: Sync, status: DeploymentStatus): void {
  if (deepEqual(status, s.d.status ?? {})) return;
  s.d = s.ctx.client.updateStatus(R.deployments, { ...s.d, status });
}

// ---- scaling ----

function scaleReplicaSet(s: Sync, rs: Stored<ReplicaSet>, size: number, operation: string): Stored<ReplicaSet> {
  const d = s.d;
  const annotations = { ...(rs.metadata.annotations ?? {}) };
  const annotationsChanged = setReplicasAnnotations(annotations, replicasOf(d), replicasOf(d) + maxSurge(d));
  const sizeChanged = specReplicas(rs) !== size;
  if (!sizeChanged && !annotationsChanged) return rs;
  const updated = s.ctx.client.update(R.replicaSets, { ...rs, metadata: { ...rs.metadata, annotations }, spec: { ...rs.spec, replicas: size } });
  if (sizeChanged) {
    s.ctx.recorder.event(d, 'Normal', 'ScalingReplicaSet', `Scaled ${operation} replica set ${rs.metadata.name} from ${specReplicas(rs)} to ${size}`);
  }
  return updated;
}

/** scaleReplicaSetAndRecordEvent: true when the size changed. */
function scaleTo(s: Sync, rs: Stored<ReplicaSet>, size: number): boolean {
  if (specReplicas(rs) === size) return false;
  scaleReplicaSet(s, rs, size, specReplicas(rs) < size ? 'up' : 'down');
  return true;
}

const active = (rss: Stored<ReplicaSet>[]) => rss.filter((rs) => specReplicas(rs) > 0);

function isScalingEvent(s: Sync, rsList: Stored<ReplicaSet>[]): boolean {
  const { newRS, oldRSs } = newAndOld(s, rsList, false);
  const all = newRS ? [newRS, ...oldRSs] : oldRSs;
  for (const rs of active(all)) {
    const desired = rs.metadata.annotations?.['deployment.kubernetes.io/desired-replicas'];
    if (desired !== undefined && Number(desired) !== replicasOf(s.d)) return true;
  }
  return false;
}

/** scale: the active (or latest) set takes all replicas, or the change is spread proportionally. */
function scale(s: Sync, newRS: Stored<ReplicaSet> | undefined, oldRSs: Stored<ReplicaSet>[]): void {
  const d = s.d;
  const activeSets = active(newRS ? [newRS, ...oldRSs] : oldRSs);
  const activeOrLatest =
    activeSets.length === 1 ? activeSets[0] : activeSets.length === 0 ? (newRS ?? [...oldRSs].sort(byCreation).at(-1)) : undefined;
  if (activeOrLatest) {
    if (specReplicas(activeOrLatest) !== replicasOf(d)) scaleTo(s, activeOrLatest, replicasOf(d));
    return;
  }
  // IsSaturated: the new set has all replicas, is sized for the current replica count, and all are available.
  const desired = newRS?.metadata.annotations?.[DESIRED_REPLICAS_ANNOTATION];
  if (
    newRS &&
    specReplicas(newRS) === replicasOf(d) &&
    desired !== undefined &&
    /^[+-]?[0-9]+$/.test(desired) &&
    Number(desired) === replicasOf(d) &&
    (newRS.status?.availableReplicas ?? 0) === replicasOf(d)
  ) {
    for (const rs of active(oldRSs)) scaleTo(s, rs, 0);
    return;
  }
  if (!isRollingUpdate(d)) return;
  const sets = active(newRS ? [...oldRSs, newRS] : oldRSs);
  const allowed = replicasOf(d) > 0 ? replicasOf(d) + maxSurge(d) : 0;
  const toAdd = allowed - sumSpec(sets);
  let operation = '';
  if (toAdd > 0) {
    // ReplicaSetsBySizeNewer: larger first, then newer first.
    sets.sort((a, b) => specReplicas(b) - specReplicas(a) || -byCreation(a, b));
    operation = 'up';
  } else if (toAdd < 0) {
    // ReplicaSetsBySizeOlder: larger first, then older first.
    sets.sort((a, b) => specReplicas(b) - specReplicas(a) || byCreation(a, b));
    operation = 'down';
  }
  let added = 0;
  const sizes = new Map<Stored<ReplicaSet>, number>();
  for (const rs of sets) {
    if (toAdd !== 0) {
      const p = proportion(rs, d, toAdd, added);
      sizes.set(rs, specReplicas(rs) + p);
      added += p;
    } else sizes.set(rs, specReplicas(rs));
  }
  if (added !== toAdd && sets.length) {
    const first = sets[0];
    sizes.set(first, Math.max(0, sizes.get(first)! + toAdd - added));
  }
  for (const rs of sets) scaleReplicaSet(s, rs, sizes.get(rs)!, operation);
}

// ---- strategies ----

function rolloutRolling(s: Sync, rsList: Stored<ReplicaSet>[]): Result | void {
  const { newRS, oldRSs } = newAndOld(s, rsList, true);
  const all = newRS ? [...oldRSs, newRS] : oldRSs;
  if (newRS && reconcileNewReplicaSet(s, all, newRS)) return syncRolloutStatus(s, newAndOld(s, refresh(s, rsList), false));
  if (newRS && reconcileOldReplicaSets(s, all, active(oldRSs), newRS)) return syncRolloutStatus(s, newAndOld(s, refresh(s, rsList), false));
  if (deploymentComplete(s.d, s.d.status ?? {})) cleanup(s, oldRSs);
  return syncRolloutStatus(s, { newRS, oldRSs });
}

function rolloutRecreate(s: Sync, rsList: Stored<ReplicaSet>[], pods: Informer<Pod>): Result | void {
  let { newRS, oldRSs } = newAndOld(s, rsList, false);
  let scaledDown = false;
  for (const rs of active(oldRSs)) if (scaleTo(s, rs, 0)) scaledDown = true;
  if (scaledDown) return syncRolloutStatus(s, newAndOld(s, refresh(s, rsList), false));
  // Old pods must be gone (or finished) before the new ones start.
  const oldUids = new Set(oldRSs.map((rs) => rs.metadata.uid));
  const oldRunning =
    sumStatus(oldRSs, 'replicas') > 0 ||
    pods
      .byIndex('namespace', s.d.metadata.namespace ?? '')
      .some((p) => oldUids.has(controllerRef(p)?.uid ?? '') && p.status?.phase !== 'Succeeded' && p.status?.phase !== 'Failed');
  if (oldRunning) return syncRolloutStatus(s, { newRS, oldRSs });
  if (!newRS) ({ newRS, oldRSs } = newAndOld(s, rsList, true));
  if (newRS) scaleTo(s, newRS, replicasOf(s.d));
  if (deploymentComplete(s.d, s.d.status ?? {})) cleanup(s, oldRSs);
  return syncRolloutStatus(s, newAndOld(s, refresh(s, rsList), false));
}

/** The owned ReplicaSets as the API server has them now (after this sync's own writes). */
function refresh(s: Sync, rsList: Stored<ReplicaSet>[]): Stored<ReplicaSet>[] {
  const live = s.ctx.client.list<ReplicaSet>(R.replicaSets, { namespace: s.d.metadata.namespace }).items;
  const uids = new Set(rsList.map((r) => r.metadata.uid));
  return live.filter((rs) => uids.has(rs.metadata.uid) || controllerRef(rs)?.uid === s.d.metadata.uid);
}

function reconcileNewReplicaSet(s: Sync, all: Stored<ReplicaSet>[], newRS: Stored<ReplicaSet>): boolean {
  const want = replicasOf(s.d);
  if (specReplicas(newRS) === want) return false;
  if (specReplicas(newRS) > want) return scaleTo(s, newRS, want);
  return scaleTo(s, newRS, newRSNewReplicas(s.d, all, newRS));
}

function reconcileOldReplicaSets(s: Sync, all: Stored<ReplicaSet>[], oldRSs: Stored<ReplicaSet>[], newRS: Stored<ReplicaSet>): boolean {
  const d = s.d;
  if (sumSpec(oldRSs) === 0) return false;
  const minAvailable = replicasOf(d) - maxUnavailable(d);
  const newUnavailable = specReplicas(newRS) - (newRS.status?.availableReplicas ?? 0);
  const maxScaledDown = sumSpec(all) - minAvailable - newUnavailable;
  if (maxScaledDown <= 0) return false;

  // cleanupUnhealthyReplicas: first scale down old sets' unavailable pods, oldest sets first.
  let cleaned = 0;
  const olds = [...oldRSs].sort(byCreation).map((rs) => rs);
  for (let i = 0; i < olds.length; i++) {
    const rs = olds[i];
    if (cleaned >= maxScaledDown) break;
    const unhealthy = specReplicas(rs) - (rs.status?.availableReplicas ?? 0);
    if (specReplicas(rs) === 0 || unhealthy <= 0) continue;
    const n = Math.min(maxScaledDown - cleaned, unhealthy);
    olds[i] = scaleReplicaSet(s, rs, specReplicas(rs) - n, 'down');
    cleaned += n;
  }

  // scaleDownOldReplicaSetsForRollingUpdate: then scale down available pods above minAvailable.
  const allNow = [...olds, newRS];
  const available = sumStatus(allNow, 'availableReplicas');
  let scaled = 0;
  if (available > minAvailable) {
    const total = available - minAvailable;
    for (const rs of olds) {
      if (scaled >= total) break;
      if (specReplicas(rs) === 0) continue;
      const n = Math.min(specReplicas(rs), total - scaled);
      scaleReplicaSet(s, rs, specReplicas(rs) - n, 'down');
      scaled += n;
    }
  }
  return cleaned + scaled > 0;
}

/** cleanupDeployment: deletes the oldest unused ReplicaSets beyond revisionHistoryLimit. */
function cleanup(s: Sync, oldRSs: Stored<ReplicaSet>[]): void {
  const limit = s.d.spec.revisionHistoryLimit;
  if (limit === undefined || limit === null) return;
  const alive = oldRSs.filter((rs) => !rs.metadata.deletionTimestamp);
  const diff = alive.length - limit;
  if (diff <= 0) return;
  alive.sort((a, b) => revisionOf(a) - revisionOf(b) || byCreation(a, b));
  for (const rs of alive.slice(0, diff)) {
    if ((rs.status?.replicas ?? 0) !== 0 || specReplicas(rs) !== 0 || (rs.metadata.generation ?? 0) > (rs.status?.observedGeneration ?? 0)) continue;
    try {
      s.ctx.client.delete(R.replicaSets, rs.metadata.namespace, rs.metadata.name);
    } catch (e) {
      if (!isStatusError(e, 'NotFound')) throw e;
    }
  }
}

function checkPausedConditions(s: Sync): boolean {
  const d = s.d;
  if (!hasProgressDeadline(d)) return false;
  const c = condition(d.status, 'Progressing');
  if (c?.reason === 'ProgressDeadlineExceeded') return false;
  const pausedExists = c?.reason === 'DeploymentPaused';
  const status = clone(d.status ?? {});
  if (d.spec.paused && !pausedExists) {
    setCondition(status, newCondition('Progressing', 'Unknown', 'DeploymentPaused', 'Deployment is paused', s.ctx.clock.iso()));
  } else if (!d.spec.paused && pausedExists) {
    setCondition(status, newCondition('Progressing', 'Unknown', 'DeploymentResumed', 'Deployment is resumed', s.ctx.clock.iso()));
  } else return false;
  updateStatus(s, status);
  return false;
}

function syncScale(s: Sync, rsList: Stored<ReplicaSet>[]): void {
  const { newRS, oldRSs } = newAndOld(s, rsList, false);
  scale(s, newRS, oldRSs);
  if (s.d.spec.paused) cleanup(s, oldRSs);
  const fresh = newAndOld(s, refresh(s, rsList), false);
  updateStatus(s, calculateStatus(s, fresh.newRS, fresh.oldRSs));
}

function syncStatusOnly(s: Sync, rsList: Stored<ReplicaSet>[]): void {
  const { newRS, oldRSs } = newAndOld(s, rsList, false);
  updateStatus(s, calculateStatus(s, newRS, oldRSs));
}

function calculateStatus(s: Sync, newRS: Stored<ReplicaSet> | undefined, oldRSs: Stored<ReplicaSet>[]): DeploymentStatus {
  const d = s.d;
  const all = newRS ? [...oldRSs, newRS] : oldRSs;
  const available = sumStatus(all, 'availableReplicas');
  const unavailable = Math.max(0, sumSpec(all) - available);
  const status: DeploymentStatus = { observedGeneration: d.metadata.generation };
  const set = (k: 'replicas' | 'updatedReplicas' | 'readyReplicas' | 'availableReplicas' | 'unavailableReplicas', v: number) => {
    if (v) status[k] = v;
  };
  set('replicas', sumStatus(all, 'replicas'));
  set('updatedReplicas', newRS ? (newRS.status?.replicas ?? 0) : 0);
  set('readyReplicas', sumStatus(all, 'readyReplicas'));
  set('availableReplicas', available);
  set('unavailableReplicas', unavailable);
  if (d.status?.collisionCount !== undefined) status.collisionCount = d.status.collisionCount;
  if (d.status?.conditions) status.conditions = clone(d.status.conditions);
  const iso = s.ctx.clock.iso();
  if (available >= replicasOf(d) - maxUnavailable(d)) {
    setCondition(status, newCondition('Available', 'True', 'MinimumReplicasAvailable', 'Deployment has minimum availability.', iso));
  } else {
    setCondition(status, newCondition('Available', 'False', 'MinimumReplicasUnavailable', 'Deployment does not have minimum availability.', iso));
  }
  return status;
}

function syncRolloutStatus(s: Sync, { newRS, oldRSs }: { newRS?: Stored<ReplicaSet>; oldRSs: Stored<ReplicaSet>[] }): Result | void {
  const d = s.d;
  const now = s.ctx.clock.now();
  const iso = s.ctx.clock.iso();
  const status = calculateStatus(s, newRS, oldRSs);
  if (!hasProgressDeadline(d)) removeCondition(status, 'Progressing');
  const cur = condition(d.status, 'Progressing');
  const complete = (status.replicas ?? 0) === (status.updatedReplicas ?? 0) && cur?.reason === 'NewReplicaSetAvailable';
  if (hasProgressDeadline(d) && !complete) {
    // Without a new ReplicaSet the messages name the Deployment.
    const rsName = newRS ? `ReplicaSet ${JSON.stringify(newRS.metadata.name)}` : `Deployment ${JSON.stringify(d.metadata.name)}`;
    if (deploymentComplete(d, status)) {
      setCondition(status, newCondition('Progressing', 'True', 'NewReplicaSetAvailable', `${rsName} has successfully progressed.`, iso));
    } else if (deploymentProgressing(d, status)) {
      // Progress refreshes lastUpdateTime even when the reason is unchanged.
      const c = newCondition('Progressing', 'True', 'ReplicaSetUpdated', `${rsName} is progressing.`, iso);
      if (cur?.status === 'True') c.lastTransitionTime = cur.lastTransitionTime;
      removeCondition(status, 'Progressing');
      setCondition(status, c);
    } else if (deploymentTimedOut(d, status, now)) {
      setCondition(status, newCondition('Progressing', 'False', 'ProgressDeadlineExceeded', `${rsName} has timed out progressing.`, iso));
    }
  }
  const all = newRS ? [...oldRSs, newRS] : oldRSs;
  const failure = replicaFailure(all, newRS);
  if (failure) setCondition(status, { ...failure });
  else removeCondition(status, 'ReplicaFailure');
  if (deepEqual(status, d.status ?? {})) return requeueStuck(d, status, now);
  updateStatus(s, status);
}

function replicaFailure(all: Stored<ReplicaSet>[], newRS: Stored<ReplicaSet> | undefined) {
  const pick = (rs: Stored<ReplicaSet>) => rs.status?.conditions?.find((c) => c.type === 'ReplicaFailure');
  const fromNew = newRS && pick(newRS);
  if (fromNew) return { type: 'ReplicaFailure', status: fromNew.status, reason: fromNew.reason, message: fromNew.message, lastTransitionTime: fromNew.lastTransitionTime, lastUpdateTime: fromNew.lastTransitionTime };
  for (const rs of all) {
    const c = pick(rs);
    if (c) return { type: 'ReplicaFailure', status: c.status, reason: c.reason, message: c.message, lastTransitionTime: c.lastTransitionTime, lastUpdateTime: c.lastTransitionTime };
  }
  return undefined;
}

/** requeueStuckDeployment: look again when the progress deadline would pass. */
function requeueStuck(d: Stored<Deployment>, status: DeploymentStatus, now: number): Result | void {
  const c = condition(d.status, 'Progressing');
  if (!hasProgressDeadline(d) || !c) return;
  if (deploymentComplete(d, status) || c.reason === 'ProgressDeadlineExceeded') return;
  const after = Date.parse(c.lastUpdateTime ?? '') + d.spec.progressDeadlineSeconds! * 1000 - now;
  return { requeueAfterMs: after < 1000 ? 1000 : after + 1000 };
}

/**
 * The ReplicaSet controller (pkg/controller/replicaset): keeps the number of
 * active pods matching a ReplicaSet equal to spec.replicas, creating pods in
 * slow-start batches (1, 2, 4, ... up to 500 per sync) and deleting the
 * best-ranked ones, and reports replicas, fullyLabeledReplicas,
 * readyReplicas, availableReplicas and the ReplicaFailure condition.
 */
import { R } from '../api/kinds.ts';
import type { Pod, ReplicaSet, ReplicaSetStatus, Stored } from '../api/types.ts';
import { controllerRef, deepEqual, getCondition, namespacedName, newControllerRef, splitKey, type Condition } from '../api/meta.ts';
import { Selector } from '../api/selectors.ts';
import { isPodActive, isPodAvailable, isPodReady } from '../api/pod.ts';
import { isStatusError, type StatusError } from '../api/errors.ts';
import type { Informer } from '../client/informer.ts';
import { byNamespace } from '../client/informer.ts';
import type { Controller, ControllerContext, Result } from './manager.ts';
import { Expectations, claim, podFromTemplate, rankPodsForDeletion } from './controller-utils.ts';

/** BurstReplicas: the most pods one sync creates or deletes. */
export const BURST_REPLICAS = 500;
/** SlowStartInitialBatchSize. */
const SLOW_START_INITIAL_BATCH = 1;

export function replicaSetController(): Controller {
  let rsInformer: Informer<ReplicaSet>;
  let podInformer: Informer<Pod>;
  let expectations: Expectations;

  /** The ReplicaSet controlling `pod`, if it is one this controller knows. */
  const ownerOf = (pod: Stored<Pod>): Stored<ReplicaSet> | undefined => {
    const ref = controllerRef(pod);
    if (!ref || ref.kind !== 'ReplicaSet') return undefined;
    const rs = rsInformer.get(pod.metadata.namespace, ref.name);
    return rs && rs.metadata.uid === ref.uid ? rs : undefined;
  };

  /** ReplicaSets whose selector matches an orphan pod: one of them may adopt it. */
  const matchingSets = (pod: Stored<Pod>): Stored<ReplicaSet>[] =>
    rsInformer
      .byIndex('namespace', pod.metadata.namespace ?? '')
      .filter((rs) => Selector.fromLabelSelector(rs.spec.selector).matches(pod.metadata.labels));

  return {
    name: 'replicaset-controller',

    setup(ctx) {
      expectations = new Expectations(() => ctx.clock.now());
      rsInformer = ctx.informers.informer<ReplicaSet>(R.replicaSets).addIndex('namespace', byNamespace);
      podInformer = ctx.informers.informer<Pod>(R.pods).addIndex('namespace', byNamespace);
      rsInformer.on({
        add: (rs) => ctx.enqueue(namespacedName(rs)),
        update: (_old, rs) => ctx.enqueue(namespacedName(rs)),
        delete: (rs) => {
          expectations.delete(namespacedName(rs));
          ctx.enqueue(namespacedName(rs));
        },
      });
      const enqueueFor = (pod: Stored<Pod>) => {
        const owner = ownerOf(pod);
        if (owner) ctx.enqueue(namespacedName(owner));
        else if (!controllerRef(pod)) for (const rs of matchingSets(pod)) ctx.enqueue(namespacedName(rs));
      };
      podInformer.on({
        add: (pod) => {
          const owner = ownerOf(pod);
          if (owner) {
            const key = namespacedName(owner);
            if (pod.metadata.deletionTimestamp) expectations.deletionObserved(key);
            else expectations.creationObserved(key);
          }
          enqueueFor(pod);
        },
        update: (old, pod) => {
          if (old.metadata.resourceVersion === pod.metadata.resourceVersion) return;
          const owner = ownerOf(pod);
          // A pod being deleted counts as deleted for expectations.
          if (pod.metadata.deletionTimestamp && !old.metadata.deletionTimestamp && owner) expectations.deletionObserved(namespacedName(owner));
          const oldOwner = ownerOf(old);
          if (oldOwner && oldOwner !== owner) ctx.enqueue(namespacedName(oldOwner));
          enqueueFor(pod);
          // Once ready, a pod becomes available minReadySeconds later: look again then.
          if (owner && !isPodReady(old) && isPodReady(pod) && (owner.spec.minReadySeconds ?? 0) > 0) {
            ctx.enqueue(namespacedName(owner), (owner.spec.minReadySeconds! + 1) * 1000);
          }
        },
        delete: (pod) => {
          const owner = ownerOf(pod);
          if (!owner) return;
          const key = namespacedName(owner);
          if (!pod.metadata.deletionTimestamp) expectations.deletionObserved(key);
          ctx.enqueue(key);
        },
      });
    },

    reconcile(key, ctx): Result | void {
      const { namespace, name } = splitKey(key);
      const rs = rsInformer.get(namespace, name);
      if (!rs) {
        expectations.delete(key);
        return;
      }
      const needsSync = expectations.satisfied(key);
      const candidates = podInformer.byIndex('namespace', namespace ?? '').filter(isPodActive) as Stored<Pod>[];
      const pods = claim(ctx.client, R.pods, rs, newControllerRef(rs, R.replicaSets), rs.spec.selector, candidates);

      let err: StatusError | Error | undefined;
      if (needsSync && !rs.metadata.deletionTimestamp) err = manageReplicas(rs, pods, ctx, expectations, () => relatedPods(rs, rsInformer, podInformer));

      const status = calculateStatus(rs, pods, err, ctx.clock.now(), ctx.clock.iso());
      const current = rs.status ?? {};
      if (!deepEqual(status, current) || rs.status?.observedGeneration !== rs.metadata.generation) {
        try {
          ctx.client.updateStatus(R.replicaSets, { ...rs, status: { ...status, observedGeneration: rs.metadata.generation } });
        } catch (e) {
          if (!isStatusError(e, 'NotFound')) throw e;
          return;
        }
      }
      if (err) throw err;
      const minReady = rs.spec.minReadySeconds ?? 0;
      const replicas = rs.spec.replicas ?? 1;
      if (minReady > 0 && (status.readyReplicas ?? 0) === replicas && (status.availableReplicas ?? 0) !== replicas) {
        return { requeueAfterMs: minReady * 1000 };
      }
    },
  };
}

function manageReplicas(
  rs: Stored<ReplicaSet>,
  pods: Stored<Pod>[],
  ctx: ControllerContext,
  expectations: Expectations,
  related: () => Stored<Pod>[],
): Error | undefined {
  const key = namespacedName(rs);
  const want = rs.spec.replicas ?? 1;
  const diff = pods.length - want;
  if (diff < 0) {
    const count = Math.min(-diff, BURST_REPLICAS);
    expectations.expect(key, count, 0);
    const ref = newControllerRef(rs, R.replicaSets);
    let created = 0;
    let firstError: Error | undefined;
    // slowStartBatch: batches of 1, 2, 4, ... stop at the first batch with a failure.
    let remaining = count;
    let batch = Math.min(remaining, SLOW_START_INITIAL_BATCH);
    while (batch > 0) {
      let failures = 0;
      for (let i = 0; i < batch; i++) {
        try {
          const pod = ctx.client.create(R.pods, podFromTemplate(rs.spec.template!, rs, ref));
          ctx.recorder.event(rs, 'Normal', 'SuccessfulCreate', `Created pod: ${pod.metadata.name}`);
          created++;
        } catch (e) {
          // A namespace being terminated refuses every creation: upstream counts it as done,
          // with no event and no error (NamespaceTerminatingCause).
          if (isStatusError(e, 'Forbidden') && (e as Error).message.includes('because it is being terminated')) {
            created++;
            continue;
          }
          failures++;
          firstError ??= e as Error;
          ctx.recorder.event(rs, 'Warning', 'FailedCreate', `Error creating: ${(e as Error).message}`);
        }
      }
      remaining -= batch;
      if (failures) break;
      batch = Math.min(remaining, 2 * batch);
    }
    const skipped = count - created;
    if (skipped > 0) expectations.lower(key, skipped, 0);
    return firstError;
  }
  if (diff > 0) {
    const count = Math.min(diff, BURST_REPLICAS);
    const victims = rankPodsForDeletion(pods, related(), ctx.clock.now()).slice(0, count);
    expectations.expect(key, 0, victims.length);
    let firstError: Error | undefined;
    for (const pod of victims) {
      try {
        ctx.client.delete(R.pods, pod.metadata.namespace, pod.metadata.name);
        ctx.recorder.event(rs, 'Normal', 'SuccessfulDelete', `Deleted pod: ${pod.metadata.name}`);
      } catch (e) {
        expectations.lower(key, 0, 1);
        if (isStatusError(e, 'NotFound')) continue;
        firstError ??= e as Error;
        ctx.recorder.event(rs, 'Warning', 'FailedDelete', `Error deleting: ${(e as Error).message}`);
      }
    }
    return firstError;
  }
  return undefined;
}

/**
 * Pods of every ReplicaSet that shares this one's controller (the other
 * ReplicaSets of its Deployment): they count when ranking co-located pods
 * (getIndirectlyRelatedPods).
 */
function relatedPods(rs: Stored<ReplicaSet>, rsInformer: Informer<ReplicaSet>, podInformer: Informer<Pod>): Stored<Pod>[] {
  const owner = controllerRef(rs);
  const siblings = new Set(
    owner
      ? rsInformer
          .byIndex('namespace', rs.metadata.namespace ?? '')
          .filter((r) => controllerRef(r)?.uid === owner.uid)
          .map((r) => r.metadata.uid)
      : [rs.metadata.uid],
  );
  return podInformer
    .byIndex('namespace', rs.metadata.namespace ?? '')
    .filter((p) => isPodActive(p) && siblings.has(controllerRef(p)?.uid ?? '')) as Stored<Pod>[];
}

function calculateStatus(rs: Stored<ReplicaSet>, pods: Stored<Pod>[], err: Error | undefined, now: number, iso: string): ReplicaSetStatus {
  const templateLabels = Selector.fromSet(rs.spec.template?.metadata?.labels);
  let fullyLabeled = 0;
  let ready = 0;
  let available = 0;
  for (const pod of pods) {
    if (templateLabels.matches(pod.metadata.labels)) fullyLabeled++;
    if (isPodReady(pod)) {
      ready++;
      if (isPodAvailable(pod, rs.spec.minReadySeconds ?? 0, now)) available++;
    }
  }
  const status: ReplicaSetStatus = { replicas: pods.length };
  if (fullyLabeled) status.fullyLabeledReplicas = fullyLabeled;
  if (ready) status.readyReplicas = ready;
  if (available) status.availableReplicas = available;
  if (rs.status?.observedGeneration !== undefined) status.observedGeneration = rs.status.observedGeneration;
  let conditions = (rs.status?.conditions ?? []) as Condition[];
  const failure = getCondition(conditions, 'ReplicaFailure');
  if (err && !failure) {
    const diff = pods.length - (rs.spec.replicas ?? 1);
    const reason = diff < 0 ? 'FailedCreate' : diff > 0 ? 'FailedDelete' : '';
    conditions = [...conditions, { type: 'ReplicaFailure', status: 'True', lastTransitionTime: iso, reason, message: err.message }];
  } else if (!err && failure) {
    conditions = conditions.filter((c) => c.type !== 'ReplicaFailure');
  }
  if (conditions.length) status.conditions = conditions as ReplicaSetStatus['conditions'];
  return status;
}

/**
 * The Job controller (pkg/controller/job, Kubernetes 1.33): runs pods until
 * `completions` succeed (each index once, in Indexed mode), `parallelism` at
 * a time, recreating failed pods after a 10 s doubling backoff (capped at
 * 6 min) until failures exceed backoffLimit (or backoffLimitPerIndex for an
 * index), the job runs past activeDeadlineSeconds, or a podFailurePolicy
 * rule fails it. Pods carry the `batch.kubernetes.io/job-tracking`
 * finalizer until counted. A finishing job first gets FailureTarget or
 * SuccessCriteriaMet, and Failed or Complete once none of its pods is still
 * terminating. A suspended job deletes its active pods.
 */
import { R } from '../api/kinds.ts';
import type { Job, JobCondition, JobStatus, Pod, Stored } from '../api/types.ts';
import { clone, controllerRef, deepEqual, namespacedName, newControllerRef, splitKey } from '../api/meta.ts';
import { isPodReady, isPodTerminal } from '../api/pod.ts';
import { isStatusError } from '../api/errors.ts';
import { byNamespace, type Informer } from '../client/informer.ts';
import type { Controller, Result } from './manager.ts';
import { Expectations, claim } from './controller-utils.ts';
import {
  type BackoffRecord,
  type JobSync,
  INDEX_FAILURE_COUNT_ANNOTATION,
  JOB_TRACKING_FINALIZER,
  MAX_POD_CREATE_DELETE_PER_SYNC,
  completionIndex,
  formatIndexes,
  hasBackoffLimitPerIndex,
  isIndexed,
  isJobFinished,
  isPodFailed,
  matchPodFailurePolicy,
  newCondition,
  nextBackoffRecord,
  onlyReplaceFailedPods,
  parseIndexes,
  remainingBackoff,
  trueCondition,
} from './job-util.ts';
import { finishJob, successPolicyMatch } from './job-finish-util.ts';
import { createPods, deletePods, indexBackoff, removeFinalizers, removeOrphanFinalizer } from './job-pods-util.ts';

export const ORPHAN_KEY_PREFIX = 'orphan-pod:';


export function jobController(): Controller {
  let jobs: Informer<Job>;
  let pods: Informer<Pod>;
  let expectations: Expectations;
  const backoffs = new Map<string, BackoffRecord>();
  /** finalizerExpectations: per job key, the pods whose tracking finalizer was removed but not yet seen removed. */
  const rmFinalizers = new Map<string, Set<string>>();
  const expectedRm = (key: string) => {
    let set = rmFinalizers.get(key);
    if (!set) rmFinalizers.set(key, (set = new Set()));
    return set;
  };
  /** finalizerRemovalObserved, keyed by the pod's controller reference (its job may be gone). */
  const removalObserved = (pod: Stored<Pod>) => {
    const ref = controllerRef(pod);
    if (ref?.kind !== 'Job') return;
    const key = `${pod.metadata.namespace}/${ref.name}`;
    const set = rmFinalizers.get(key);
    if (!set) return;
    set.delete(pod.metadata.uid);
    if (!set.size) rmFinalizers.delete(key);
  };

  const ownerOf = (pod: Stored<Pod>): Stored<Job> | undefined => {
    const ref = controllerRef(pod);
    if (!ref || ref.kind !== 'Job') return undefined;
    const j = jobs.get(pod.metadata.namespace, ref.name);
    return j && j.metadata.uid === ref.uid ? j : undefined;
  };

  return {
    name: 'job-controller',

    setup(ctx) {
      expectations = new Expectations(() => ctx.clock.now());
      jobs = ctx.informers.informer<Job>(R.jobs).addIndex('namespace', byNamespace);
      pods = ctx.informers.informer<Pod>(R.pods).addIndex('namespace', byNamespace);
      const enqueue = (j: Stored<Job> | undefined) => j && ctx.enqueue(namespacedName(j));
      jobs.on({
        add: enqueue,
        update: (old, j) => {
          enqueue(j);
          // A new activeDeadlineSeconds or a resume restarts the deadline clock.
          if (j.spec.activeDeadlineSeconds && old.spec.activeDeadlineSeconds !== j.spec.activeDeadlineSeconds && j.status?.startTime) {
            const left = Date.parse(j.status.startTime) + j.spec.activeDeadlineSeconds * 1000 - ctx.clock.now();
            ctx.enqueue(namespacedName(j), Math.max(0, left));
          }
        },
        delete: (j) => {
          expectations.delete(namespacedName(j));
          rmFinalizers.delete(namespacedName(j));
          backoffs.delete(j.metadata.uid);
        },
      });
      const forPod = (pod: Stored<Pod>) => {
        const job = ownerOf(pod);
        if (job) return enqueue(job);
        // A finalizer on a pod whose job is gone is removed (handlePodWithoutJob).
        if (pod.metadata.finalizers?.includes(JOB_TRACKING_FINALIZER)) ctx.enqueue(`${ORPHAN_KEY_PREFIX}${namespacedName(pod)}`);
      };
      pods.on({
        add: (pod) => {
          const job = ownerOf(pod);
          if (job && !pod.metadata.deletionTimestamp) expectations.creationObserved(namespacedName(job));
          forPod(pod);
        },
        update: (old, pod) => {
          if (old.metadata.resourceVersion === pod.metadata.resourceVersion) return;
          if (old.metadata.finalizers?.includes(JOB_TRACKING_FINALIZER) && !pod.metadata.finalizers?.includes(JOB_TRACKING_FINALIZER)) removalObserved(pod);
          const job = ownerOf(pod);
          if (job && pod.metadata.deletionTimestamp && !old.metadata.deletionTimestamp) expectations.deletionObserved(namespacedName(job));
          forPod(pod);
        },
        delete: (pod) => {
          removalObserved(pod);
          const job = ownerOf(pod);
          if (!job) return;
          if (!pod.metadata.deletionTimestamp) expectations.deletionObserved(namespacedName(job));
          enqueue(job);
        },
      });
    },

    reconcile(key, ctx): Result | void {
      if (key.startsWith(ORPHAN_KEY_PREFIX)) return removeOrphanFinalizer(key.slice(ORPHAN_KEY_PREFIX.length), ctx, pods, ownerOf);
      const { namespace, name } = splitKey(key);
      const job = jobs.get(namespace, name);
      if (!job) return;
      const owned = claim(ctx.client, R.pods, job, newControllerRef(job, R.jobs), job.spec.selector, pods.byIndex('namespace', namespace ?? '') as Stored<Pod>[]);
      const s: JobSync = { job, ctx, pods: owned, now: ctx.clock.now(), iso: ctx.clock.iso(), deleted: new Set(), expectedRmFinalizers: expectedRm(key) };
      if (isJobFinished(job)) {
        removeFinalizers(s, owned.filter((p) => p.metadata.finalizers?.includes(JOB_TRACKING_FINALIZER)));
        return;
      }
      return syncJob(s, expectations.satisfied(key), backoffs, expectations);
    },
  };
}

function syncJob(s: JobSync, satisfied: boolean, backoffs: Map<string, BackoffRecord>, expectations: Expectations): Result | void {
  const { job, now } = s;
  const status: JobStatus = clone(job.status ?? {});
  const conditions = (status.conditions ?? []) as JobCondition[];
  const indexed = isIndexed(job);
  const completions = job.spec.completions;
  // A pod whose finalizer this controller already removed was counted then, even if the cache still shows the finalizer.
  const tracked = s.pods.filter((p) => p.metadata.finalizers?.includes(JOB_TRACKING_FINALIZER) && !s.expectedRmFinalizers.has(p.metadata.uid));
  const uncounted = { succeeded: [...(status.uncountedTerminatedPods?.succeeded ?? [])], failed: [...(status.uncountedTerminatedPods?.failed ?? [])] };
  const known = new Set([...uncounted.succeeded, ...uncounted.failed]);

  // Newly finished pods, judged by the pod failure policy.
  const newSucceeded: Stored<Pod>[] = [];
  const newFailed: Stored<Pod>[] = [];
  const ignored: Stored<Pod>[] = [];
  let policyFailure: JobCondition | undefined;
  const failIndexes = new Set<number>();
  for (const pod of tracked) {
    if (known.has(pod.metadata.uid)) continue;
    if (pod.status?.phase === 'Succeeded') newSucceeded.push(pod);
    else if (isPodFailed(pod, job)) {
      const m = pod.status?.phase === 'Failed' ? matchPodFailurePolicy(job, pod) : { countFailed: true };
      if (!m.countFailed) ignored.push(pod);
      else newFailed.push(pod);
      if (m.action === 'FailJob' && !policyFailure) policyFailure = newCondition('FailureTarget', 'PodFailurePolicy', m.message!, s.iso);
      if (m.action === 'FailIndex' && completionIndex(pod) >= 0) failIndexes.add(completionIndex(pod));
    }
  }
  uncounted.succeeded.push(...newSucceeded.map((p) => p.metadata.uid));
  uncounted.failed.push(...newFailed.map((p) => p.metadata.uid));

  // Succeeded and failed indexes (Indexed mode), and per-index failure counts.
  const total = completions ?? 0;
  const succeededIndexes = parseIndexes(status.completedIndexes, total);
  const failedIndexes = parseIndexes(status.failedIndexes ?? undefined, total);
  const uncountedSucceeded = new Set(uncounted.succeeded);
  for (const pod of s.pods) if (indexed && uncountedSucceeded.has(pod.metadata.uid) && completionIndex(pod) >= 0 && completionIndex(pod) < total) succeededIndexes.add(completionIndex(pod));
  if (hasBackoffLimitPerIndex(job)) {
    for (const pod of newFailed) {
      const i = completionIndex(pod);
      if (i < 0 || i >= total || succeededIndexes.has(i)) continue;
      const failures = Number(pod.metadata.annotations?.[INDEX_FAILURE_COUNT_ANNOTATION] ?? 0) + 1;
      if (failIndexes.has(i) || failures > job.spec.backoffLimitPerIndex!) failedIndexes.add(i);
    }
  }

  const succeeded = indexed ? succeededIndexes.size : (status.succeeded ?? 0) + uncounted.succeeded.length;
  const failed = (status.failed ?? 0) + uncounted.failed.length;
  const active = s.pods.filter((p) => !isPodTerminal(p) && !p.metadata.deletionTimestamp);
  const terminating = s.pods.filter((p) => p.metadata.deletionTimestamp && !isPodTerminal(p)).length;
  const rec = nextBackoffRecord(backoffs.get(job.metadata.uid) ?? { failuresAfterLastSuccess: 0 }, newSucceeded, newFailed, now);

  // Has the job reached an end?
  let finished = conditions.find((c) => (c.type === 'FailureTarget' || c.type === 'SuccessCriteriaMet') && c.status === 'True');
  if (!finished) finished = policyFailure;
  if (!finished) finished = failureReason(s, failed, failedIndexes, active);
  if (!finished) {
    const rule = successPolicyMatch(job, succeededIndexes);
    if (rule !== undefined) finished = newCondition('SuccessCriteriaMet', 'SuccessPolicy', `Matched rules at index ${rule}`, s.iso);
    else if (completionsReached(job, succeeded, succeededIndexes, failedIndexes, active.length)) {
      if (failedIndexes.size) finished = newCondition('FailureTarget', 'FailedIndexes', 'Job has failed indexes', s.iso);
      else finished = newCondition('SuccessCriteriaMet', 'CompletionsReached', 'Reached expected number of succeeded pods', s.iso);
    }
  }

  let requeue: number | undefined;
  let activeCount = active.length;
  if (finished) activeCount -= deletePods(s, active, expectations, active.length);
  else if (satisfied) {
    const r = manageJob(s, status, active, succeeded, succeededIndexes, failedIndexes, rec, expectations, terminating);
    activeCount = r.active;
    requeue = r.requeueMs;
  }
  backoffs.set(job.metadata.uid, rec);

  // Count the finished pods: record their uids, drop their finalizers, then move them into the counters.
  const toRelease = [...newSucceeded, ...newFailed, ...ignored];
  if (toRelease.length) {
    writeStatus(s, { ...status, uncountedTerminatedPods: uncounted });
    removeFinalizers(s, toRelease);
  }
  status.uncountedTerminatedPods = {};
  status.succeeded = indexed ? succeededIndexes.size : (status.succeeded ?? 0) + uncounted.succeeded.length;
  status.failed = failed;
  if (indexed) status.completedIndexes = formatIndexes(succeededIndexes);
  if (hasBackoffLimitPerIndex(job)) status.failedIndexes = formatIndexes(failedIndexes);
  status.active = activeCount;
  status.ready = active.filter((p) => isPodReady(p) && !s.deleted.has(p.metadata.uid)).length;
  status.terminating = s.pods.filter((p) => p.metadata.deletionTimestamp && !isPodTerminal(p)).length + (activeCount < active.length ? active.length - activeCount : 0);
  if (finished) {
    requeue = finishJob(s, status, finished) ?? requeue;
  } else {
    const deadline = job.spec.activeDeadlineSeconds;
    if (deadline && status.startTime && !job.spec.suspend) {
      const left = Date.parse(status.startTime) + deadline * 1000 - now;
      requeue = Math.min(requeue ?? left, left);
    }
  }
  for (const k of ['active', 'succeeded', 'failed'] as const) if (!status[k]) delete status[k];
  if (indexed && !status.completedIndexes) delete status.completedIndexes;
  writeStatus(s, status);
  return requeue !== undefined ? { requeueAfterMs: Math.max(requeue, 1) } : undefined;
}

/** The reasons a job fails, in upstream order: OnFailure restarts, backoffLimit, activeDeadlineSeconds, maxFailedIndexes. */
function failureReason(s: JobSync, failed: number, failedIndexes: Set<number>, active: Stored<Pod>[]): JobCondition | undefined {
  const { job } = s;
  const limit = job.spec.backoffLimit ?? 6;
  if (job.spec.template?.spec?.restartPolicy === 'OnFailure' && !hasBackoffLimitPerIndex(job)) {
    let restarts = 0;
    for (const p of active) for (const c of [...(p.status?.initContainerStatuses ?? []), ...(p.status?.containerStatuses ?? [])]) restarts += c.restartCount ?? 0;
    if ((limit === 0 && restarts > 0) || (limit > 0 && restarts >= limit)) return newCondition('FailureTarget', 'BackoffLimitExceeded', 'Job has reached the specified backoff limit', s.iso);
  }
  if (failed > limit) return newCondition('FailureTarget', 'BackoffLimitExceeded', 'Job has reached the specified backoff limit', s.iso);
  const deadline = job.spec.activeDeadlineSeconds;
  if (deadline && job.status?.startTime && !job.spec.suspend && s.now - Date.parse(job.status.startTime) >= deadline * 1000) {
    return newCondition('FailureTarget', 'DeadlineExceeded', 'Job was active longer than specified deadline', s.iso);
  }
  const maxFailed = job.spec.maxFailedIndexes;
  if (hasBackoffLimitPerIndex(job) && maxFailed !== undefined && maxFailed !== null && failedIndexes.size > maxFailed) {
    return newCondition('FailureTarget', 'MaxFailedIndexesExceeded', 'Job has exceeded the specified maximal number of failed indexes', s.iso);
  }
  return undefined;
}

function completionsReached(job: Job, succeeded: number, succeededIndexes: Set<number>, failedIndexes: Set<number>, active: number): boolean {
  const completions = job.spec.completions;
  if (completions === undefined || completions === null) return succeeded > 0 && active === 0;
  if (isIndexed(job)) return succeededIndexes.size + failedIndexes.size >= completions && (failedIndexes.size === 0 || active === 0);
  return succeeded >= completions;
}

/** manageJob: suspension, then as many pods as wantActive allows, after the failure backoff. */
function manageJob(
  s: JobSync,
  status: JobStatus,
  active: Stored<Pod>[],
  succeeded: number,
  succeededIndexes: Set<number>,
  failedIndexes: Set<number>,
  rec: BackoffRecord,
  expectations: Expectations,
  terminating: number,
): { active: number; requeueMs?: number } {
  const { job, ctx } = s;
  const conditions = (status.conditions ?? []) as JobCondition[];
  if (job.spec.suspend) {
    if (!trueCondition(job, 'Suspended')) {
      status.conditions = [...conditions.filter((c) => c.type !== 'Suspended'), newCondition('Suspended', 'JobSuspended', 'Job suspended', s.iso)];
      ctx.recorder.event(job, 'Normal', 'Suspended', 'Job suspended');
    }
    return { active: active.length - deletePods(s, active, expectations, active.length) };
  }
  const suspended = conditions.find((c) => c.type === 'Suspended');
  if (suspended?.status === 'True') {
    status.conditions = conditions.map((c) => (c.type === 'Suspended' ? newCondition('Suspended', 'JobResumed', 'Job resumed', s.iso, 'False') : c));
    ctx.recorder.event(job, 'Normal', 'Resumed', 'Job resumed');
    // ActiveDeadlineSeconds counts continuous activity: a resumed job starts its clock again.
    status.startTime = s.iso.replace(/\.\d+Z$/, 'Z');
  }
  if (!status.startTime) status.startTime = s.iso.replace(/\.\d+Z$/, 'Z');
  const parallelism = job.spec.parallelism ?? 1;
  const completions = job.spec.completions;
  let want: number;
  if (completions === undefined || completions === null) want = succeeded > 0 ? active.length : parallelism;
  else want = Math.max(0, Math.min(completions - succeeded - (isIndexed(job) ? failedIndexes.size : 0), parallelism));
  const excess = active.length - want;
  if (excess > 0) return { active: active.length - deletePods(s, active, expectations, excess) };
  let diff = want - (onlyReplaceFailedPods(job) ? terminating : 0) - active.length;
  if (diff <= 0) return { active: active.length };
  if (!hasBackoffLimitPerIndex(job)) {
    const left = remainingBackoff(rec, s.now);
    if (left > 0) return { active: active.length, requeueMs: left };
  }
  diff = Math.min(diff, MAX_POD_CREATE_DELETE_PER_SYNC);
  let indexes: number[] = [];
  let requeueMs: number | undefined;
  if (isIndexed(job)) {
    const busy = new Set(active.map(completionIndex));
    for (let i = 0; i < (completions ?? 0) && indexes.length < diff; i++) {
      if (succeededIndexes.has(i) || failedIndexes.has(i) || busy.has(i)) continue;
      if (hasBackoffLimitPerIndex(job)) {
        const wait = indexBackoff(s, i);
        if (wait > 0) {
          requeueMs = Math.min(requeueMs ?? wait, wait);
          continue;
        }
      }
      indexes.push(i);
    }
    diff = indexes.length;
  }
  const created = createPods(s, diff, indexes, expectations);
  return { active: active.length + created, requeueMs };
}

export function writeStatus(s: JobSync, status: JobStatus): void {
  if (deepEqual(status, s.job.status ?? {})) return;
  try {
    s.job = s.ctx.client.updateStatus(R.jobs, { ...s.job, status });
  } catch (e) {
    if (!isStatusError(e, 'NotFound')) throw e;
  }
}



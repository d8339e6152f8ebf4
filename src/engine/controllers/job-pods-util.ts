/**
 * How the Job controller acts on pods (pkg/controller/job): creating them in
 * slow-start batches with the tracking finalizer (and, in Indexed mode, the
 * completion index as annotation, label, JOB_COMPLETION_INDEX, hostname and
 * name prefix), deleting the best candidates, removing finalizers once pods
 * are counted, and the per-index back-off of backoffLimitPerIndex.
 */
import { R } from '../api/kinds.ts';
import type { Job, Pod, Stored } from '../api/types.ts';
import { clone, namespacedName, newControllerRef, splitKey } from '../api/meta.ts';
import { isStatusError } from '../api/errors.ts';
import type { Informer } from '../client/informer.ts';
import type { ControllerContext } from './manager.ts';
import { type Expectations, podFromTemplate } from './controller-utils.ts';
import { isPodReady, podCondition } from '../api/pod.ts';
import {
  COMPLETION_INDEX_ANNOTATION,
  INDEX_FAILURE_COUNT_ANNOTATION,
  JOB_TRACKING_FINALIZER,
  type JobSync,
  MAX_POD_CREATE_DELETE_PER_SYNC,
  MAX_POD_FAILURE_BACKOFF_MS,
  POD_FAILURE_BACKOFF_MS,
  completionIndex,
  finishedTime,
  hasBackoffLimitPerIndex,
} from './job-util.ts';

/** Per-index backoff (backoffLimitPerIndex): 10 s doubling per failure of this index, from its last failure. */
export function indexBackoff(s: JobSync, index: number): number {
  const failed = s.pods.filter((p) => completionIndex(p) === index && p.status?.phase === 'Failed');
  if (!failed.length) return 0;
  const last = failed.reduce((a, b) => (finishedTime(a, s.now) >= finishedTime(b, s.now) ? a : b));
  const failures = Number(last.metadata.annotations?.[INDEX_FAILURE_COUNT_ANNOTATION] ?? 0) + 1;
  const backoff = Math.min(POD_FAILURE_BACKOFF_MS * 2 ** (failures - 1), MAX_POD_FAILURE_BACKOFF_MS);
  const elapsed = s.now - finishedTime(last, s.now);
  return backoff < elapsed ? 0 : backoff - elapsed;
}

export function createPods(s: JobSync, count: number, indexes: number[], expectations: Expectations): number {
  const { job, ctx } = s;
  const key = namespacedName(job);
  expectations.expect(key, count, 0);
  const template = clone(job.spec.template);
  template.metadata = { ...(template.metadata ?? {}), finalizers: [...new Set([...(template.metadata?.finalizers ?? []), JOB_TRACKING_FINALIZER])] };
  const ref = newControllerRef(job, R.jobs);
  let created = 0;
  let pos = 0;
  let batch = Math.min(count, 1);
  while (batch > 0) {
    let failed = false;
    for (let i = pos; i < pos + batch; i++) {
      const pod = podFromTemplate(template, job, ref);
      if (indexes.length) addIndex(s, pod, indexes[i]);
      try {
        const p = ctx.client.create(R.pods, pod);
        ctx.recorder.event(job, 'Normal', 'SuccessfulCreate', `Created pod: ${p.metadata.name}`);
        created++;
      } catch (e) {
        failed = true;
        if (!(isStatusError(e, 'Forbidden') && (e as Error).message.includes('being terminated'))) {
          ctx.recorder.event(job, 'Warning', 'FailedCreate', `Error creating: ${(e as Error).message}`);
        }
      }
    }
    pos += batch;
    if (failed) break;
    batch = Math.min(2 * batch, count - pos);
  }
  if (created < count) expectations.lower(key, count - created, 0);
  return created;
}

/** Indexed pods: the index as annotation, label and JOB_COMPLETION_INDEX, a `<job>-<index>` hostname and name prefix. */
function addIndex(s: JobSync, pod: Pod, index: number): void {
  const job = s.job;
  pod.metadata.annotations = { ...(pod.metadata.annotations ?? {}), [COMPLETION_INDEX_ANNOTATION]: String(index) };
  pod.metadata.labels = { ...(pod.metadata.labels ?? {}), [COMPLETION_INDEX_ANNOTATION]: String(index) };
  pod.metadata.generateName = `${job.metadata.name}-${index}-`;
  pod.spec.hostname = `${job.metadata.name}-${index}`;
  const env = { name: 'JOB_COMPLETION_INDEX', valueFrom: { fieldRef: { fieldPath: `metadata.annotations['${COMPLETION_INDEX_ANNOTATION}']` } } };
  for (const c of [...(pod.spec.initContainers ?? []), ...pod.spec.containers]) {
    if (!(c.env ?? []).some((e) => e.name === 'JOB_COMPLETION_INDEX')) c.env = [...(c.env ?? []), env];
  }
  if (hasBackoffLimitPerIndex(job)) {
    const previous = s.pods.filter((p) => completionIndex(p) === index && p.status?.phase === 'Failed');
    const count = previous.reduce((m, p) => Math.max(m, Number(p.metadata.annotations?.[INDEX_FAILURE_COUNT_ANNOTATION] ?? 0) + 1), 0);
    pod.metadata.annotations[INDEX_FAILURE_COUNT_ANNOTATION] = String(count);
  }
}

/** Deletes up to `n` pods, the best candidates first; returns how many were deleted. */
export function deletePods(s: JobSync, candidates: Stored<Pod>[], expectations: Expectations, n: number): number {
  const victims = [...candidates].sort(activePodsLess).slice(0, Math.min(n, MAX_POD_CREATE_DELETE_PER_SYNC));
  if (!victims.length) return 0;
  const key = namespacedName(s.job);
  expectations.expect(key, 0, victims.length);
  let removed = 0;
  for (const pod of victims) {
    try {
      s.ctx.client.delete(R.pods, pod.metadata.namespace, pod.metadata.name);
      s.ctx.recorder.event(s.job, 'Normal', 'SuccessfulDelete', `Deleted pod: ${pod.metadata.name}`);
      s.deleted.add(pod.metadata.uid);
      removed++;
    } catch (e) {
      expectations.lower(key, 0, 1);
      if (!isStatusError(e, 'NotFound')) s.ctx.recorder.event(s.job, 'Warning', 'FailedDelete', `Error deleting: ${(e as Error).message}`);
    }
  }
  return removed;
}

/**
 * removeTrackingFinalizerFromPods: the removals are expected first
 * (expectFinalizersRemoved), so that later syncs do not count these pods
 * again while the pod cache still shows them with the finalizer; a removal
 * that fails is no longer expected.
 */
export function removeFinalizers(s: JobSync, list: Stored<Pod>[]): void {
  for (const pod of list) s.expectedRmFinalizers.add(pod.metadata.uid);
  for (const pod of list) {
    if (!patchOutFinalizer(s.ctx, pod)) s.expectedRmFinalizers.delete(pod.metadata.uid);
  }
}

/** Whether the patch went through. */
function patchOutFinalizer(ctx: ControllerContext, pod: Stored<Pod>): boolean {
  const finalizers = (pod.metadata.finalizers ?? []).filter((f) => f !== JOB_TRACKING_FINALIZER);
  try {
    ctx.client.patch(R.pods, pod.metadata.namespace, pod.metadata.name, [{ op: 'replace', path: '/metadata/finalizers', value: finalizers }], 'json');
    return true;
  } catch (e) {
    if (!isStatusError(e, 'NotFound') && !isStatusError(e, 'Invalid')) throw e;
    return false;
  }
}

export function removeOrphanFinalizer(key: string, ctx: ControllerContext, pods: Informer<Pod>, ownerOf: (p: Stored<Pod>) => Stored<Job> | undefined): void {
  const { namespace, name } = splitKey(key);
  const pod = pods.get(namespace, name);
  if (!pod || !pod.metadata.finalizers?.includes(JOB_TRACKING_FINALIZER) || ownerOf(pod)) return;
  void patchOutFinalizer(ctx, pod);
}


const PHASE_ORDER: Record<string, number> = { Pending: 0, Unknown: 1, Running: 2 };
const maxRestarts = (p: Pod) => Math.max(0, ...(p.status?.containerStatuses ?? []).map((c) => c.restartCount ?? 0));
/** Later times first; a missing time (zero) counts as the latest. */
const afterOrZero = (a: string | undefined, b: string | undefined) => (a === b ? 0 : !a ? -1 : !b ? 1 : a > b ? -1 : 1);

/**
 * controller.ActivePods ordering, which the Job controller deletes by:
 * unassigned, then Pending, Unknown, Running; not ready before ready; ready
 * for less time first; more restarts first; newer first.
 */
function activePodsLess(a: Stored<Pod>, b: Stored<Pod>): number {
  if (!!a.spec.nodeName !== !!b.spec.nodeName) return a.spec.nodeName ? 1 : -1;
  const pa = PHASE_ORDER[a.status?.phase ?? ''] ?? 3;
  const pb = PHASE_ORDER[b.status?.phase ?? ''] ?? 3;
  if (pa !== pb) return pa - pb;
  if (isPodReady(a) !== isPodReady(b)) return isPodReady(a) ? 1 : -1;
  if (isPodReady(a) && isPodReady(b)) {
    const c = afterOrZero(podCondition(a, 'Ready')?.lastTransitionTime, podCondition(b, 'Ready')?.lastTransitionTime);
    if (c) return c;
  }
  if (maxRestarts(a) !== maxRestarts(b)) return maxRestarts(b) - maxRestarts(a);
  return afterOrZero(a.metadata.creationTimestamp, b.metadata.creationTimestamp);
}

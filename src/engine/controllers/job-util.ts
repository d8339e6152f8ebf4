/**
 * Job arithmetic (pkg/controller/job, Kubernetes 1.33): the pod failure
 * backoff, completion indexes and their interval strings, the pod failure
 * policy, what counts as a failed pod, and the finish time of a pod.
 */
import type { Job, JobCondition, Pod, Stored } from '../api/types.ts';
import type { ControllerContext } from './manager.ts';
import { podCondition } from '../api/pod.ts';

/** DefaultJobPodFailureBackOff and MaxJobPodFailureBackOff. */
export const POD_FAILURE_BACKOFF_MS = 10_000;
export const MAX_POD_FAILURE_BACKOFF_MS = 360_000;
/** MaxPodCreateDeletePerSync. */
export const MAX_POD_CREATE_DELETE_PER_SYNC = 500;
export const JOB_TRACKING_FINALIZER = 'batch.kubernetes.io/job-tracking';
export const COMPLETION_INDEX_ANNOTATION = 'batch.kubernetes.io/job-completion-index';
export const INDEX_FAILURE_COUNT_ANNOTATION = 'batch.kubernetes.io/job-index-failure-count';

/** How many pod failures since the last success, and when the last one happened (backoffRecord). */
export interface BackoffRecord {
  failuresAfterLastSuccess: number;
  lastFailureTime?: number;
}

/** getFinishedTime: the Ready=False transition of a terminal pod, else the last container finish, else its deletion. */
export function finishedTime(pod: Pod, now: number): number {
  const phase = pod.status?.phase;
  const ready = podCondition(pod, 'Ready');
  if ((phase === 'Failed' || phase === 'Succeeded') && ready?.status === 'False' && ready.lastTransitionTime) return Date.parse(ready.lastTransitionTime);
  let latest: number | undefined;
  for (const s of [...(pod.status?.initContainerStatuses ?? []), ...(pod.status?.containerStatuses ?? [])]) {
    const f = s.state?.terminated?.finishedAt;
    if (!f) continue;
    const t = Date.parse(f);
    if (latest === undefined || t > latest) latest = t;
  }
  if (latest !== undefined) return latest;
  if (pod.metadata.deletionTimestamp) {
    return Date.parse(pod.metadata.deletionTimestamp) - (pod.metadata.deletionGracePeriodSeconds ?? 0) * 1000;
  }
  return now;
}

/** newBackoffRecord: new failures extend the record; a new success resets it, keeping failures after it. */
export function nextBackoffRecord(old: BackoffRecord, newSucceeded: Pod[], newFailed: Pod[], now: number): BackoffRecord {
  const byTime = (a: Pod, b: Pod) => finishedTime(a, now) - finishedTime(b, now);
  const succeeded = [...newSucceeded].sort(byTime);
  const failed = [...newFailed].sort(byTime);
  if (!succeeded.length) {
    if (!failed.length) return old;
    return { failuresAfterLastSuccess: old.failuresAfterLastSuccess + failed.length, lastFailureTime: finishedTime(failed[failed.length - 1], now) };
  }
  const rec: BackoffRecord = { failuresAfterLastSuccess: 0 };
  const lastSuccess = finishedTime(succeeded[succeeded.length - 1], now);
  for (let i = failed.length - 1; i >= 0; i--) {
    const t = finishedTime(failed[i], now);
    if (t <= lastSuccess) break;
    rec.lastFailureTime ??= t;
    rec.failuresAfterLastSuccess++;
  }
  return rec;
}

/** getRemainingTime: 10 s doubling per failure since the last success, capped at 6 min, from the last failure. */
export function remainingBackoff(rec: BackoffRecord, now: number): number {
  if (rec.failuresAfterLastSuccess === 0 || rec.lastFailureTime === undefined) return 0;
  const backoff = Math.min(POD_FAILURE_BACKOFF_MS * 2 ** (rec.failuresAfterLastSuccess - 1), MAX_POD_FAILURE_BACKOFF_MS);
  const elapsed = now - rec.lastFailureTime;
  return backoff < elapsed ? 0 : backoff - elapsed;
}

export const isIndexed = (job: Job): boolean => job.spec.completionMode === 'Indexed';
export const hasBackoffLimitPerIndex = (job: Job): boolean => job.spec.backoffLimitPerIndex !== undefined && job.spec.backoffLimitPerIndex !== null;
/** onlyReplaceFailedPods: new pods wait until the old ones are fully terminated. */
export const onlyReplaceFailedPods = (job: Job): boolean => job.spec.podReplacementPolicy === 'Failed' || !!job.spec.podFailurePolicy;

/** isPodFailed: Failed, or (unless only failed pods are replaced) being deleted without having succeeded. */
export function isPodFailed(pod: Pod, job: Job): boolean {
  if (pod.status?.phase === 'Failed') return true;
  if (onlyReplaceFailedPods(job)) return false;
  return !!pod.metadata.deletionTimestamp && pod.status?.phase !== 'Succeeded';
}

/** The completion index of a pod, or -1 (getCompletionIndex). */
export function completionIndex(pod: Pod): number {
  const v = pod.metadata.annotations?.[COMPLETION_INDEX_ANNOTATION] ?? pod.metadata.labels?.[COMPLETION_INDEX_ANNOTATION];
  if (v === undefined || !/^\d+$/.test(v)) return -1;
  return Number(v);
}

/** Parses "0-2,4,6,7" into a sorted set of indexes below `completions` (parseIndexesFromString). */
export function parseIndexes(s: string | undefined, completions: number): Set<number> {
  const out = new Set<number>();
  for (const part of (s ?? '').split(',')) {
    if (!part) continue;
    const m = /^(\d+)(?:-(\d+))?$/.exec(part);
    if (!m) continue;
    const first = Number(m[1]);
    const last = m[2] !== undefined ? Number(m[2]) : first;
    for (let i = first; i <= last && i < completions; i++) out.add(i);
  }
  return out;
}

/** orderedIntervals.String: ranges of three or more as "a-b", two as "a,b". */
export function formatIndexes(set: Iterable<number>): string {
  const sorted = [...set].sort((a, b) => a - b);
  const parts: string[] = [];
  let i = 0;
  while (i < sorted.length) {
    let j = i;
    while (j + 1 < sorted.length && sorted[j + 1] === sorted[j] + 1) j++;
    if (j === i) parts.push(String(sorted[i]));
    else if (j === i + 1) parts.push(`${sorted[i]},${sorted[j]}`);
    else parts.push(`${sorted[i]}-${sorted[j]}`);
    i = j + 1;
  }
  return parts.join(',');
}

export type FailurePolicyAction = 'FailJob' | 'FailIndex' | 'Ignore' | 'Count';

/**
 * matchPodFailurePolicy: the first rule matching a failed pod (by a non-zero
 * exit code of a terminated container, or by a pod condition), its action,
 * whether the failure counts, and for FailJob the condition's message.
 */
export function matchPodFailurePolicy(job: Job, pod: Pod): { action?: FailurePolicyAction; countFailed: boolean; message?: string } {
  const policy = job.spec.podFailurePolicy;
  if (!policy) return { countFailed: true };
  const statuses = [...(pod.status?.initContainerStatuses ?? []), ...(pod.status?.containerStatuses ?? [])];
  for (let index = 0; index < (policy.rules ?? []).length; index++) {
    const rule = policy.rules[index];
    let message: string | undefined;
    if (rule.onExitCodes) {
      const req = rule.onExitCodes;
      const hit = statuses.find((s) => {
        const code = s.state?.terminated?.exitCode;
        if (code === undefined || code === 0) return false;
        if (req.containerName && req.containerName !== s.name) return false;
        const inValues = (req.values ?? []).includes(code);
        return req.operator === 'In' ? inValues : req.operator === 'NotIn' ? !inValues : false;
      });
      if (!hit) continue;
      message = `Container ${hit.name} for pod ${pod.metadata.namespace}/${pod.metadata.name} failed with exit code ${hit.state!.terminated!.exitCode} matching ${rule.action} rule at index ${index}`;
    } else if (rule.onPodConditions) {
      const hit = rule.onPodConditions.find((p) => (pod.status?.conditions ?? []).some((c) => c.type === p.type && c.status === (p.status ?? 'True')));
      if (!hit) continue;
      message = `Pod ${pod.metadata.namespace}/${pod.metadata.name} has condition ${hit.type} matching ${rule.action} rule at index ${index}`;
    } else continue;
    switch (rule.action) {
      case 'Ignore':
        return { action: 'Ignore', countFailed: false };
      case 'FailIndex':
        return { action: 'FailIndex', countFailed: true };
      case 'Count':
        return { action: 'Count', countFailed: true };
      case 'FailJob':
        return { action: 'FailJob', countFailed: true, message };
    }
  }
  return { countFailed: true };
}

/** The job's condition of a type, when True. */
export function trueCondition(job: Job, type: string): JobCondition | undefined {
  return job.status?.conditions?.find((c) => c.type === type && c.status === 'True');
}

/** IsJobFinished: a True Complete or Failed condition. */
export const isJobFinished = (job: Job): boolean => !!trueCondition(job, 'Complete') || !!trueCondition(job, 'Failed');

export function newCondition(type: string, reason: string, message: string, iso: string, status = 'True'): JobCondition {
  return { type, status, lastProbeTime: iso, lastTransitionTime: iso, reason, message };
}

/** One sync of one Job. */
export interface JobSync {
  job: Stored<Job>;
  ctx: ControllerContext;
  pods: Stored<Pod>[];
  now: number;
  iso: string;
  /** Pods this sync deleted: no longer active, so neither counted ready. */
  deleted: Set<string>;
  /**
   * Uids of the job's pods whose tracking finalizer the controller removed
   * and has not yet seen gone (finalizerExpectations): their finish is
   * already counted, whatever a lagging pod cache still shows.
   */
  expectedRmFinalizers: Set<string>;
}

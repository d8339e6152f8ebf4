/**
 * How a Job finishes (pkg/controller/job, Kubernetes 1.33 with
 * JobManagedBy and JobPodReplacementPolicy on): the interim condition
 * (FailureTarget or SuccessCriteriaMet) comes at once; the terminal one
 * (Failed or Complete, same reason and message) once no pod of the job is
 * still terminating, with completionTime for Complete and the events
 * `Completed` or the failure reason. The successPolicy rules.
 */
import type { Job, JobCondition, JobStatus } from '../api/types.ts';
import { type JobSync, parseIndexes } from './job-util.ts';

const TERMINAL: Record<string, string> = { FailureTarget: 'Failed', SuccessCriteriaMet: 'Complete' };

/** Adds the interim condition, and the terminal one when nothing is terminating. Returns a requeue delay, if any. */
export function finishJob(s: JobSync, status: JobStatus, interim: JobCondition): number | undefined {
  const conditions = [...((status.conditions ?? []) as JobCondition[])];
  if (!conditions.some((c) => c.type === interim.type && c.status === 'True')) conditions.push(interim);
  status.conditions = conditions;
  if ((status.terminating ?? 0) > 0) return undefined;
  const type = TERMINAL[interim.type];
  if (conditions.some((c) => c.type === type && c.status === 'True')) return undefined;
  conditions.push({ ...interim, type, lastProbeTime: s.iso, lastTransitionTime: s.iso });
  status.active = 0;
  if (type === 'Complete') {
    status.completionTime = s.iso.replace(/\.\d+Z$/, 'Z');
    const completions = s.job.spec.completions;
    if (completions !== undefined && completions !== null && (status.succeeded ?? 0) > completions) {
      s.ctx.recorder.event(s.job, 'Warning', 'TooManySucceededPods', 'Too many succeeded pods running after completion count reached');
    }
    s.ctx.recorder.event(s.job, 'Normal', 'Completed', 'Job completed');
  } else {
    s.ctx.recorder.event(s.job, 'Warning', interim.reason ?? 'Failed', interim.message ?? '');
  }
  return undefined;
}

/**
 * The index of the first successPolicy rule the succeeded indexes satisfy:
 * all of its succeededIndexes (or succeededCount of them), or succeededCount
 * indexes in all.
 */
export function successPolicyMatch(job: Job, succeeded: Set<number>): number | undefined {
  const rules = job.spec.successPolicy?.rules ?? [];
  const completions = job.spec.completions ?? 0;
  for (let i = 0; i < rules.length; i++) {
    const r = rules[i];
    if (r.succeededIndexes) {
      const wanted = parseIndexes(r.succeededIndexes, completions);
      let hits = 0;
      for (const x of wanted) if (succeeded.has(x)) hits++;
      const need = r.succeededCount ?? wanted.size;
      if (wanted.size && hits >= need) return i;
    } else if (r.succeededCount !== undefined && succeeded.size >= r.succeededCount) return i;
  }
  return undefined;
}

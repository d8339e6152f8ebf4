/**
 * Defaults of Jobs and CronJobs (pkg/apis/batch/v1/defaults.go, release
 * 1.33, with JobPodReplacementPolicy on).
 */
import { defaultPodTemplateSpec } from './pod.ts';
import type { Rec } from './util.ts';
import { ensure, rec, recs, setIfAbsent, setIfEmpty } from './util.ts';

const MAX_INT32 = 2147483647;

/** SetDefaults_PodFailurePolicyOnPodConditionsPattern: a pattern matches True conditions by default. */
function defaultPodFailurePolicy(spec: Rec): void {
  for (const rule of recs(rec(spec.podFailurePolicy)?.rules)) for (const p of recs(rule.onPodConditions)) setIfEmpty(p, 'status', 'True');
}

/** SetObjectDefaults_Job */
export function defaultJob(job: Rec): void {
  const spec = ensure(job, 'spec');
  // A job with neither completions nor parallelism runs one pod to completion.
  if ((spec.completions === undefined || spec.completions === null) && (spec.parallelism === undefined || spec.parallelism === null)) {
    spec.completions = 1;
    spec.parallelism = 1;
  }
  setIfAbsent(spec, 'parallelism', 1);
  setIfAbsent(spec, 'backoffLimit', spec.backoffLimitPerIndex !== undefined && spec.backoffLimitPerIndex !== null ? MAX_INT32 : 6);
  const labels = rec(rec(rec(spec.template)?.metadata)?.labels);
  const meta = ensure(job, 'metadata');
  if (labels && (!rec(meta.labels) || Object.keys(rec(meta.labels)!).length === 0)) meta.labels = { ...labels };
  setIfAbsent(spec, 'completionMode', 'NonIndexed');
  setIfAbsent(spec, 'suspend', false);
  setIfAbsent(spec, 'podReplacementPolicy', rec(spec.podFailurePolicy) ? 'Failed' : 'TerminatingOrFailed');
  setIfAbsent(spec, 'manualSelector', false);
  defaultPodFailurePolicy(spec);
  defaultPodTemplateSpec(ensure(spec, 'template'));
}

/** SetObjectDefaults_CronJob: the CronJob's own defaults and its job template's pod template. */
export function defaultCronJob(cj: Rec): void {
  const spec = ensure(cj, 'spec');
  setIfEmpty(spec, 'concurrencyPolicy', 'Allow');
  setIfAbsent(spec, 'suspend', false);
  setIfAbsent(spec, 'successfulJobsHistoryLimit', 3);
  setIfAbsent(spec, 'failedJobsHistoryLimit', 1);
  const jobSpec = ensure(ensure(spec, 'jobTemplate'), 'spec');
  defaultPodFailurePolicy(jobSpec);
  defaultPodTemplateSpec(ensure(jobSpec, 'template'));
}

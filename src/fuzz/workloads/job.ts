/**
 * Jobs: pods that sleep a while and exit 0 (busybox `sleep`), with 1 to 4
 * completions, up to 3 at a time, restartPolicy Never or OnFailure and the
 * default backoffLimit of 6. Crashes, deletions and dead nodes count as
 * failures, so a job may end Failed as well as Complete: both are at rest.
 * Settled, as the Job docs describe a finished job, when it carries a
 * Complete or Failed condition, none of its pods is still running (a pod
 * made from a stale cache after the end may still wait for a node) or
 * terminating, it reports none active, its pods no longer carry the
 * job-tracking finalizer, and a Complete job counts at least `completions`
 * successes. An unfinished job is settled only while one of its pods waits
 * for a node (the scheduler's business: scheduler-liveness), or while it is
 * suspended: then, as the Job docs say, its active pods are gone, it
 * reports none active and carries the Suspended condition.
 */
import fc from 'fast-check';
import { R, controllerRef, getCondition, type Job, type Stored } from '../../engine/index.ts';
import type { View } from '../../harness/view.ts';
import { podTemplate, podTemplateArb } from '../arbitraries/pods.ts';
import { names, podsOf, templateObjects, who } from './common.ts';
import type { WorkloadConstraints, WorkloadKind, WorkloadSpec } from './types.ts';

export interface JobSpec extends WorkloadSpec {
  readonly kind: 'job';
  readonly completions: number;
  readonly parallelism: number;
  /** Seconds each pod runs before it exits 0. */
  readonly seconds: number;
  readonly restartPolicy: 'Never' | 'OnFailure';
}

export const JOB_IMAGE = 'busybox:1.36';
const TRACKING_FINALIZER = 'batch.kubernetes.io/job-tracking';

/** The pod template of a job's pods: busybox sleeping `seconds`, then exiting 0. */
export function sleepingPodTemplate(s: Pick<JobSpec, 'name' | 'template' | 'seconds' | 'restartPolicy'>): Record<string, unknown> {
  const template = podTemplate(s.name, s.template) as { spec: Record<string, unknown> & { containers: Array<Record<string, unknown>> } };
  template.spec.containers[0].command = ['sh', '-c', `sleep ${s.seconds}`];
  template.spec.restartPolicy = s.restartPolicy;
  return template;
}

export const jobKind: WorkloadKind<JobSpec> = {
  kind: 'job',
  type: R.jobs,
  writes: [R.jobs, R.pods],
  scalable: false,
  rollsOut: false,
  rollsBack: false,
  suspendable: true,

  arbitrary(name: string, c: WorkloadConstraints) {
    return fc
      .record({
        completions: fc.integer({ min: 1, max: 4 }),
        parallelism: fc.integer({ min: 1, max: Math.max(1, Math.min(3, c.maxReplicas)) }),
        seconds: fc.constantFrom(10, 30, 90),
        restartPolicy: fc.constantFrom<JobSpec['restartPolicy']>('Never', 'OnFailure'),
        template: podTemplateArb(c),
      })
      .map(
        ({ completions, parallelism, seconds, restartPolicy, template }): JobSpec => ({
          kind: 'job',
          name,
          completions,
          parallelism: Math.min(parallelism, completions),
          seconds,
          restartPolicy,
          // A job's pods run busybox; readiness means nothing to it.
          template: { ...template, image: JOB_IMAGE, readyAfter: 0 },
        }),
      );
  },

  manifest(s) {
    const template = sleepingPodTemplate(s);
    return [
      ...templateObjects(s.template),
      {
        apiVersion: 'batch/v1',
        kind: 'Job',
        metadata: { name: s.name },
        spec: { completions: s.completions, parallelism: s.parallelism, ...(s.suspend ? { suspend: true } : {}), template },
      },
    ];
  },

  pods: (s) => s.parallelism,

  unsettled(view: View, obj: Stored) {
    const job = obj as Stored<Job>;
    // A CronJob's jobs come and go on its schedule: the CronJob judges them (cronjob.ts).
    if (controllerRef(job)?.kind === 'CronJob') return [];
    const me = who('job', job);
    if (job.metadata.deletionTimestamp) return [`${me} is still being deleted`];
    const { all, live, terminating } = podsOf(view, job);
    const st = job.status ?? {};
    const complete = getCondition(st.conditions, 'Complete')?.status === 'True';
    const failed = getCondition(st.conditions, 'Failed')?.status === 'True';
    if (!complete && !failed) {
      if (job.spec.suspend) {
        const out: string[] = [];
        if (getCondition(st.conditions, 'Suspended')?.status !== 'True') out.push(`${me} is suspended but has no Suspended condition`);
        if (live.length) out.push(`${me} is suspended but still has active pods (${names(live)})`);
        if (terminating.length) out.push(`${me} is suspended but still has terminating pods (${names(terminating)})`);
        if (st.active) out.push(`${me} is suspended but reports ${st.active} active pods`);
        return out;
      }
      if (live.some((p) => !p.spec.nodeName)) return [];
      return [`${me} has not finished: ${st.active ?? 0} active, ${st.succeeded ?? 0} succeeded, ${st.failed ?? 0} failed pods`];
    }
    const out: string[] = [];
    // A controller that acted on a stale cache may have made a pod after the end (upstream too; workload-bounds holds
    // unperturbed histories to never doing so): it runs to its end like any other, or waits for a node, which is the
    // scheduler's business.
    const running = live.filter((p) => p.spec.nodeName);
    if (running.length) out.push(`${me} has ${complete ? 'completed' : 'failed'} but still runs pods (${names(running)})`);
    if (terminating.length) out.push(`${me} has ${complete ? 'completed' : 'failed'} but still has terminating pods (${names(terminating)})`);
    if (st.active) out.push(`${me} has ${complete ? 'completed' : 'failed'} but reports ${st.active} active pods`);
    const tracked = all.filter((p) => p.metadata.finalizers?.includes(TRACKING_FINALIZER));
    if (tracked.length) out.push(`${me} has finished but its pods ${names(tracked)} still carry the ${TRACKING_FINALIZER} finalizer`);
    if (complete && (st.succeeded ?? 0) < (job.spec.completions ?? 1)) out.push(`${me} is Complete with ${st.succeeded ?? 0} succeeded pods, fewer than its ${job.spec.completions} completions`);
    return out;
  },
};

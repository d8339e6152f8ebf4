/**
 * CronJobs: every 1 or 2 minutes (`*\/N * * * *`, in UTC or one of a few
 * time zones, Asia/Kathmandu's 5:45 among them), a Job of 1 or 2 pods
 * that sleep a while and exit 0 (busybox, without a priority class, so
 * that they never preempt), under each concurrencyPolicy,
 * with default or small history limits and sometimes a
 * startingDeadlineSeconds. A CronJob never comes to rest: it makes a Job
 * at every scheduled time, so its objects (`recurring`) are left out of
 * what eventual-stability waits to stop changing, and its Jobs are judged
 * here rather than as Jobs of their own.
 *
 * Settled, as the CronJob docs describe the controller at work, when:
 * - finished Jobs are within successfulJobsHistoryLimit (default 3) and
 *   failedJobsHistoryLimit (default 1);
 * - status.active lists only unfinished Jobs of its own (an unfinished Job
 *   it did not record, made just before a crash, stays out of the list:
 *   "Saw a job that the controller did not create or forgot");
 * - the Job due at the latest scheduled time has been started (its
 *   lastScheduleTime is that time), unless concurrencyPolicy Forbid holds
 *   it back behind a running Job, or it is later than
 *   startingDeadlineSeconds ("the CronJob controller counts how many missed
 *   jobs ... and skips"); the controller wakes 100 ms after each scheduled
 *   time, so a start is looked for a second later.
 */
import fc from 'fast-check';
import { sometimes } from '../arbitraries/chance.ts';
import { R, getCondition, utcOffsetMinutes, type CronJob, type Job, type Stored } from '../../engine/index.ts';
import type { View } from '../../harness/view.ts';
import { podTemplateArb } from '../arbitraries/pods.ts';
import { owned, templateObjects, who } from './common.ts';
import { JOB_IMAGE, sleepingPodTemplate } from './job.ts';
import type { WorkloadConstraints, WorkloadKind, WorkloadSpec } from './types.ts';

export interface CronJobSpec extends WorkloadSpec {
  readonly kind: 'cronjob';
  /** The schedule is `*\/everyMinutes * * * *`. */
  readonly everyMinutes: 1 | 2;
  readonly concurrencyPolicy: 'Allow' | 'Forbid' | 'Replace';
  /** Pods per Job (completions and parallelism alike). */
  readonly parallelism: number;
  /** Seconds each pod runs before it exits 0. */
  readonly seconds: number;
  readonly restartPolicy: 'Never' | 'OnFailure';
  /** Left to the defaults (3 and 1) when undefined. */
  readonly successfulJobsHistoryLimit?: number;
  readonly failedJobsHistoryLimit?: number;
  readonly startingDeadlineSeconds?: number;
  /** spec.timeZone; UTC (the controller manager's) when undefined. */
  readonly timeZone?: string;
}

/** Zones whose offsets are whole hours, half hours and three quarters: `*\/2` falls on other UTC minutes in Kathmandu. */
export const CRON_TIME_ZONES = ['Etc/UTC', 'America/St_Johns', 'Asia/Kolkata', 'Asia/Kathmandu'] as const;

/** How long a scheduled start may take to show (the controller wakes 100 ms after the time). */
const START_GRACE_MS = 1000;

function finished(j: Job): 'Complete' | 'Failed' | undefined {
  if (getCondition(j.status?.conditions, 'Complete')?.status === 'True') return 'Complete';
  if (getCondition(j.status?.conditions, 'Failed')?.status === 'True') return 'Failed';
  return undefined;
}

const scheduleOf = (everyMinutes: number) => `*/${everyMinutes} * * * *`;

const jobNames = (jobs: readonly Stored<Job>[]) => jobs.map((j) => j.metadata.name).join(', ');

export const cronJobKind: WorkloadKind<CronJobSpec> = {
  kind: 'cronjob',
  type: R.cronJobs,
  writes: [R.cronJobs, R.jobs, R.pods],
  recurring: [R.jobs, R.pods],
  scalable: false,
  rollsOut: false,
  rollsBack: false,
  suspendable: true,
  triggerable: true,

  arbitrary(name: string, c: WorkloadConstraints) {
    return fc
      .record({
        everyMinutes: fc.constantFrom<CronJobSpec['everyMinutes']>(1, 2),
        concurrencyPolicy: fc.constantFrom<CronJobSpec['concurrencyPolicy']>('Allow', 'Forbid', 'Replace'),
        parallelism: fc.integer({ min: 1, max: Math.max(1, Math.min(2, c.maxReplicas)) }),
        seconds: fc.constantFrom(10, 30, 90),
        restartPolicy: fc.constantFrom<CronJobSpec['restartPolicy']>('Never', 'OnFailure'),
        successfulJobsHistoryLimit: sometimes(fc.integer({ min: 0, max: 2 }), 50),
        failedJobsHistoryLimit: sometimes(fc.integer({ min: 0, max: 2 }), 50),
        startingDeadlineSeconds: sometimes(fc.constantFrom(30, 200), 50),
        timeZone: sometimes(fc.constantFrom(...CRON_TIME_ZONES), 50),
        template: podTemplateArb(c),
      })
      .map(
        (r): CronJobSpec => ({
          kind: 'cronjob',
          name,
          ...r,
          // A job's pods run busybox; readiness means nothing to it. No priority class: pods that preempted others at
          // every run would keep those from ever settling (as they would upstream), which is not what is being judged.
          template: { ...r.template, image: JOB_IMAGE, readyAfter: 0, priority: undefined },
        }),
      );
  },

  rescheduled(s) {
    const everyMinutes = s.everyMinutes === 1 ? 2 : 1;
    return { spec: { ...s, everyMinutes }, schedule: scheduleOf(everyMinutes) };
  },

  manifest(s) {
    const template = sleepingPodTemplate(s);
    const spec: Record<string, unknown> = {
      schedule: scheduleOf(s.everyMinutes),
      concurrencyPolicy: s.concurrencyPolicy,
      jobTemplate: { spec: { completions: s.parallelism, parallelism: s.parallelism, template } },
    };
    if (s.successfulJobsHistoryLimit !== undefined) spec.successfulJobsHistoryLimit = s.successfulJobsHistoryLimit;
    if (s.failedJobsHistoryLimit !== undefined) spec.failedJobsHistoryLimit = s.failedJobsHistoryLimit;
    if (s.startingDeadlineSeconds !== undefined) spec.startingDeadlineSeconds = s.startingDeadlineSeconds;
    if (s.suspend) spec.suspend = true;
    if (s.timeZone) spec.timeZone = s.timeZone;
    return [...templateObjects(s.template), { apiVersion: 'batch/v1', kind: 'CronJob', metadata: { name: s.name }, spec }];
  },

  // Jobs that overlap (Allow) run side by side; Forbid and Replace keep one.
  pods: (s) => s.parallelism * (s.concurrencyPolicy === 'Allow' ? Math.max(1, Math.ceil(s.seconds / (s.everyMinutes * 60))) : 1),

  unsettled(view: View, obj: Stored) {
    const cj = obj as Stored<CronJob>;
    const me = who('cronjob', cj);
    if (cj.metadata.deletionTimestamp) return [`${me} is still being deleted`];
    const jobs = owned(view.list<Job>(R.jobs, cj.metadata.namespace ?? 'default'), cj).filter((j) => !j.metadata.deletionTimestamp);
    const out: string[] = [];
    const limits = { Complete: cj.spec.successfulJobsHistoryLimit ?? 3, Failed: cj.spec.failedJobsHistoryLimit ?? 1 };
    for (const end of ['Complete', 'Failed'] as const) {
      const kept = jobs.filter((j) => finished(j) === end);
      if (kept.length > limits[end]) {
        out.push(`${me} keeps ${kept.length} ${end === 'Complete' ? 'completed' : 'failed'} jobs (${jobNames(kept)}), more than its ${end === 'Complete' ? 'successful' : 'failed'}JobsHistoryLimit of ${limits[end]}`);
      }
    }
    const active = jobs.filter((j) => !finished(j));
    const listed = cj.status?.active ?? [];
    // The other way round is allowed: a job made just before the controller crashed, ahead of its status update, is
    // never added (upstream records UnexpectedJob and leaves it out of status.active until it finishes).
    for (const r of listed) {
      if (!active.some((j) => j.metadata.uid === r.uid)) out.push(`${me} lists job "${r.name}" in status.active, but it ${jobs.some((j) => j.metadata.uid === r.uid) ? 'has finished' : 'is gone'}`);
    }
    if (cj.spec.suspend) return out;
    const period = 60_000 * Number(/^\*\/(\d+) /.exec(cj.spec.schedule)?.[1] ?? 1);
    // `*\/N` counts minutes of the zone's wall clock.
    const offset = cj.spec.timeZone ? utcOffsetMinutes(view.now, cj.spec.timeZone) * 60_000 : 0;
    const due = Math.floor((view.now - START_GRACE_MS + offset) / period) * period - offset;
    // Starts come strictly after the creation (mostRecentScheduleTime counts from it).
    if (due <= Date.parse(cj.metadata.creationTimestamp!)) return out;
    const last = cj.status?.lastScheduleTime ? Date.parse(cj.status.lastScheduleTime) : undefined;
    const deadline = cj.spec.startingDeadlineSeconds;
    // Forbid waits while its status lists a running job (syncCronJob reads status.active).
    const heldBack = (cj.spec.concurrencyPolicy === 'Forbid' && listed.length > 0) || (deadline !== undefined && deadline !== null && view.now - due > deadline * 1000);
    if (!heldBack && (last === undefined || last < due)) {
      out.push(`${me} has not started the job due at ${new Date(due).toISOString()} (last scheduled ${cj.status?.lastScheduleTime ?? 'never'})`);
    }
    return out;
  },
};

/**
 * The CronJob controller (pkg/controller/cronjob, the v2 controller of
 * Kubernetes 1.33): at each scheduled time (in spec.timeZone) it creates a
 * Job named `<cronjob>-<minutes since the epoch>` from the job template,
 * unless the CronJob is suspended, the start is later than
 * startingDeadlineSeconds, or concurrencyPolicy Forbid sees a job still
 * running (Replace deletes it instead). Only the most recent missed start
 * runs; more than 100 missed starts records TooManyMissedTimes. Finished
 * jobs beyond successfulJobsHistoryLimit and failedJobsHistoryLimit are
 * deleted, oldest first. Status lists active jobs, lastScheduleTime and
 * lastSuccessfulTime.
 */
import { R } from '../api/kinds.ts';
import type { CronJob, Job, ObjectReference, Stored } from '../api/types.ts';
import { clone, controllerRef, deepEqual, namespacedName, newControllerRef, splitKey } from '../api/meta.ts';
import { isStatusError } from '../api/errors.ts';
import { byNamespace, type Informer } from '../client/informer.ts';
import type { Controller, ControllerContext, Result } from './manager.ts';
import {
  MISSED_SCHEDULES_LIMIT,
  jobName,
  mostRecentScheduleTime,
  nextScheduleDelay,
  parseSchedule,
  rfc1123z,
  rfc3339In,
  validTimeZone,
} from './cronjob-util.ts';

export const SCHEDULED_TIMESTAMP_ANNOTATION = 'batch.kubernetes.io/cronjob-scheduled-timestamp';

interface Sync {
  cj: Stored<CronJob>;
  ctx: ControllerContext;
  now: number;
  status: NonNullable<CronJob['status']>;
  changed: boolean;
}

/** IsJobFinished, with the condition type. */
function finishedAs(job: Job): 'Complete' | 'Failed' | undefined {
  for (const c of job.status?.conditions ?? []) if ((c.type === 'Complete' || c.type === 'Failed') && c.status === 'True') return c.type;
  return undefined;
}

const secondsIso = (ms: number) => new Date(ms - (ms % 1000)).toISOString().replace('.000Z', 'Z');

export function cronJobController(): Controller {
  let cronJobs: Informer<CronJob>;
  let jobs: Informer<Job>;

  const ownerOf = (job: Stored<Job>): Stored<CronJob> | undefined => {
    const ref = controllerRef(job);
    if (!ref || ref.kind !== 'CronJob') return undefined;
    const cj = cronJobs.get(job.metadata.namespace, ref.name);
    return cj && cj.metadata.uid === ref.uid ? cj : undefined;
  };

  return {
    name: 'cronjob-controller',

    setup(ctx) {
      cronJobs = ctx.informers.informer<CronJob>(R.cronJobs).addIndex('namespace', byNamespace);
      jobs = ctx.informers.informer<Job>(R.jobs).addIndex('namespace', byNamespace);
      const enqueue = (cj: Stored<CronJob> | undefined) => cj && ctx.enqueue(namespacedName(cj));
      cronJobs.on({ add: enqueue, update: (_o, cj) => enqueue(cj) });
      jobs.on({ add: (j) => enqueue(ownerOf(j)), update: (o, j) => (enqueue(ownerOf(o)), enqueue(ownerOf(j))), delete: (j) => enqueue(ownerOf(j)) });
    },

    reconcile(key, ctx): Result | void {
      const { namespace, name } = splitKey(key);
      const cj = cronJobs.get(namespace, name);
      if (!cj) return;
      const owned = jobs.byIndex('namespace', namespace ?? '').filter((j) => controllerRef(j)?.uid === cj.metadata.uid);
      const s: Sync = { cj, ctx, now: ctx.clock.now(), status: clone(cj.status ?? {}), changed: false };
      cleanupFinishedJobs(s, owned);
      let requeue: number | undefined;
      let failure: unknown;
      try {
        requeue = syncCronJob(s, owned);
      } catch (e) {
        failure = e;
      }
      if (s.changed && !deepEqual(s.status, cj.status ?? {})) {
        try {
          ctx.client.updateStatus(R.cronJobs, { ...cj, status: s.status });
        } catch (e) {
          if (!isStatusError(e, 'NotFound')) throw e;
          return;
        }
      }
      if (failure) throw failure;
      return requeue !== undefined ? { requeueAfterMs: Math.max(1, requeue) } : undefined;
    },
  };
}

const inActive = (s: Sync, uid: string) => (s.status.active ?? []).some((r) => r.uid === uid);
function removeActive(s: Sync, uid: string): void {
  s.status.active = (s.status.active ?? []).filter((r) => r.uid !== uid);
  if (!s.status.active.length) delete s.status.active;
  s.changed = true;
}

/** syncCronJob: reconciles the active list, then starts the job due now, if any; returns the requeue delay. */
function syncCronJob(s: Sync, owned: Stored<Job>[]): number | undefined {
  const { cj, ctx, now } = s;
  const children = new Set(owned.map((j) => j.metadata.uid));
  for (const j of owned) {
    const finished = finishedAs(j);
    const found = inActive(s, j.metadata.uid);
    if (!found && !finished) {
      ctx.recorder.event(cj, 'Warning', 'UnexpectedJob', `Saw a job that the controller did not create or forgot: ${j.metadata.name}`);
    } else if (found && finished) {
      removeActive(s, j.metadata.uid);
      ctx.recorder.event(cj, 'Normal', 'SawCompletedJob', `Saw completed job: ${j.metadata.name}, condition: ${finished}`);
    }
    if (finished === 'Complete' && j.status?.completionTime) {
      const last = s.status.lastSuccessfulTime;
      if (!last || Date.parse(j.status.completionTime) > Date.parse(last)) {
        s.status.lastSuccessfulTime = j.status.completionTime;
        s.changed = true;
      }
    }
  }
  for (const ref of [...(s.status.active ?? [])]) {
    if (children.has(ref.uid ?? '')) continue;
    try {
      ctx.client.get(R.jobs, ref.namespace, ref.name ?? '');
    } catch (e) {
      if (!isStatusError(e, 'NotFound')) throw e;
      ctx.recorder.event(cj, 'Normal', 'MissingJob', `Active job went missing: ${ref.name}`);
      removeActive(s, ref.uid ?? '');
    }
  }
  if (cj.metadata.deletionTimestamp) return undefined;
  const tz = cj.spec.timeZone ?? undefined;
  if (tz && !validTimeZone(tz)) {
    ctx.recorder.event(cj, 'Warning', 'UnknownTimeZone', `invalid timeZone: ${JSON.stringify(tz)}: unknown time zone ${tz}`);
    return undefined;
  }
  if (cj.spec.suspend) return undefined;
  const schedule = parseSchedule(cj.spec.schedule, tz);
  if (typeof schedule === 'string') {
    ctx.recorder.event(cj, 'Warning', 'UnparseableSchedule', `unparseable schedule: ${JSON.stringify(cj.spec.schedule)} : ${schedule}`);
    return undefined;
  }
  const withStatus = { ...cj, status: s.status } as CronJob;
  const recent = mostRecentScheduleTime(withStatus, now, schedule, true);
  if (recent.error) {
    ctx.recorder.event(cj, 'Warning', 'InvalidSchedule', `invalid schedule: ${cj.spec.schedule} : ${recent.error}`);
    return undefined;
  }
  const delay = () => nextScheduleDelay({ ...cj, status: s.status } as CronJob, now, schedule);
  const scheduled = recent.mostRecent;
  if (scheduled === undefined || scheduled > now) return delay();
  if (recent.missed > MISSED_SCHEDULES_LIMIT) {
    ctx.recorder.event(cj, 'Warning', 'TooManyMissedTimes', `too many missed start times: ${recent.missed}. Set or decrease .spec.startingDeadlineSeconds or check clock skew`);
  }
  const deadline = cj.spec.startingDeadlineSeconds;
  if (deadline !== undefined && deadline !== null && scheduled + deadline * 1000 < now) {
    ctx.recorder.event(cj, 'Warning', 'MissSchedule', `Missed scheduled time to start a job: ${rfc1123z(scheduled)}`);
    return delay();
  }
  const name = jobName(cj, scheduled);
  if ((s.status.active ?? []).some((r) => r.name === name) || (s.status.lastScheduleTime && Date.parse(s.status.lastScheduleTime) === scheduled)) return delay();
  if (cj.spec.concurrencyPolicy === 'Forbid' && (s.status.active ?? []).length > 0) {
    ctx.recorder.event(cj, 'Normal', 'JobAlreadyActive', 'Not starting job because prior execution is running and concurrency policy is Forbid');
    return delay();
  }
  if (cj.spec.concurrencyPolicy === 'Replace') {
    for (const ref of [...(s.status.active ?? [])]) {
      const job = owned.find((j) => j.metadata.uid === ref.uid) ?? ctx.client.get<Job>(R.jobs, ref.namespace, ref.name ?? '');
      deleteJob(s, job);
    }
  }
  const job = jobFromTemplate(cj, scheduled, tz);
  let created: Stored<Job>;
  try {
    created = ctx.client.create(R.jobs, job);
    ctx.recorder.event(cj, 'Normal', 'SuccessfulCreate', `Created job ${created.metadata.name}`);
  } catch (e) {
    if (isStatusError(e, 'Forbidden') && (e as Error).message.includes('being terminated')) throw e;
    if (!isStatusError(e, 'AlreadyExists')) {
      ctx.recorder.event(cj, 'Warning', 'FailedCreate', `Error creating job: ${(e as Error).message}`);
      throw e;
    }
    created = ctx.client.get<Job>(R.jobs, cj.metadata.namespace, name);
    if (controllerRef(created)?.uid !== cj.metadata.uid || inActive(s, created.metadata.uid)) return undefined;
  }
  const ref: ObjectReference = {
    kind: 'Job',
    namespace: created.metadata.namespace,
    name: created.metadata.name,
    uid: created.metadata.uid,
    apiVersion: 'batch/v1',
    resourceVersion: created.metadata.resourceVersion,
  };
  s.status.active = [...(s.status.active ?? []), ref];
  s.status.lastScheduleTime = secondsIso(scheduled);
  s.changed = true;
  return delay();
}

/** getJobFromTemplate2: the template's labels, annotations and spec, the scheduled time, a controller reference. */
function jobFromTemplate(cj: Stored<CronJob>, scheduled: number, tz: string | undefined): Job {
  const tmpl = cj.spec.jobTemplate;
  return {
    apiVersion: 'batch/v1',
    kind: 'Job',
    metadata: {
      name: jobName(cj, scheduled),
      namespace: cj.metadata.namespace,
      labels: { ...(tmpl.metadata?.labels ?? {}) },
      annotations: { ...(tmpl.metadata?.annotations ?? {}), [SCHEDULED_TIMESTAMP_ANNOTATION]: rfc3339In(scheduled, tz) },
      ownerReferences: [newControllerRef(cj, R.cronJobs)],
    },
    spec: clone(tmpl.spec!),
  };
}

/** deleteJob: a background delete, a SuccessfulDelete event, and the job off the active list. */
function deleteJob(s: Sync, job: Stored<Job>): boolean {
  try {
    s.ctx.client.delete(R.jobs, job.metadata.namespace, job.metadata.name, { propagationPolicy: 'Background' });
  } catch (e) {
    if (!isStatusError(e, 'NotFound')) {
      s.ctx.recorder.event(s.cj, 'Warning', 'FailedDelete', `Deleted job: ${(e as Error).message}`);
      return false;
    }
  }
  if (inActive(s, job.metadata.uid)) removeActive(s, job.metadata.uid);
  s.ctx.recorder.event(s.cj, 'Normal', 'SuccessfulDelete', `Deleted job ${job.metadata.name}`);
  s.changed = true;
  return true;
}

/** cleanupFinishedJobs: keeps the newest finished jobs within the history limits (by start time). */
function cleanupFinishedJobs(s: Sync, owned: Stored<Job>[]): void {
  const { successfulJobsHistoryLimit: okLimit, failedJobsHistoryLimit: failLimit } = s.cj.spec;
  const byStart = (a: Stored<Job>, b: Stored<Job>) => {
    const ta = a.status?.startTime;
    const tb = b.status?.startTime;
    if (!ta && tb) return 1;
    if (ta && !tb) return -1;
    if (ta && tb && ta !== tb) return ta < tb ? -1 : 1;
    return a.metadata.name < b.metadata.name ? -1 : 1;
  };
  const prune = (list: Stored<Job>[], limit: number | undefined | null) => {
    if (limit === undefined || limit === null) return;
    const n = list.length - limit;
    if (n <= 0) return;
    for (const j of [...list].sort(byStart).slice(0, n)) deleteJob(s, j);
  };
  prune(owned.filter((j) => !j.metadata.deletionTimestamp && finishedAs(j) === 'Complete'), okLimit);
  prune(owned.filter((j) => !j.metadata.deletionTimestamp && finishedAs(j) === 'Failed'), failLimit);
}

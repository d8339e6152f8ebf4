/**
 * The TTL-after-finished controller (pkg/controller/ttlafterfinished):
 * a finished Job with ttlSecondsAfterFinished is deleted (in the foreground,
 * with a uid precondition) that many seconds after its Complete or Failed
 * condition became True.
 */
import { R } from '../api/kinds.ts';
import type { Job, Stored } from '../api/types.ts';
import { namespacedName, splitKey } from '../api/meta.ts';
import { isStatusError } from '../api/errors.ts';
import type { Informer } from '../client/informer.ts';
import type { Controller, Result } from './manager.ts';

/** The time a job finished (jobFinishTime): when its Complete or Failed condition became True. */
export function jobFinishTime(job: Job): number | undefined {
  const c = job.status?.conditions?.find((x) => (x.type === 'Complete' || x.type === 'Failed') && x.status === 'True');
  if (!c?.lastTransitionTime) return undefined;
  const t = Date.parse(c.lastTransitionTime);
  return Number.isNaN(t) ? undefined : t;
}

export function ttlAfterFinishedController(): Controller {
  let jobs: Informer<Job>;
  const needsCleanup = (j: Job) => j.spec.ttlSecondsAfterFinished !== undefined && j.spec.ttlSecondsAfterFinished !== null && jobFinishTime(j) !== undefined;

  return {
    name: 'ttl-after-finished-controller',

    setup(ctx) {
      jobs = ctx.informers.informer<Job>(R.jobs);
      const enqueue = (j: Stored<Job>) => {
        if (!j.metadata.deletionTimestamp && needsCleanup(j)) ctx.enqueue(namespacedName(j));
      };
      jobs.on({ add: enqueue, update: (_o, j) => enqueue(j) });
    },

    reconcile(key, ctx): Result | void {
      const { namespace, name } = splitKey(key);
      const job = jobs.get(namespace, name);
      if (!job || job.metadata.deletionTimestamp || !needsCleanup(job)) return;
      const expireAt = jobFinishTime(job)! + job.spec.ttlSecondsAfterFinished! * 1000;
      const left = expireAt - ctx.clock.now();
      if (left > 0) return { requeueAfterMs: left };
      // The informer may be stale: check the job as the API server has it before deleting.
      let fresh: Stored<Job>;
      try {
        fresh = ctx.client.get<Job>(R.jobs, namespace, name);
      } catch (e) {
        if (isStatusError(e, 'NotFound')) return;
        throw e;
      }
      if (!needsCleanup(fresh)) return;
      const freshLeft = jobFinishTime(fresh)! + fresh.spec.ttlSecondsAfterFinished! * 1000 - ctx.clock.now();
      if (freshLeft > 0) return { requeueAfterMs: freshLeft };
      try {
        ctx.client.delete(R.jobs, namespace, name, { propagationPolicy: 'Foreground', preconditions: { uid: fresh.metadata.uid } });
      } catch (e) {
        if (!isStatusError(e, 'NotFound') && !isStatusError(e, 'Conflict')) throw e;
      }
    },
  };
}

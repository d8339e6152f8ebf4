/** Jobs and CronJobs: suspending, resuming, triggering and rescheduling them, and what their controllers started. */
import { When } from '@cucumber/cucumber';
import type { KubeWorld } from '../src/harness/world.ts';
import { runOrFail, setSchedule, setSuspend, triggerCronJob } from '../src/harness/actions.ts';
import { cronJobKeeps, cronJobStarted } from '../src/harness/workload-checks.ts';
import { defineCheck } from './support.ts';

When('I suspend the cronjob {string}', function (this: KubeWorld, name: string) {
  setSuspend(this, 'cronjob', name, true);
});

When('I resume the cronjob {string}', function (this: KubeWorld, name: string) {
  setSuspend(this, 'cronjob', name, false);
});

When('I suspend the job {string}', function (this: KubeWorld, name: string) {
  setSuspend(this, 'job', name, true);
});

When('I resume the job {string}', function (this: KubeWorld, name: string) {
  setSuspend(this, 'job', name, false);
});

When('I create the job {string} from the cronjob {string}', function (this: KubeWorld, job: string, cronjob: string) {
  const ref = this.ref(cronjob);
  runOrFail(this, ['create', 'job', job, `--from=cronjob/${ref.name}`, '-n', ref.namespace]);
});

When('I trigger the cronjob {string}', function (this: KubeWorld, cronjob: string) {
  triggerCronJob(this, cronjob);
});

When('I set the schedule of the cronjob {string} to {string}', function (this: KubeWorld, cronjob: string, schedule: string) {
  setSchedule(this, cronjob, schedule);
});

defineCheck('the cronjob {string} has started {int} job(s)', 2, (w, name: string, n: number) => cronJobStarted(w.ref(name), n));
defineCheck('the cronjob {string} keeps {int} job(s)', 2, (w, name: string, n: number) => cronJobKeeps(w.ref(name), n));

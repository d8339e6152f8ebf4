/** Workloads: scaling, images, rollbacks, deletion, and checks on their pods and replicas. */
import { When } from '@cucumber/cucumber';
import type { KubeWorld } from '../src/harness/world.ts';
import { parseKind, type WorkloadKind, type WorkloadParam } from '../src/harness/params.ts';
import { jobFinished, podsCount, podsRunImage, podsRunning, readyReplicas } from '../src/harness/checks.ts';
import { deleteObject, runOrFail, setWorkloadUsage } from '../src/harness/actions.ts';
import { atRevision, eventRecordedForObject, rolloutCompleted, rolloutDeadlineExceeded } from '../src/harness/workload-checks.ts';
import { defineCheck, defineHistoryCheck } from './support.ts';

When('I delete the {kind} {string}', function (this: KubeWorld, kind: string, name: string) {
  deleteObject(this, kind, this.ref(name));
});

When('I scale the {kind} {string} to {int} replica(s)', function (this: KubeWorld, kind: string, name: string, n: number) {
  const ref = this.ref(name);
  runOrFail(this, ['scale', kind, ref.name, `--replicas=${n}`, '-n', ref.namespace]);
});

When('I set the image of {workload} to {string}', function (this: KubeWorld, w: WorkloadParam, image: string) {
  const ref = this.ref(w.name);
  runOrFail(this, ['set', 'image', `${w.kind}/${ref.name}`, `*=${image}`, '-n', ref.namespace]);
});

When('I roll back the {kind} {string}', function (this: KubeWorld, kind: string, name: string) {
  const ref = this.ref(name);
  runOrFail(this, ['rollout', 'undo', `${kind}/${ref.name}`, '-n', ref.namespace]);
});

When('I roll back the {kind} {string} to revision {int}', function (this: KubeWorld, kind: string, name: string, revision: number) {
  const ref = this.ref(name);
  runOrFail(this, ['rollout', 'undo', `${kind}/${ref.name}`, `--to-revision=${revision}`, '-n', ref.namespace]);
});

When('I pause the rollout of {workload}', function (this: KubeWorld, w: WorkloadParam) {
  const ref = this.ref(w.name);
  runOrFail(this, ['rollout', 'pause', `${w.kind}/${ref.name}`, '-n', ref.namespace]);
});

When('I resume the rollout of {workload}', function (this: KubeWorld, w: WorkloadParam) {
  const ref = this.ref(w.name);
  runOrFail(this, ['rollout', 'resume', `${w.kind}/${ref.name}`, '-n', ref.namespace]);
});

When('I restart the rollout of {workload}', function (this: KubeWorld, w: WorkloadParam) {
  const ref = this.ref(w.name);
  runOrFail(this, ['rollout', 'restart', `${w.kind}/${ref.name}`, '-n', ref.namespace]);
});

When('the CPU usage of every pod of {workload} is {quantity}', function (this: KubeWorld, w: WorkloadParam, q: string) {
  setWorkloadUsage(this, w, 'cpu', q);
});

When('the memory usage of every pod of {workload} is {quantity}', function (this: KubeWorld, w: WorkloadParam, q: string) {
  setWorkloadUsage(this, w, 'memory', q);
});

defineCheck('{int} pod(s) of {workload} is/are running', 2, (w, n: number, wl: WorkloadParam) => podsRunning(wl.kind, w.ref(wl.name), n));
defineCheck('the {kind} {string} has {int} ready replica(s)', 3, (w, kind: string, name: string, n: number) =>
  readyReplicas(kind as WorkloadKind, w.ref(name), n),
);
defineCheck('the rollout of {workload} has completed', 1, (w, wl: WorkloadParam) => rolloutCompleted(wl.kind, w.ref(wl.name)));
defineCheck('the rollout of deployment {string} has exceeded its progress deadline', 1, (w, name: string) => rolloutDeadlineExceeded(w.ref(name)));
defineCheck('the deployment {string} is at revision {int}', 2, (w, name: string, r: number) => atRevision(w.ref(name), r));
defineCheck('the event {string} was recorded for the {kind} {string}', 3, (w, reason: string, kind: string, name: string) =>
  eventRecordedForObject(reason, parseKind(kind), w.ref(name)),
);
defineCheck('the job {string} has succeeded', 1, (w, name: string) => jobFinished(w.ref(name), 'succeeded'));
defineCheck('the job {string} has failed', 1, (w, name: string) => jobFinished(w.ref(name), 'failed'));
defineCheck('all pods of {workload} run the image {string}', 2, (w, wl: WorkloadParam, image: string) => podsRunImage(wl.kind, w.ref(wl.name), image));

defineHistoryCheck('at all times at least {int} pod(s) of {workload} was/were ready', 2, (w, n: number, wl: WorkloadParam) =>
  podsCount(wl.kind, w.ref(wl.name), 'at least', n, 'ready'),
);
defineHistoryCheck('at all times at least {int} pod(s) of {workload} was/were running', 2, (w, n: number, wl: WorkloadParam) =>
  podsCount(wl.kind, w.ref(wl.name), 'at least', n, 'running'),
);
defineHistoryCheck('at all times at most {int} pod(s) of {workload} was/were running', 2, (w, n: number, wl: WorkloadParam) =>
  podsCount(wl.kind, w.ref(wl.name), 'at most', n, 'running'),
);
defineHistoryCheck('at all times at most {int} pod(s) of {workload} existed', 2, (w, n: number, wl: WorkloadParam) =>
  podsCount(wl.kind, w.ref(wl.name), 'at most', n, 'existing'),
);

/** Pods: deleting and crashing them, and checks on their phase, placement and containers. */
import { When } from '@cucumber/cucumber';
import type { KubeWorld } from '../src/harness/world.ts';
import type { WorkloadParam } from '../src/harness/params.ts';
import type { PodPhaseWord } from '../src/harness/checks.ts';
import {
  eventRecorded,
  inCrashLoop,
  noPodOnNode,
  podOnNode,
  podPhase,
  podsOnLabeledNodes,
  restartedTimes,
  spreadOver,
  staysPending,
} from '../src/harness/checks.ts';
import { crashPod, deleteAPodOf, runOrFail, somePodOf } from '../src/harness/actions.ts';
import { defineCheck } from './support.ts';

When('I delete pod {string}', function (this: KubeWorld, name: string) {
  const ref = this.ref(name);
  runOrFail(this, ['delete', 'pod', ref.name, '-n', ref.namespace, '--wait=false']);
});

When('I delete a pod of {workload}', function (this: KubeWorld, w: WorkloadParam) {
  deleteAPodOf(this, w);
});

When('pod {string} crashes', function (this: KubeWorld, name: string) {
  crashPod(this, this.ref(name), false);
});

When('a pod of {workload} crashes', function (this: KubeWorld, w: WorkloadParam) {
  crashPod(this, somePodOf(this, w), false);
});

When('the containers of pod {string} keep crashing', function (this: KubeWorld, name: string) {
  crashPod(this, this.ref(name), true);
});

defineCheck('pod {string} is {phase}', 2, (w, name: string, phase: string) => podPhase(w.ref(name), phase as PodPhaseWord));
defineCheck('pod {string} runs on node {string}', 2, (w, name: string, node: string) => podOnNode(w.ref(name), node));
defineCheck('no pod runs on node {string}', 1, (w, node: string) => noPodOnNode(w.namespace, node));
defineCheck('all pods of {workload} run on nodes with the label {string}', 2, (w, wl: WorkloadParam, label: string) =>
  podsOnLabeledNodes(wl.kind, w.ref(wl.name), label),
);
defineCheck('the pods of {workload} are spread over {int} node(s)', 2, (w, wl: WorkloadParam, n: number) => spreadOver(wl.kind, w.ref(wl.name), n));
defineCheck('pod {string} stays pending because {string}', 2, (w, name: string, because: string) => staysPending(w.ref(name), because));
defineCheck('pod {string} is in CrashLoopBackOff', 1, (w, name: string) => inCrashLoop(w.ref(name)));
defineCheck('the containers of pod {string} have restarted {int} time(s)', 2, (w, name: string, n: number) => restartedTimes(w.ref(name), n));
defineCheck('the event {string} was recorded for pod {string}', 2, (w, reason: string, name: string) => eventRecorded(reason, { pod: w.ref(name) }));
defineCheck('the event {string} was recorded for a pod of {workload}', 2, (w, reason: string, wl: WorkloadParam) =>
  eventRecorded(reason, { workload: wl.kind, ref: w.ref(wl.name) }),
);

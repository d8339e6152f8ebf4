/** Pods: failures injected into their containers, and checks on readiness, status, OOM kills, evictions and logs. */
import { When } from '@cucumber/cucumber';
import type { KubeWorld } from '../src/harness/world.ts';
import { type ProbeKind, forceDelete, probeFault, useResource } from '../src/harness/failures.ts';
import { runOrFail } from '../src/harness/actions.ts';
import {
  containerRestarted,
  logsContain,
  podEvicted,
  podHasCondition,
  podOOMKilled,
  podQOSClass,
  podReady,
  podEventAbsent,
  podEventSaying,
  podShowsStatus,
} from '../src/harness/pod-checks.ts';
import { defineCheck } from './support.ts';

const SCOPES = { 'starts failing': 'instance', 'keeps failing': 'always', 'passes again': undefined } as const;

for (const [phrase, scope] of Object.entries(SCOPES)) {
  When(`the {probe} probe of pod {string} ${phrase}`, function (this: KubeWorld, probe: ProbeKind, pod: string) {
    probeFault(this, this.ref(pod), undefined, probe, scope);
  });
  When(`the {probe} probe of container {string} of pod {string} ${phrase}`, function (this: KubeWorld, probe: ProbeKind, container: string, pod: string) {
    probeFault(this, this.ref(pod), container, probe, scope);
  });
}

When('container {string} of pod {string} uses {quantity} memory', function (this: KubeWorld, container: string, pod: string, q: string) {
  useResource(this, this.ref(pod), container, 'memory', q);
});

When('container {string} of pod {string} uses {quantity} CPU', function (this: KubeWorld, container: string, pod: string, q: string) {
  useResource(this, this.ref(pod), container, 'cpu', q);
});

When('pod {string} uses {quantity} memory', function (this: KubeWorld, pod: string, q: string) {
  useResource(this, this.ref(pod), undefined, 'memory', q);
});

When('I force delete pod {string}', function (this: KubeWorld, pod: string) {
  forceDelete(this, this.ref(pod));
});

When('I delete pod {string} with a grace period of {int} second(s)', function (this: KubeWorld, pod: string, seconds: number) {
  const ref = this.ref(pod);
  runOrFail(this, ['delete', 'pod', ref.name, '-n', ref.namespace, `--grace-period=${seconds}`, '--wait=false']);
});

const logs = (w: KubeWorld) => (ns: string, pod: string, container: string | undefined, previous: boolean) => w.cluster.logs(ns, pod, container, previous);

defineCheck('pod {string} is ready', 1, (w, pod: string) => podReady(w.ref(pod), true));
defineCheck('pod {string} is not ready', 1, (w, pod: string) => podReady(w.ref(pod), false));
defineCheck('the status of pod {string} is {string}', 2, (w, pod: string, status: string) => podShowsStatus(w.ref(pod), status));
defineCheck('pod {string} was OOMKilled', 1, (w, pod: string) => podOOMKilled(w.ref(pod)));
defineCheck('pod {string} was evicted', 1, (w, pod: string) => podEvicted(w.ref(pod)));
defineCheck('pod {string} was evicted because {string}', 2, (w, pod: string, because: string) => podEvicted(w.ref(pod), because));
defineCheck('pod {string} has the condition {string}', 2, (w, pod: string, type: string) => podHasCondition(w.ref(pod), type, true));
defineCheck('pod {string} has the condition {string} because {string}', 3, (w, pod: string, type: string, because: string) => podHasCondition(w.ref(pod), type, true, because));
defineCheck('pod {string} does not have the condition {string}', 2, (w, pod: string, type: string) => podHasCondition(w.ref(pod), type, false));
defineCheck('the QoS class of pod {string} is {string}', 2, (w, pod: string, qos: string) => podQOSClass(w.ref(pod), qos));
defineCheck('container {string} of pod {string} has restarted {int} time(s)', 3, (w, c: string, pod: string, n: number) => containerRestarted(w.ref(pod), c, n));
defineCheck('the logs of pod {string} contain {string}', 2, (w, pod: string, text: string) => logsContain(logs(w), w.ref(pod), undefined, text, false));
defineCheck('the logs of pod {string} do not contain {string}', 2, (w, pod: string, text: string) => logsContain(logs(w), w.ref(pod), undefined, text, false, true));
defineCheck('the logs of container {string} of pod {string} contain {string}', 3, (w, c: string, pod: string, text: string) => logsContain(logs(w), w.ref(pod), c, text, false));
defineCheck('the previous logs of pod {string} contain {string}', 2, (w, pod: string, text: string) => logsContain(logs(w), w.ref(pod), undefined, text, true));
defineCheck('the event {string} was recorded for pod {string} saying {string}', 3, (w, reason: string, pod: string, text: string) => podEventSaying(w.ref(pod), reason, text));
defineCheck('the event {string} was not recorded for pod {string}', 2, (w, reason: string, pod: string) => podEventAbsent(w.ref(pod), reason));

/** Networking: services and endpoints, DNS, requests between pods, ingress, load balancers and steady traffic. */
import { Given, Then, When } from '@cucumber/cucumber';
import type { KubeWorld } from '../src/harness/world.ts';
import type { WorkloadParam } from '../src/harness/params.ts';
import { CheckFailed } from '../src/harness/errors.ts';
import {
  STEADY_TRAFFIC_INTERVAL_MS,
  dnsAddresses,
  dnsResolvesToClusterIP,
  externalIPAssigned,
  failedRequestsReport,
  ingressRoutes,
  podReachesPod,
  requestFails,
  requestReaches,
  requestsSince,
  serviceEndpoints,
  trafficState,
} from '../src/harness/network.ts';
import { defineCheck } from './support.ts';

Given('steady traffic from pod {string} to {string}', function (this: KubeWorld, pod: string, target: string) {
  const stream = this.cluster.network.startTraffic({ pod: this.ref(pod) }, target, STEADY_TRAFFIC_INTERVAL_MS);
  trafficState(this).streams.push(stream);
  this.settle();
});

When('pod {string} sends {int} request(s) to {string}', function (this: KubeWorld, pod: string, n: number, target: string) {
  const source = { pod: this.ref(pod) };
  const batch = [];
  for (let i = 0; i < n; i++) batch.push(this.cluster.network.request(source, target));
  trafficState(this).lastBatch = batch;
  this.settle();
});

Then('the requests were spread over {int} pod(s)', function (this: KubeWorld, n: number) {
  const batch = trafficState(this).lastBatch;
  const counts = new Map<string, number>();
  for (const r of batch) if (r.ok && r.pod) counts.set(r.pod.name, (counts.get(r.pod.name) ?? 0) + 1);
  if (counts.size === n) return;
  const failed = batch.filter((r) => !r.ok).length;
  throw new CheckFailed(
    `Check failed\n  expected: the requests were spread over ${n} pod${n === 1 ? '' : 's'}\n  found:    ${counts.size} pod${counts.size === 1 ? '' : 's'} answered${failed ? `, ${failed} request${failed === 1 ? '' : 's'} failed` : ''}\n\n` +
      [...counts].map(([p, c]) => `  ${p}: ${c} request${c === 1 ? '' : 's'}`).join('\n') +
      (failed ? `\n\n${failedRequestsReport(this.cluster, batch)}` : ''),
  );
});

function trafficSince(world: KubeWorld, target: string) {
  const since = world.marker?.at ?? 0;
  return requestsSince(world.cluster, target, since);
}

Then('no request to {string} failed during the rollout', function (this: KubeWorld, target: string) {
  const results = trafficSince(this, target);
  if (!results.length) throw new CheckFailed(`Check failed\n  expected: no request to "${target}" failed during the rollout\n  found:    no request to "${target}" was sent (start it with: Given steady traffic from pod "client" to "${target}")`);
  if (results.every((r) => r.ok)) return;
  throw new CheckFailed(`Check failed\n  expected: no request to "${target}" failed during the rollout\n  found:    ${failedRequestsReport(this.cluster, results)}`);
});

Then('some requests to {string} failed during the rollout', function (this: KubeWorld, target: string) {
  const results = trafficSince(this, target);
  if (results.some((r) => !r.ok)) {
    this.attach(failedRequestsReport(this.cluster, results), 'text/plain');
    return;
  }
  throw new CheckFailed(`Check failed\n  expected: some requests to "${target}" failed during the rollout\n  found:    all ${results.length} requests succeeded`);
});

defineCheck('the service {string} has {int} endpoint(s)', 2, (w, name: string, n: number) => serviceEndpoints(w.ref(name), n));
defineCheck('the DNS name {string} resolves to the cluster IP of service {string}', 2, (w, dns: string, svc: string) => dnsResolvesToClusterIP(dns, w.ref(svc)));
defineCheck('the DNS name {string} resolves to {int} address(es)', 2, (_w, dns: string, n: number) => dnsAddresses(dns, n));
defineCheck('the DNS name {string} does not resolve', 1, (_w, dns: string) => dnsAddresses(dns, 'none'));
defineCheck('a request from pod {string} to {string} reaches a pod of {workload}', 3, (w, pod: string, target: string, wl: WorkloadParam) =>
  requestReaches(w.cluster, { pod: w.ref(pod) }, `pod "${pod}"`, target, wl.kind, w.ref(wl.name)),
);
defineCheck('a request from outside the cluster to {string} reaches a pod of {workload}', 2, (w, target: string, wl: WorkloadParam) =>
  requestReaches(w.cluster, { outside: true }, 'outside the cluster', target, wl.kind, w.ref(wl.name)),
);
defineCheck('a request from pod {string} to {string} fails with {string}', 3, (w, pod: string, target: string, text: string) =>
  requestFails(w.cluster, { pod: w.ref(pod) }, `pod "${pod}"`, target, text),
);
defineCheck('pod {string} can reach pod {string} on port {int}', 3, (w, a: string, b: string, port: number) => podReachesPod(w.cluster, w.ref(a), w.ref(b), port, true));
defineCheck('pod {string} cannot reach pod {string} on port {int}', 3, (w, a: string, b: string, port: number) => podReachesPod(w.cluster, w.ref(a), w.ref(b), port, false));
defineCheck('the ingress {string} routes {string} to service {string}', 3, (w, ing: string, hostPath: string, svc: string) => ingressRoutes(w.ref(ing), hostPath, svc));
defineCheck('the service {string} has the external IP assigned', 1, (w, name: string) => externalIPAssigned(w.ref(name)));
defineCheck('a request from outside the cluster to {string} fails with {string}', 2, (w, target: string, text: string) =>
  requestFails(w.cluster, { outside: true }, 'outside the cluster', target, text),
);

/** Properties: "any" steps that quantify, for scenarios tagged @property (see support.ts). */
import { Given, When } from '@cucumber/cucumber';
import type { KubeWorld } from '../src/harness/world.ts';
import type { WorkloadParam } from '../src/harness/params.ts';
import { anyCluster, anyDeployment, anyNode, anyPod, theDeployment } from '../src/fuzz/property/any.ts';
import { allReplicasReady } from '../src/fuzz/property/checks.ts';
import { defineCheck } from './support.ts';

Given('any cluster of {int} to {int} nodes', function (this: KubeWorld, min: number, max: number) {
  anyCluster(this, `any cluster of ${min} to ${max} nodes`, min, max);
});

Given('any deployment of {int} to {int} replicas', function (this: KubeWorld, min: number, max: number) {
  anyDeployment(this, `any deployment of ${min} to ${max} replicas`, 'web', min, max, false);
});

Given('any deployment of {int} to {int} replicas that fits', function (this: KubeWorld, min: number, max: number) {
  anyDeployment(this, `any deployment of ${min} to ${max} replicas that fits`, 'web', min, max, true);
});

Given('any deployment {string} of {int} to {int} replicas', function (this: KubeWorld, name: string, min: number, max: number) {
  anyDeployment(this, `any deployment "${name}" of ${min} to ${max} replicas`, name, min, max, false);
});

Given('any deployment {string} of {int} to {int} replicas that fits', function (this: KubeWorld, name: string, min: number, max: number) {
  anyDeployment(this, `any deployment "${name}" of ${min} to ${max} replicas that fits`, name, min, max, true);
});

When('any node dies', function (this: KubeWorld) {
  anyNode(this, 'any node dies', 'dies');
});

When('any node comes back', function (this: KubeWorld) {
  anyNode(this, 'any node comes back', 'comes back');
});

When('any node is removed', function (this: KubeWorld) {
  anyNode(this, 'any node is removed', 'is removed');
});

When('any node is drained', function (this: KubeWorld) {
  anyNode(this, 'any node is drained', 'is drained');
});

When('any pod of {workload} crashes', function (this: KubeWorld, w: WorkloadParam) {
  anyPod(this, `any pod of ${w.kind} "${w.name}" crashes`, w, 'crashes');
});

When('any pod of {workload} is deleted', function (this: KubeWorld, w: WorkloadParam) {
  anyPod(this, `any pod of ${w.kind} "${w.name}" is deleted`, w, 'is deleted');
});

defineCheck('the deployment has all its replicas ready', 0, (w) => allReplicasReady(w.ref(theDeployment(w))));

/** Set-up of the cluster: nodes, namespaces, images. */
import { Given, type DataTable } from '@cucumber/cucumber';
import type { KubeWorld } from '../src/harness/world.ts';
import { nodesFromTable } from '../src/harness/nodes.ts';

Given('a cluster with {int} node(s)', function (this: KubeWorld, n: number) {
  this.createCluster(n);
  this.useNamespace(this.namespace);
});

Given('a cluster with {int} node(s) of {quantity} CPU and {quantity} memory', function (this: KubeWorld, n: number, cpu: string, memory: string) {
  this.createCluster(Array.from({ length: n }, () => ({ cpu, memory })));
  this.useNamespace(this.namespace);
});

Given('a cluster with the following nodes:', function (this: KubeWorld, table: DataTable) {
  this.createCluster(nodesFromTable(table.raw()));
  this.useNamespace(this.namespace);
});

Given('I work in namespace {string}', function (this: KubeWorld, ns: string) {
  this.useNamespace(ns);
});

Given('the image {string} does not exist', function (this: KubeWorld, image: string) {
  this.missingImages.add(image);
  if (this.hasCluster) this.cluster.missingImages.add(image);
});

Given('the feature gate {string} is enabled', function (this: KubeWorld, gate: string) {
  this.enableFeatureGate(gate);
});

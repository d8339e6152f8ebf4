/** Nodes: network cuts, kubelet restarts, full disks, image pulls, drains and disruption budgets, and checks on them. */
import { Given, Then, When } from '@cucumber/cucumber';
import type { KubeWorld } from '../src/harness/world.ts';
import { drainOnce, drainRefusedBy, restartKubelet, setDiskFull, setNetwork, setPullTime } from '../src/harness/failures.ts';
import { budgetAllows, nodeHasCondition, nodeHasImage, nodeTainted } from '../src/harness/node-checks.ts';
import { defineCheck } from './support.ts';

When('the network of node {string} is cut', function (this: KubeWorld, node: string) {
  setNetwork(this, node, false);
});

When('the network of node {string} is restored', function (this: KubeWorld, node: string) {
  setNetwork(this, node, true);
});

When('the kubelet on node {string} restarts', function (this: KubeWorld, node: string) {
  restartKubelet(this, node);
});

When('the disk of node {string} fills up', function (this: KubeWorld, node: string) {
  setDiskFull(this, node, true);
});

When('the disk of node {string} is freed', function (this: KubeWorld, node: string) {
  setDiskFull(this, node, false);
});

Given('pulling the image {string} takes {duration}', function (this: KubeWorld, image: string, ms: number) {
  setPullTime(this, image, ms);
});

Given('pulling an image takes {duration}', function (this: KubeWorld, ms: number) {
  setPullTime(this, '*', ms);
});

When('the image {string} is pushed to the registry', function (this: KubeWorld, image: string) {
  this.missingImages.delete(image);
  if (this.hasCluster) {
    this.cluster.missingImages.delete(image);
    this.settle();
  }
});

When('I try to drain node {string}', function (this: KubeWorld, node: string) {
  drainOnce(this, node);
});

Then('draining node {string} is refused because of the disruption budget {string}', function (this: KubeWorld, node: string, budget: string) {
  drainRefusedBy(this, node, this.ref(budget));
});

defineCheck('node {string} has the condition {string}', 2, (_w, node: string, type: string) => nodeHasCondition(node, type, true));
defineCheck('node {string} does not have the condition {string}', 2, (_w, node: string, type: string) => nodeHasCondition(node, type, false));
defineCheck('node {string} is tainted {string}', 2, (_w, node: string, taint: string) => nodeTainted(node, taint, true));
defineCheck('node {string} is not tainted {string}', 2, (_w, node: string, taint: string) => nodeTainted(node, taint, false));
defineCheck('node {string} has the image {string}', 2, (_w, node: string, image: string) => nodeHasImage(node, image));
defineCheck('the disruption budget {string} allows {int} disruption(s)', 2, (w, pdb: string, n: number) => budgetAllows(w.ref(pdb), n));

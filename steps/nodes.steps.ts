/** Nodes: set-up, failures and operations, and checks on their health. */
import { Given, When } from '@cucumber/cucumber';
import type { KubeWorld } from '../src/harness/world.ts';
import { nodeComesBack, nodeDies, nodeJoins, nodeRemoved, requireNode } from '../src/harness/nodes.ts';
import { runOrFail } from '../src/harness/actions.ts';
import { nodeNotReady, nodeReady } from '../src/harness/checks.ts';
import { defineCheck } from './support.ts';

Given('node {string} is cordoned', function (this: KubeWorld, node: string) {
  requireNode(this, node);
  runOrFail(this, ['cordon', node]);
});

Given('node {string} has the taint {string}', function (this: KubeWorld, node: string, taint: string) {
  requireNode(this, node);
  runOrFail(this, ['taint', 'nodes', node, taint, '--overwrite']);
});

Given('node {string} has the label {string}', function (this: KubeWorld, node: string, label: string) {
  requireNode(this, node);
  runOrFail(this, ['label', 'nodes', node, label, '--overwrite']);
});

When('I cordon node {string}', function (this: KubeWorld, node: string) {
  requireNode(this, node);
  runOrFail(this, ['cordon', node]);
});

When('I uncordon node {string}', function (this: KubeWorld, node: string) {
  requireNode(this, node);
  runOrFail(this, ['uncordon', node]);
});

When('I drain node {string}', function (this: KubeWorld, node: string) {
  requireNode(this, node);
  runOrFail(this, ['drain', node, '--ignore-daemonsets']);
});

When('node {string} dies', function (this: KubeWorld, node: string) {
  nodeDies(this, node);
});

When('node {string} comes back', function (this: KubeWorld, node: string) {
  nodeComesBack(this, node);
});

When('node {string} is removed', function (this: KubeWorld, node: string) {
  nodeRemoved(this, node);
});

When('a node {string} joins the cluster', function (this: KubeWorld, node: string) {
  nodeJoins(this, node);
});

defineCheck('node {string} is not ready', 1, (_w, node: string) => nodeNotReady(node));
defineCheck('node {string} is ready', 1, (_w, node: string) => nodeReady(node));

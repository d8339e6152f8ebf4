/** Fuzzing: a perturbed event loop, named invariants, and the steps counterexamples are written with. */
import { Given, Then, When } from '@cucumber/cucumber';
import type { KubeWorld } from '../src/harness/world.ts';
import { nodeJoins } from '../src/harness/nodes.ts';
import { perturbEventLoop, stopPerturbing } from '../src/fuzz/steps.ts';
import { checkInvariant, checkSettles, invariantNames } from '../src/fuzz/invariant-steps.ts';

Given('the event loop is perturbed with {string}', function (this: KubeWorld, spec: string) {
  perturbEventLoop(this, spec);
});

When('the event loop is no longer perturbed', function (this: KubeWorld) {
  stopPerturbing(this);
});

When('a node {string} with {quantity} CPU and {quantity} memory joins the cluster', function (this: KubeWorld, node: string, cpu: string, memory: string) {
  nodeJoins(this, node, { cpu, memory });
});

Then('the invariant {string} holds', function (this: KubeWorld, name: string) {
  checkInvariant(this, name);
});

Then('within {duration} the invariant {string} holds for {duration}', function (this: KubeWorld, within: number, name: string, stay: number) {
  checkSettles(this, [name], within, stay);
});

Then('within {duration} the invariants {string} hold for {duration}', function (this: KubeWorld, within: number, names: string, stay: number) {
  checkSettles(this, invariantNames(names), within, stay);
});

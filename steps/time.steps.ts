/** Simulated time: letting it pass, and letting the cluster settle. */
import { When } from '@cucumber/cucumber';
import type { KubeWorld } from '../src/harness/world.ts';

When('{duration} pass(es)', function (this: KubeWorld, ms: number) {
  this.cluster.advance(ms);
});

When('the cluster settles', function (this: KubeWorld) {
  this.settle();
});

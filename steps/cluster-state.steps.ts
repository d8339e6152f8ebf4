/** Checks on the cluster as a whole: partial objects, and the invariants. */
import { Then } from '@cucumber/cucumber';
import type { KubeWorld } from '../src/harness/world.ts';
import { clusterContains, clusterDoesNotContain } from '../src/harness/contains.ts';
import { clusterInvariants, invariantsAtEveryInstant } from '../src/harness/invariants.ts';
import { checkAtAllTimes } from '../src/harness/time.ts';
import { CheckFailed } from '../src/harness/errors.ts';
import { defineCheck } from './support.ts';

defineCheck('the cluster contains:', 1, (w, text: string) => clusterContains(w.readInline(text), w.namespace));
defineCheck('the cluster does not contain:', 1, (w, text: string) => clusterDoesNotContain(w.readInline(text), w.namespace));

Then('the cluster invariants hold', function (this: KubeWorld) {
  const violations = clusterInvariants(this.view());
  if (violations.length) {
    throw new CheckFailed(`the cluster invariants do not hold:\n${violations.map((v) => `  - [${v.invariant}] ${v.message}`).join('\n')}`);
  }
  // The controllers' promises that hold at every instant, over the history of the action under test.
  checkAtAllTimes(this.cluster, this.marker, invariantsAtEveryInstant());
});

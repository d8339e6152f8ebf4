/**
 * `I drain node` never hangs: a drain whose evictions a PodDisruptionBudget
 * keeps refusing (kubectl without --timeout would retry forever) stops at
 * the harness's bound on waits and fails with a message saying so. (Found by
 * the fuzzer: such a drain ran simulated time, and memory, without end.)
 */
import { describe, expect, it } from 'vitest';
import { detachedWorld } from '../../src/fuzz/history.ts';
import { runOrFail } from '../../src/harness/actions.ts';
import { UserError } from '../../src/harness/errors.ts';
import { formatOffset } from '../../src/engine/index.ts';

describe('a drain blocked by a disruption budget', () => {
  it('fails after an hour of simulated time instead of waiting forever', () => {
    const world = detachedWorld({ seed: 1 });
    world.createCluster(1);
    world.apply(
      world.readInline(`apiVersion: policy/v1
kind: PodDisruptionBudget
metadata: {name: web}
spec: {minAvailable: 1, selector: {matchLabels: {app: web}}}
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: web}
spec:
  replicas: 1
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web}}
    spec: {containers: [{name: app, image: nginx:1.27}]}
`),
    );
    world.cluster.advance(10_000);
    let error: unknown;
    try {
      runOrFail(world, ['drain', 'node-1', '--ignore-daemonsets']);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(UserError);
    expect((error as Error).message).toMatch(/error when evicting pods\/"web-\w+-\w+" -n "default": still refused after 1h0m0s \(kubectl drain without --timeout would wait forever\)/);
    expect(formatOffset(world.cluster.clock.now())).toBe('+1h00m10.000s');
  });
});
